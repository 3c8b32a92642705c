import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createSqliteDatabase, useTestStore } from '../../test/support/databases.js';
import { OPEN_GUARD } from '../core/auto-registration-guard.js';
import type { Store } from '../store/store.js';
import { AutoRegistrationGuardService } from './auto-registration-guard.js';
import { LimitLog } from './limit-log.js';
import { LiveEvents } from './live-events.js';

const phone = (i: number) => ({
  deviceName: `SEP00EE${i.toString(16).toUpperCase().padStart(8, '0')}`,
  protocol: 'SCCP' as const,
  model: '7960',
  ip: '10.1.2.3',
});

describe('the auto-registration guard of a node', () => {
  let store: Store;
  let now = Date.UTC(2026, 11, 5, 10, 0, 0);
  let lines: Record<string, unknown>[];
  let live: LiveEvents;
  let guard: AutoRegistrationGuardService;

  useTestStore({ create: createSqliteDatabase, available: async () => true }, (opened) => {
    store = opened;
    lines = [];
    live = new LiveEvents();
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    guard = new AutoRegistrationGuardService({
      store,
      nodeName: 'cm1',
      clock: () => new Date(now),
      live,
      logger,
      limits: new LimitLog(logger, () => now),
      maxPendingPhones: 2,
    });
  });

  it('admits N new phones within a minute, then again once the first leave the window; logs once a window', async () => {
    const rate = { ...OPEN_GUARD, newPhonesPerMinute: 2 };
    expect((await guard.check(phone(1), rate)).kind).toBe('admit');
    now += 30_000;
    expect((await guard.check(phone(2), rate)).kind).toBe('admit');
    for (let i = 3; i < 6; i++) {
      const refused = await guard.check(phone(i), rate);
      expect(refused.kind === 'refuse' && refused.rejection.reason).toBe('auto-registration-rate');
    }
    expect(lines.filter((l) => String(l.msg).includes('further new phones'))).toHaveLength(1);
    now += 30_000; // the first admission is a minute old
    expect((await guard.check(phone(6), rate)).kind).toBe('admit');
    expect((await guard.check(phone(7), rate)).kind).toBe('refuse');
    expect(lines.filter((l) => String(l.msg).includes('further new phones'))).toHaveLength(1);
    now += 30_000; // a minute after the first line: the next refusal is logged again
    expect((await guard.check(phone(8), rate)).kind).toBe('admit');
    expect((await guard.check(phone(9), rate)).kind).toBe('refuse');
    expect(lines.filter((l) => String(l.msg).includes('further new phones'))).toHaveLength(2);
  });

  it('stores a held phone before it answers, counts its attempts, and bounds the queue', async () => {
    const approval = { ...OPEN_GUARD, approvalRequired: true };
    const pushed: string[] = [];
    live.on('pending-phone', (c) => pushed.push(`${c.deviceName} ${c.state}`));
    const held = await guard.check(phone(1), approval);
    expect(held.kind === 'refuse' && held.rejection.reason).toBe('awaiting-approval');
    expect(await store.pendingPhones.find(phone(1).deviceName)).toMatchObject({
      state: 'pending',
      attempts: 1,
    });
    // Attempts within 10 s are counted in memory and written with the next write.
    for (let i = 0; i < 4; i++) await guard.check(phone(1), approval);
    expect((await store.pendingPhones.find(phone(1).deviceName))?.attempts).toBe(2);
    now += 10_000;
    await guard.check(phone(1), approval);
    expect((await store.pendingPhones.find(phone(1).deviceName))?.attempts).toBe(6);
    expect(pushed[0]).toBe('SEP00EE00000001 pending');

    await guard.check(phone(2), approval);
    const full = await guard.check(phone(3), approval);
    expect(full.kind === 'refuse' && full.rejection.reason).toBe('approval-queue-full');
    expect(await store.pendingPhones.find(phone(3).deviceName)).toBeNull();

    await store.pendingPhones.decide(phone(1).deviceName, 'accepted', 'admin', new Date(now).toISOString());
    expect(await guard.check(phone(1), approval)).toEqual({ kind: 'admit', approved: true });
    // Without approval required the queue is not consulted: an unknown phone is admitted as before.
    expect(await guard.check(phone(2), OPEN_GUARD)).toEqual({ kind: 'admit', approved: false });
  });
});
