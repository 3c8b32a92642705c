import { describe, expect, it } from 'vitest';
import { Pacer } from './pacer.js';

describe('Pacer', () => {
  it('sends one frame at the start and one per period after', () => {
    const pacer = new Pacer(1000);
    expect(pacer.tick(1000)).toEqual({ send: 1, skipped: 0, lateMs: 0 });
    expect(pacer.nextDueMs()).toBe(1020);
    expect(pacer.tick(1010).send).toBe(0);
    expect(pacer.tick(1020)).toEqual({ send: 1, skipped: 0, lateMs: 0 });
    expect(pacer.tick(1041)).toEqual({ send: 1, skipped: 0, lateMs: 1 });
    expect(pacer.nextDueMs()).toBe(1060);
  });

  it('catches up what a late wake-up owes, up to its burst; older frames are skipped', () => {
    const pacer = new Pacer(0, 20, 3);
    pacer.tick(0);
    expect(pacer.tick(45)).toEqual({ send: 2, skipped: 0, lateMs: 25 });
    expect(pacer.tick(200)).toEqual({ send: 3, skipped: 5, lateMs: 40 });
    expect(pacer.nextDueMs()).toBe(220);
  });
});
