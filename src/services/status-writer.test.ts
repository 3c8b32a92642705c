import SqliteDatabase from 'better-sqlite3';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createSqliteDatabase, useTestStore } from '../../test/support/databases.js';
import { cdr } from '../../test/support/cdrs.js';
import { eventually } from '../../test/support/node.js';
import { unregisteredEvent } from '../core/registration-event.js';
import type { Store } from '../store/store.js';
import { LimitLog } from './limit-log.js';
import { StatusWriter } from './status-writer.js';

const now = new Date('2026-11-25T12:00:00Z');
const silent = pino({ level: 'silent' });

function device(i: number) {
  return {
    name: `SEP0000000000${String(i).padStart(2, '0')}`,
    model: '7960',
    protocol: 'SIP' as const,
    description: 'auto',
    loadId: null,
    lines: [{ index: 1, dn: String(1000 + i) }],
  };
}

function lostEvent(name: string) {
  return unregisteredEvent(
    { at: now, deviceName: name, protocol: 'SIP', address: '10.0.0.9:5060', node: 'cm1' },
    'keepalive-timeout',
  );
}

describe('status writer', () => {
  let store: Store;
  useTestStore({ create: createSqliteDatabase, available: async () => true }, (opened) => {
    store = opened;
  });

  /** The database refuses every registration event (and so every batch) until `heal()`. */
  function breakDatabase(): { heal(): void } {
    const db = new SqliteDatabase(store.database.location);
    db.exec(
      `CREATE TRIGGER refuse BEFORE INSERT ON registration_events BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`,
    );
    return {
      heal() {
        db.exec('DROP TRIGGER refuse');
        db.close();
      },
    };
  }

  async function storeDevices(n: number): Promise<void> {
    const devices = Array.from({ length: n }, (_, i) => device(i));
    await store.devices.reserveDns(
      devices.map((d) => d.lines[0].dn),
      now,
    );
    await store.devices.insertAll(devices, now, new Map());
  }

  it('drops a queued change older than the status a device was stored with', async () => {
    const writer = new StatusWriter(store, silent, 60_000);
    const change = { node: 'cm1', ipAddress: '10.0.0.9', activeLoadId: null, at: now.toISOString() };
    // A change queued before the device was (re)created as registered, e.g. by auto-registration.
    writer.status({ name: 'SEP000000000001', status: 'unregistered', ...change });
    await store.devices.reserveDns(['1001'], now);
    const d = device(1);
    await store.devices.insertAll(
      [d],
      now,
      new Map([[d.name, { name: d.name, status: 'registered' as const, ...change }]]),
    );
    writer.alreadyStored(d.name);
    await writer.flush();
    expect((await store.devices.find(d.name))?.status).toBe('registered');
  });

  it('lets a reader wait for the batch already coming instead of writing one for it', async () => {
    await storeDevices(1);
    const name = device(0).name;
    // A batch delay no test waits out: only flush() (a writer) can make this batch go.
    const writer = new StatusWriter(store, silent, 60_000);
    writer.event(lostEvent(name));
    let settled = false;
    const reader = writer.settled().then(() => (settled = true));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    expect(await store.events.list({ deviceName: name, limit: 10 })).toEqual([]);
    await writer.flush();
    await reader;
    expect(await store.events.list({ deviceName: name, limit: 10 })).toHaveLength(1);
    // Nothing queued: a reader does not wait.
    await writer.settled();
    await writer.close();
  });

  it('keeps what the database refused, retries it, reports itself unhealthy meanwhile, and writes it once the database accepts again', async () => {
    await storeDevices(1);
    const name = device(0).name;
    const writer = new StatusWriter(store, silent, 0, 2000, { retryDelayMs: 10, maxRetryDelayMs: 50 });
    const broken = breakDatabase();
    expect((await store.devices.find(name))?.status).toBe('unregistered');
    writer.status({
      name,
      status: 'registered',
      node: 'cm1',
      ipAddress: '10.0.0.9',
      activeLoadId: null,
      at: now.toISOString(),
    });
    writer.event(lostEvent(name));
    let cdrStored = false;
    void writer.cdr({ node: 'cm1', cdr: cdr(1, 0) }).then(() => (cdrStored = true));
    await writer.flush();
    expect((await store.devices.find(name))?.status).toBe('unregistered');
    const unhealthy = await eventually(() => {
      const health = writer.health();
      return health.healthy ? null : health;
    });
    expect(unhealthy.reason).toMatch(
      /cannot be written to the database .* the last with "disk I\/O error"\. 1 statuses, 1 events and 1 call detail records are waiting/,
    );
    expect(writer.backlog()).toEqual({ statuses: 1, events: 1, cdrs: 1, droppedEvents: 0, droppedCdrs: 0 });
    expect(cdrStored).toBe(false);

    broken.heal();
    await eventually(() => writer.health().healthy);
    expect((await store.devices.find(name))?.status).toBe('registered');
    expect(await store.events.list({ deviceName: name, limit: 10 })).toHaveLength(1);
    expect(await store.cdrs.list({ limit: 10 })).toHaveLength(1);
    await eventually(() => cdrStored);
    expect(writer.backlog()).toEqual({ statuses: 0, events: 0, cdrs: 0, droppedEvents: 0, droppedCdrs: 0 });
    await writer.close();
  });

  it('holds at most maxQueuedEvents events while the database refuses: the oldest go, counted, and never a status', async () => {
    await storeDevices(30);
    const limits = new LimitLog(silent);
    const writer = new StatusWriter(store, silent, 0, 2000, {
      retryDelayMs: 10,
      maxRetryDelayMs: 20,
      maxQueuedEvents: 100,
      limits,
    });
    const broken = breakDatabase();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 30; i++) {
        const name = device(i).name;
        writer.status({
          name,
          status: round % 2 === 0 ? 'unregistered' : 'registered',
          node: 'cm1',
          ipAddress: `10.0.0.${round}`,
          activeLoadId: null,
          at: now.toISOString(),
        });
        writer.event({ ...lostEvent(name), message: `round ${round}` });
      }
      await writer.flush();
    }
    expect(writer.backlog()).toEqual({
      statuses: 30,
      events: 100,
      cdrs: 0,
      droppedEvents: 50,
      droppedCdrs: 0,
    });
    expect(limits.totals().get('databaseMaxQueuedEvents')).toBeGreaterThan(0);

    broken.heal();
    await eventually(() => writer.backlog().events === 0);
    // The queue empties when the write begins; flush() resolves when it is committed.
    await writer.flush();
    const stored = await store.events.list({ limit: 1000 });
    expect(stored).toHaveLength(100);
    // The newest 100 of the 150: rounds 1 (the last 10), 2, 3 and 4.
    expect(stored.filter((e) => e.message === 'round 0')).toEqual([]);
    expect(stored.filter((e) => e.message === 'round 1')).toHaveLength(10);
    for (let i = 0; i < 30; i++) {
      const d = await store.devices.find(device(i).name);
      expect([d?.status, d?.ipAddress]).toEqual(['unregistered', '10.0.0.4']);
    }
    await writer.close();
  });
});
