import { describe, expect, it } from 'vitest';
import { DATABASES, useTestStore } from '../../test/support/databases.js';
import type { TestDatabase } from '../../test/support/databases.js';
import { DEFAULT_AUTO_REGISTRATION } from '../core/node.js';
import { openDatabase } from './database.js';
import { isUniqueViolation } from './errors.js';
import { Store } from './store.js';

const now = new Date('2026-11-25T10:00:00Z');

describe.each(DATABASES)('store on $flavor', ({ create, available }) => {
  let database: TestDatabase | null = null;
  let store: Store;

  useTestStore({ create, available }, (opened, db) => {
    store = opened;
    database = db;
  });

  it('migrates an empty database and opening again is a no-op', async () => {
    await store.close();
    const reopened = await Store.open(openDatabase(database!));
    try {
      expect(await reopened.nodes.list()).toEqual([]);
    } finally {
      // useTestStore closes only the store it opened; left open, this one's threads would outlive the files.
      await reopened.close();
    }
  });

  it('reads default enterprise parameters and stores changes', async () => {
    expect(await store.parameters.get()).toEqual({
      autoRegistrationPhoneProtocol: 'SCCP',
      sipDevicesWithoutCredentials: 'allowed',
    });
    await store.parameters.set({ autoRegistrationPhoneProtocol: 'SIP' });
    await store.parameters.set({ autoRegistrationPhoneProtocol: 'SIP' });
    expect(await store.parameters.get()).toEqual({
      autoRegistrationPhoneProtocol: 'SIP',
      sipDevicesWithoutCredentials: 'allowed',
    });
  });

  it('creates a node once and updates its auto-registration', async () => {
    await store.nodes.ensure('cm1', DEFAULT_AUTO_REGISTRATION, now);
    await store.nodes.ensure('cm1', { enabled: false, startingDn: '1', endingDn: '2' }, now);
    expect((await store.nodes.get('cm1'))?.autoRegistration).toEqual(DEFAULT_AUTO_REGISTRATION);
    const later = new Date('2026-11-26T00:00:00Z');
    await store.nodes.updateAutoRegistration(
      'cm1',
      { enabled: false, startingDn: '2000', endingDn: '2099' },
      later,
    );
    const node = await store.nodes.get('cm1');
    expect(node?.autoRegistration).toEqual({ enabled: false, startingDn: '2000', endingDn: '2099' });
    expect(node?.autoRegistrationChangedAt).toBe(later.toISOString());
  });

  it('refuses a DN twice: the guarantee behind distinct auto-registered numbers', async () => {
    await store.devices.reserveDns(['1000'], now);
    const error = await store.devices.reserveDns(['1000'], now).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
  });

  it('rolls back a transaction as a whole', async () => {
    await store
      .transaction(async (tx) => {
        await tx.devices.reserveDns(['1500'], now);
        await tx.devices.reserveDns(['1500'], now);
      })
      .catch(() => undefined);
    expect(await store.devices.dnsWithLength(4, 4)).toEqual([]);
  });

  it('stores a batch of devices larger than one INSERT, and refuses the whole batch when one DN is taken', async () => {
    const dns = Array.from({ length: 1201 }, (_, i) => String(10000 + i));
    const devices = dns.map((dn, i) => ({
      name: `SEP00AA${i.toString(16).toUpperCase().padStart(8, '0')}`,
      model: '7960',
      protocol: 'SIP' as const,
      description: `Auto ${dn}`,
      lines: [{ index: 1, dn }],
      loadId: null,
    }));
    await store.transaction(async (tx) => {
      await tx.devices.reserveDns(dns, now);
      await tx.devices.insertAll(devices, now);
    });
    expect(await store.devices.dnsWithLength(5, 5)).toHaveLength(1201);
    expect((await store.devices.find(devices[1200].name))?.lines).toMatchObject([{ index: 1, dn: '11200' }]);

    const error = await store
      .transaction((tx) => tx.devices.reserveDns(['20000', '20001', '11200'], now))
      .catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect((await store.devices.dnsWithLength(5, 5)).filter((dn) => dn.startsWith('2'))).toEqual([]);
  });

  it('stores devices with lines, searches, pages and deletes them freeing their DNs', async () => {
    for (let i = 0; i < 30; i++) {
      const dn = String(1000 + i);
      const name = `SEP0011223344${i.toString(16).toUpperCase().padStart(2, '0')}`;
      await store.transaction(async (tx) => {
        await tx.devices.reserveDns([dn], now);
        await tx.devices.insert(
          {
            name,
            model: i % 2 ? '7960' : '7940',
            protocol: 'SCCP',
            description: `Auto ${dn}`,
            lines: [{ index: 1, dn }],
            loadId: null,
          },
          now,
        );
      });
    }
    const page = await store.devices.search({ page: 2, pageSize: 10, model: '7940' });
    expect(page.total).toBe(15);
    expect(page.items).toHaveLength(5);
    const byDn = await store.devices.search({ page: 1, pageSize: 10, dn: '1017' });
    expect(byDn.items.map((d) => d.lines)).toMatchObject([[{ index: 1, dn: '1017' }]]);
    const byDescription = await store.devices.search({ page: 1, pageSize: 50, description: 'auto 100' });
    expect(byDescription.total).toBe(10);
    await store.devices.applyStatusChanges([
      {
        name: 'SEP001122334400',
        status: 'registered',
        node: 'cm1',
        ipAddress: '10.1.2.3',
        activeLoadId: 'P00308010200',
        at: now.toISOString(),
      },
    ]);
    const registered = await store.devices.search({
      page: 1,
      pageSize: 10,
      status: 'registered',
      ipAddress: '10.1.2',
    });
    expect(registered.items.map((d) => [d.name, d.status, d.node, d.activeLoadId])).toEqual([
      ['SEP001122334400', 'registered', 'cm1', 'P00308010200'],
    ]);
    // One batch for several devices; a change without a load keeps the load the phone reported.
    await store.devices.applyStatusChanges([
      {
        name: 'SEP001122334400',
        status: 'unregistered',
        node: 'cm1',
        ipAddress: '10.1.2.3',
        activeLoadId: null,
        at: now.toISOString(),
      },
      {
        name: 'SEP001122334401',
        status: 'rejected',
        node: 'cm2',
        ipAddress: null,
        activeLoadId: null,
        at: now.toISOString(),
      },
    ]);
    expect((await store.devices.find('SEP001122334400'))?.activeLoadId).toBe('P00308010200');
    expect((await store.devices.find('SEP001122334400'))?.status).toBe('unregistered');
    expect((await store.devices.find('SEP001122334401'))?.status).toBe('rejected');
    expect((await store.devices.find('SEP001122334401'))?.node).toBe('cm2');
    await store.devices.applyStatusChanges([
      {
        name: 'SEP001122334400',
        status: 'registered',
        node: 'cm1',
        ipAddress: '10.1.2.3',
        activeLoadId: null,
        at: now.toISOString(),
      },
    ]);
    const descending = await store.devices.search({ page: 1, pageSize: 1, sort: 'name', order: 'desc' });
    expect(descending.items[0].name).toBe('SEP00112233441D');
    expect(await store.devices.unregisterAllOn('cm1', now)).toBe(1);
    expect(await store.devices.delete('SEP001122334400')).toBe(true);
    expect(await store.devices.find('SEP001122334400')).toBeNull();
    expect(await store.devices.dnsWithLength(4, 4)).not.toContain('1000');
    const dns = await store.devices.listDirectoryNumbers({ limit: 2, offset: 0 });
    expect(dns.total).toBe(29);
    expect(dns.items[0]).toEqual({
      dn: '1001',
      deviceName: 'SEP001122334401',
      lineIndex: 1,
      description: 'Auto 1001',
    });
  });

  it('writes and pages registration events newest first', async () => {
    const base = {
      protocol: 'SCCP' as const,
      address: '10.0.0.1:1',
      node: 'cm1',
      message: 'm',
      remedy: null,
    };
    await store.events.insertMany([
      {
        ...base,
        at: now.toISOString(),
        deviceName: 'SEP000000000001',
        outcome: 'accepted',
        reason: 'auto-registered',
      },
      {
        ...base,
        at: now.toISOString(),
        deviceName: 'SEP000000000002',
        outcome: 'rejected',
        reason: 'dn-range-exhausted',
        remedy: 'widen',
      },
      {
        ...base,
        at: now.toISOString(),
        deviceName: 'SEP000000000001',
        outcome: 'unregistered',
        reason: 'keepalive-timeout',
      },
    ]);
    const all = await store.events.list({ limit: 10 });
    expect(all.map((e) => e.reason)).toEqual(['keepalive-timeout', 'dn-range-exhausted', 'auto-registered']);
    expect((await store.events.list({ limit: 10, outcome: 'rejected' }))[0].remedy).toBe('widen');
    expect(
      await store.events.list({ limit: 10, deviceName: 'SEP000000000001', beforeId: all[0].id }),
    ).toHaveLength(1);
  });
});
