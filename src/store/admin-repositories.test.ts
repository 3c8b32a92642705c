import { describe, expect, it } from 'vitest';
import { DATABASES, useTestStore } from '../../test/support/databases.js';
import type { Store } from './store.js';

const now = new Date('2026-11-25T10:00:00Z');

describe.each(DATABASES)('administration tables on $flavor', ({ create, available }) => {
  let store: Store;

  useTestStore({ create, available }, async (opened) => {
    store = opened;
    await store.users.createIfAbsent({ name: 'alice', passwordHash: 'x', role: 'admin' }, now);
  });

  it('keeps the newest sessions of a user and says which it ended', async () => {
    await store.users.createIfAbsent({ name: 'bob', passwordHash: 'x', role: 'admin' }, now);
    const at = (minute: number) => new Date(now.getTime() + minute * 60_000).toISOString();
    for (const [id, user, minute] of [
      ['1', 'alice', 1],
      ['2', 'alice', 3],
      ['3', 'alice', 2],
      ['4', 'bob', 0],
    ] as const)
      await store.sessions.insert({
        id: id.repeat(64),
        userName: user,
        csrfToken: 'csrf',
        createdAt: at(minute),
        expiresAt: at(60),
        lastSeenAt: at(minute),
      });
    expect(await store.sessions.keepNewestOfUser('alice', 1)).toEqual(['3'.repeat(64), '1'.repeat(64)]);
    expect(await store.sessions.find('2'.repeat(64))).not.toBeNull();
    expect(await store.sessions.find('4'.repeat(64))).not.toBeNull();
    expect(await store.sessions.keepNewestOfUser('alice', 1)).toEqual([]);
    expect(await store.sessions.keepNewestOfUser('alice', 0)).toEqual(['2'.repeat(64)]);
  });

  it('stores sessions by hash, slides and ends them; deleting the user ends its sessions and keys', async () => {
    const session = {
      id: 'a'.repeat(64),
      userName: 'alice',
      csrfToken: 'csrf',
      createdAt: now.toISOString(),
      expiresAt: '2026-11-25T10:30:00.000Z',
      lastSeenAt: now.toISOString(),
    };
    await store.sessions.insert(session);
    await store.sessions.insert({ ...session, id: 'b'.repeat(64) });
    await store.sessions.touch(session.id, '2026-11-25T10:10:00.000Z', '2026-11-25T10:40:00.000Z');
    expect((await store.sessions.find(session.id))?.expiresAt).toBe('2026-11-25T10:40:00.000Z');
    expect(await store.sessions.deleteForUser('alice', session.id)).toBe(1);
    expect(await store.sessions.deleteExpired('2026-11-25T11:00:00.000Z')).toBe(1);
    await store.apiKeys.insert({
      id: '0123456789abcdef',
      userName: 'alice',
      label: 'backup',
      secretHash: 'f'.repeat(64),
      createdAt: now.toISOString(),
      lastUsedAt: null,
    });
    await store.sessions.insert(session);
    expect(await store.users.delete('alice')).toBe(true);
    expect(await store.sessions.find(session.id)).toBeNull();
    expect(await store.apiKeys.list()).toEqual([]);
  });

  it('keeps the audit log newest first with its changes, filtered and paged', async () => {
    for (const name of ['cm1', 'cm2', 'cm3']) {
      await store.audit.insert({
        at: now.toISOString(),
        user: 'alice',
        via: 'ui',
        action: 'update',
        target: 'node',
        targetName: name,
        changes: [{ field: 'autoRegistration.enabled', old: true, new: false }],
        summary: `update node ${name}`,
      });
    }
    const all = await store.audit.list({ limit: 10 });
    expect(all.map((e) => e.targetName)).toEqual(['cm3', 'cm2', 'cm1']);
    expect(all[0].changes).toEqual([{ field: 'autoRegistration.enabled', old: true, new: false }]);
    const older = await store.audit.list({ beforeId: all[0].id, limit: 1 });
    expect(older.map((e) => e.targetName)).toEqual(['cm2']);
    expect(await store.audit.list({ target: 'node', targetName: 'cm1', limit: 10 })).toHaveLength(1);
  });

  it('counts registration events per minute and devices by state in the database', async () => {
    const event = (at: string, outcome: 'accepted' | 'rejected') => ({
      at,
      deviceName: 'SEP001122334455',
      protocol: 'SCCP' as const,
      address: '10.0.0.1:5000',
      node: 'cm1',
      outcome,
      reason: 'auto-registered' as const,
      message: 'm',
      remedy: null,
    });
    await store.events.insertMany([
      event('2026-11-25T09:58:10.000Z', 'accepted'),
      event('2026-11-25T09:58:50.000Z', 'accepted'),
      event('2026-11-25T09:59:00.000Z', 'rejected'),
      event('2026-11-25T08:00:00.000Z', 'accepted'),
    ]);
    const perMinute = await store.statistics.eventsPerMinute('2026-11-25T09:00:00.000Z');
    expect(perMinute.sort((a, b) => a.minute.localeCompare(b.minute))).toEqual([
      { minute: '2026-11-25T09:58', outcome: 'accepted', n: 2 },
      { minute: '2026-11-25T09:59', outcome: 'rejected', n: 1 },
    ]);
    await store.devices.insert(
      { name: 'SEP001122334455', model: '7940', protocol: 'SCCP', description: '', lines: [], loadId: null },
      now,
    );
    expect(await store.statistics.devicesByState()).toEqual([
      { status: 'unregistered', protocol: 'SCCP', node: null, model: '7940', n: 1 },
    ]);
  });

  it('shares a DN between two phones and frees it when no line uses it', async () => {
    for (const name of ['SEP000000000001', 'SEP000000000002']) {
      await store.deviceChanges.ensureDns(['5000'], now);
      await store.devices.insert(
        {
          name,
          model: '7940',
          protocol: 'SCCP',
          description: '',
          lines: [{ index: 1, dn: '5000' }],
          loadId: null,
        },
        now,
      );
    }
    expect(Object.fromEntries(await store.deviceChanges.holders(['5000'], 'SEP000000000001'))).toEqual({
      '5000': ['SEP000000000002'],
    });
    await store.deviceChanges.ensureDns(['5001'], now);
    await store.deviceChanges.replaceLines('SEP000000000001', [{ index: 2, dn: '5001' }]);
    expect(await store.deviceChanges.deleteUnusedDns(['5000'])).toEqual([]);
    await store.deviceChanges.replaceLines('SEP000000000002', []);
    expect(await store.deviceChanges.deleteUnusedDns(['5000'])).toEqual(['5000']);
  });

  it('keeps administration settings', async () => {
    await store.adminSettings.set('autoRegistrationWarningDays', '14');
    await store.adminSettings.set('autoRegistrationWarningDays', '21');
    expect(await store.adminSettings.all()).toEqual({ autoRegistrationWarningDays: '21' });
  });
});
