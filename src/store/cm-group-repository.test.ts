import { Migrator, sql } from 'kysely';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DATABASES, useTestStore } from '../../test/support/databases.js';
import { DEFAULT_AUTO_REGISTRATION } from '../core/node.js';
import { openDatabase } from './database.js';
import { migrationProvider } from './migrations/index.js';
import { Store } from './store.js';

const now = new Date('2026-12-05T10:00:00Z');

describe.each(DATABASES)('Unified CM Groups and Device Pools on $flavor', ({ create, available }) => {
  let store: Store;
  useTestStore({ create, available }, (opened) => {
    store = opened;
  });

  it('a fresh store has the Default pool and the Default auto-registration group, which new nodes join up to three', async () => {
    for (const name of ['cm1', 'cm2', 'cm3', 'cm4'])
      await store.nodes.ensure(name, DEFAULT_AUTO_REGISTRATION, now);
    await store.nodes.ensure('cm1', DEFAULT_AUTO_REGISTRATION, now);
    expect(await store.cmGroups.list()).toEqual([
      {
        name: 'Default',
        description: 'Created with the cluster',
        autoRegistration: true,
        members: ['cm1', 'cm2', 'cm3'],
      },
    ]);
    expect(await store.devicePools.list()).toEqual([
      { name: 'Default', description: 'Created with the cluster', cmGroup: 'Default' },
    ]);
    expect((await store.nodes.get('cm4'))?.autoRegistrationPool).toBe('Default');
  });

  it('keeps members in the order given, moves the auto-registration flag, and counts pool use', async () => {
    for (const name of ['a', 'b', 'c']) await store.nodes.ensure(name, DEFAULT_AUTO_REGISTRATION, now);
    await store.transaction(async (tx) => {
      await tx.cmGroups.insert({
        name: 'G1',
        description: 'east',
        members: ['c', 'a'],
        autoRegistration: true,
      });
      await tx.cmGroups.clearAutoRegistrationExcept('G1');
      await tx.devicePools.insert({ name: 'East', description: '', cmGroup: 'G1' });
    });
    expect(await store.cmGroups.get('G1')).toEqual({
      name: 'G1',
      description: 'east',
      members: ['c', 'a'],
      autoRegistration: true,
    });
    expect((await store.cmGroups.get('Default'))?.autoRegistration).toBe(false);
    await store.cmGroups.update({
      name: 'G1',
      description: 'east',
      members: ['b', 'c', 'a'],
      autoRegistration: true,
    });
    expect((await store.cmGroups.get('G1'))?.members).toEqual(['b', 'c', 'a']);
    expect(await store.devicePools.usingGroup('G1')).toEqual(['East']);
    await store.devices.insert(
      {
        name: 'SEP000000000001',
        model: '7960',
        protocol: 'SCCP',
        description: '',
        lines: [],
        loadId: null,
        devicePool: 'East',
      },
      now,
    );
    await store.devices.insert(
      { name: 'SEP000000000002', model: '7960', protocol: 'SCCP', description: '', lines: [], loadId: null },
      now,
    );
    expect(await store.devicePools.deviceCount('East')).toBe(1);
    expect((await store.devices.find('SEP000000000002'))?.devicePool).toBe('Default');
    const found = await store.devices.search({ devicePool: 'East', page: 1, pageSize: 10 });
    expect(found.items.map((d) => d.name)).toEqual(['SEP000000000001']);
  });

  it('gives existing nodes and devices the Default pool when migrating, the first three nodes by name in the group', async () => {
    // Back to before migration 0014 on a second database: nodes and a device as an older version left them.
    const database = await create();
    const old = openDatabase(database);
    const db = old.db as unknown as Kysely<unknown>;
    const migrator = new Migrator({
      db,
      provider: migrationProvider(old.flavor),
      allowUnorderedMigrations: true,
    });
    const { error } = await migrator.migrateTo('0013-cdr-redirect-reasons');
    expect(error).toBeUndefined();
    for (const name of ['zeta', 'alpha', 'mid', 'beta']) {
      await sql`INSERT INTO nodes (name, auto_registration_enabled, starting_dn, ending_dn, auto_registration_changed_at)
        VALUES (${name}, 1, '1000', '1999', ${now.toISOString()})`.execute(db);
    }
    await sql`INSERT INTO devices (name, model, protocol, description, created_at, status)
      VALUES ('SEP00000000000A', '7940', 'SCCP', '', ${now.toISOString()}, 'unregistered')`.execute(db);
    const migrated = await Store.open(old);
    try {
      expect((await migrated.cmGroups.get('Default'))?.members).toEqual(['alpha', 'beta', 'mid']);
      expect((await migrated.devices.find('SEP00000000000A'))?.devicePool).toBe('Default');
      expect((await migrated.nodes.get('zeta'))?.autoRegistrationPool).toBe('Default');
    } finally {
      // useTestStore closes and drops only what it opened.
      await migrated.close();
      await database.drop();
    }
  });
});
