import { describe, expect, it } from 'vitest';
import { DATABASES, useTestStore } from '../../test/support/databases.js';
import { isUniqueViolation } from './errors.js';
import type { Store } from './store.js';

const now = new Date('2026-12-05T10:00:00Z');

describe.each(DATABASES)('SIP credentials on $flavor', ({ create, available }) => {
  let store: Store;

  useTestStore({ create, available }, async (opened) => {
    store = opened;
    for (const [name, protocol] of [
      ['SEP000000000001', 'SIP'],
      ['SEP000000000002', 'SIP'],
      ['SEP000000000003', 'SCCP'],
    ] as const) {
      await store.devices.insert(
        { name, model: '7940', protocol, description: '', lines: [], loadId: null },
        now,
      );
    }
  });

  const credential = (deviceName: string, username: string, sealed: string | null) => ({
    deviceName,
    username,
    realm: 'ccmsipline',
    ha1Md5: 'a'.repeat(32),
    ha1Sha256: 'b'.repeat(64),
    passwordSealed: sealed,
  });

  it('replaces a device’s credentials, keeps user names unique, and counts SIP devices without', async () => {
    expect(await store.credentials.countSipDevicesWithout()).toBe(2);
    await store.transaction((tx) =>
      tx.credentials.set(credential('SEP000000000001', 'alice', 'v1:0badc0de:x'), now),
    );
    await store.transaction((tx) =>
      tx.credentials.set(credential('SEP000000000001', 'alice2', 'v1:0badc0de:y'), now),
    );
    expect(await store.credentials.byDevice('SEP000000000001')).toMatchObject({
      username: 'alice2',
      passwordSealed: 'v1:0badc0de:y',
      updatedAt: now.toISOString(),
    });
    expect(await store.credentials.byUsername('alice')).toBeNull();
    const taken = await store
      .transaction((tx) => tx.credentials.set(credential('SEP000000000002', 'alice2', null), now))
      .catch((e: unknown) => e);
    expect(isUniqueViolation(taken)).toBe(true);
    expect(await store.credentials.countSipDevicesWithout()).toBe(1);
    await store.transaction((tx) =>
      tx.credentials.set(credential('SEP000000000002', 'bob', 'v1:feedf00d:z'), now),
    );
    expect(await store.credentials.sealedPasswordsByKey()).toEqual(
      new Map([
        ['0badc0de', 1],
        ['feedf00d', 1],
      ]),
    );
    expect(await store.credentials.remove('SEP000000000002')).toBe(true);
    expect(await store.credentials.remove('SEP000000000002')).toBe(false);
  });
});
