import { describe, expect, it } from 'vitest';
import { PasswordCheckGate } from './password-check-gate.js';

describe('PasswordCheckGate', () => {
  it('lets each address start its share of checks, and all of them the total, until one ends', () => {
    const gate = new PasswordCheckGate({ perAddress: 2, total: 3 });
    const a1 = gate.enter('10.0.0.1');
    const a2 = gate.enter('10.0.0.1');
    expect(gate.enter('10.0.0.1')).toEqual({ full: 'per-address' });
    const b1 = gate.enter('10.0.0.2');
    expect(gate.enter('10.0.0.3')).toEqual({ full: 'total' });
    expect(gate.inProgress).toBe(3);
    if (!('release' in a1) || !('release' in a2) || !('release' in b1)) throw new Error('refused');
    a1.release();
    a1.release();
    expect(gate.inProgress).toBe(2);
    expect('release' in gate.enter('10.0.0.1')).toBe(true);
    a2.release();
    b1.release();
    expect(gate.inProgress).toBe(1);
  });
});
