import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DATABASES, useTestStore } from '../../test/support/databases.js';
import type { StatusChange } from './device-repository.js';
import type { Store } from './store.js';

const T0 = '2026-03-01T10:00:00.000Z';
const later = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();

async function addPhone(store: Store, name: string): Promise<void> {
  await store.devices.insert(
    { name, model: '7960', protocol: 'SCCP', description: '', lines: [], loadId: null },
    new Date(T0),
  );
}

const change = (status: StatusChange['status'], node: string, at: string): StatusChange => ({
  name: 'SEP0011223344AA',
  status,
  node,
  ipAddress: '10.0.0.1',
  activeLoadId: null,
  at,
});

describe.each(DATABASES)('owner-guarded status writes, $flavor', (backend) => {
  let store: Store;
  useTestStore(backend, (s) => {
    store = s;
  });

  it('a late unregistered from the node a phone left does not overwrite its registration elsewhere', async () => {
    await addPhone(store, 'SEP0011223344AA');
    await store.devices.applyStatusChanges([change('registered', 'cm1', later(1))]);
    await store.devices.applyStatusChanges([change('registered', 'cm2', later(2))]);
    await store.devices.applyStatusChanges([change('unregistered', 'cm1', later(3))]);
    expect(await store.devices.find('SEP0011223344AA')).toMatchObject({ status: 'registered', node: 'cm2' });
    // An older registration loses too; the owner's unregistered applies.
    await store.devices.applyStatusChanges([change('registered', 'cm1', later(1.5))]);
    expect((await store.devices.find('SEP0011223344AA'))?.node).toBe('cm2');
    await store.devices.applyStatusChanges([change('unregistered', 'cm2', later(4))]);
    expect(await store.devices.find('SEP0011223344AA')).toMatchObject({
      status: 'unregistered',
      node: 'cm2',
    });
    // Once unregistered, any node's change that is newer applies.
    await store.devices.applyStatusChanges([change('rejected', 'cm1', later(5))]);
    expect(await store.devices.find('SEP0011223344AA')).toMatchObject({ status: 'rejected', node: 'cm1' });
  });

  it('a phone moving back: the registration on the new node stands though the old node’s later "unregistered" was written first', async () => {
    await addPhone(store, 'SEP0011223344AA');
    await store.devices.applyStatusChanges([change('registered', 'cm2', later(2))]);
    await store.devices.applyStatusChanges([change('unregistered', 'cm2', later(4))]);
    await store.devices.applyStatusChanges([change('registered', 'cm1', later(3))]);
    expect(await store.devices.find('SEP0011223344AA')).toMatchObject({ status: 'registered', node: 'cm1' });
    // The same node's older registration stays older than its own unregistered.
    await store.devices.applyStatusChanges([change('unregistered', 'cm1', later(6))]);
    await store.devices.applyStatusChanges([change('registered', 'cm1', later(5))]);
    expect(await store.devices.find('SEP0011223344AA')).toMatchObject({
      status: 'unregistered',
      node: 'cm1',
    });
  });

  it('a node re-asserting what it held after it hung does not take back a phone registered elsewhere meanwhile', async () => {
    await addPhone(store, 'SEP0011223344AA');
    await store.devices.applyStatusChanges([change('registered', 'cm1', later(1))]);
    await store.devices.applyStatusChanges([change('registered', 'cm2', later(2))]);
    await store.devices.applyStatusChanges([{ ...change('registered', 'cm1', later(3)), reassert: true }]);
    expect(await store.devices.find('SEP0011223344AA')).toMatchObject({ status: 'registered', node: 'cm2' });
    // A phone shown unregistered (the reaper's doing) is taken back by its node's re-assertion.
    await store.devices.applyStatusChanges([change('unregistered', 'cm2', later(4))]);
    await store.devices.applyStatusChanges([{ ...change('registered', 'cm1', later(5)), reassert: true }]);
    expect(await store.devices.find('SEP0011223344AA')).toMatchObject({ status: 'registered', node: 'cm1' });
  });
});

describe('the reaper, postgres', () => {
  const postgres = DATABASES.find((d) => d.flavor === 'postgres')!;
  let store: Store;
  useTestStore(postgres, (s) => {
    store = s;
  });

  it('declares a silent node down, unregisters its phones only, and leaves a stopped node alone', async () => {
    for (const n of ['cm1', 'cm2', 'cm3'])
      await store.nodes.ensure(n, { enabled: true, startingDn: '1000', endingDn: '1999' }, new Date());
    await addPhone(store, 'SEP0011223344AA');
    await addPhone(store, 'SEP0011223344BB');
    const now = new Date().toISOString();
    await store.devices.applyStatusChanges([
      { ...change('registered', 'cm1', now) },
      { ...change('registered', 'cm2', now), name: 'SEP0011223344BB' },
    ]);
    const db = store.database.db;
    // cm1 beat 10 s ago, cm2 just now, cm3 stopped cleanly (no heartbeat).
    await sql`UPDATE nodes SET heartbeat_at = to_char((now() - interval '10 seconds') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') WHERE name = 'cm1'`.execute(
      db,
    );
    await sql`UPDATE nodes SET heartbeat_at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') WHERE name = 'cm2'`.execute(
      db,
    );

    const reaped = await store.transaction((tx) => tx.cluster.reapSilentNodes(3000, 'cm2'));
    expect(reaped.map((r) => [r.node, r.phones.map((p) => p.name)])).toEqual([['cm1', ['SEP0011223344AA']]]);
    expect(await store.devices.find('SEP0011223344AA')).toMatchObject({
      status: 'unregistered',
      node: 'cm1',
    });
    expect((await store.devices.find('SEP0011223344BB'))?.status).toBe('registered');
    // Declared once: the next round finds nothing.
    expect(await store.transaction((tx) => tx.cluster.reapSilentNodes(3000, 'cm2'))).toEqual([]);
    const { nodes } = await store.cluster.liveness();
    expect(nodes.map((n) => [n.name, n.downAt !== null, n.phonesRegistered])).toEqual([
      ['cm1', true, 0],
      ['cm2', false, 1],
      ['cm3', false, 0],
    ]);
  });
});
