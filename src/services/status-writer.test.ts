import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createSqliteDatabase, useTestStore } from '../../test/support/databases.js';
import type { Store } from '../store/store.js';
import { StatusWriter } from './status-writer.js';

const now = new Date('2026-11-25T12:00:00Z');

describe('status writer', () => {
  let store: Store;
  useTestStore({ create: createSqliteDatabase, available: async () => true }, (opened) => {
    store = opened;
  });

  it('drops a queued change older than the status a device was stored with', async () => {
    const writer = new StatusWriter(store, pino({ level: 'silent' }), 60_000);
    const change = { node: 'cm1', ipAddress: '10.0.0.9', activeLoadId: null, at: now.toISOString() };
    // A change queued before the device was (re)created as registered, e.g. by auto-registration.
    writer.status({ name: 'SEP000000000001', status: 'unregistered', ...change });
    await store.devices.reserveDns(['1000'], now);
    const device = {
      name: 'SEP000000000001',
      model: '7960',
      protocol: 'SIP' as const,
      description: 'auto',
      loadId: null,
      lines: [{ index: 1, dn: '1000' }],
    };
    await store.devices.insertAll(
      [device],
      now,
      new Map([[device.name, { name: device.name, status: 'registered' as const, ...change }]]),
    );
    writer.alreadyStored(device.name);
    await writer.flush();
    expect((await store.devices.find(device.name))?.status).toBe('registered');
  });
});
