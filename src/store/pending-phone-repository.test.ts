import { describe, expect, it } from 'vitest';
import { DATABASES, useTestStore } from '../../test/support/databases.js';
import { OPEN_GUARD } from '../core/auto-registration-guard.js';
import { DEFAULT_AUTO_REGISTRATION } from '../core/node.js';
import type { PendingAttempt } from './pending-phone-repository.js';
import type { Store } from './store.js';

const at = (s: number) => new Date(Date.UTC(2026, 11, 5, 10, 0, s)).toISOString();
const attempt = (deviceName: string, s = 0): PendingAttempt => ({
  deviceName,
  model: '7960',
  protocol: 'SCCP',
  sourceIp: '10.1.2.3',
  node: 'cm1',
  at: at(s),
});

describe.each(DATABASES)('auto-registration guard and pending phones on $flavor', ({ create, available }) => {
  let store: Store;
  useTestStore({ create, available }, (opened) => {
    store = opened;
  });

  it('stores a node guard; a node without one is open', async () => {
    await store.nodes.ensure('cm1', DEFAULT_AUTO_REGISTRATION, new Date());
    expect((await store.nodes.get('cm1'))?.autoRegistrationGuard).toEqual(OPEN_GUARD);
    const guard = { ...OPEN_GUARD, allowedSubnets: ['10.1.0.0/16'], newPhonesPerMinute: 5 };
    await store.nodes.updateGuard('cm1', guard);
    expect((await store.nodes.get('cm1'))?.autoRegistrationGuard).toEqual(guard);
  });

  it('queues a phone once, counts its attempts, records decisions and forgets it', async () => {
    expect(await store.pendingPhones.hold(attempt('SEP000000000001'))).toBe(true);
    expect(await store.pendingPhones.hold(attempt('SEP000000000001', 5))).toBe(false);
    await store.pendingPhones.touch({ ...attempt('SEP000000000001', 9), sourceIp: '10.1.2.4' }, 3);
    expect(await store.pendingPhones.find('SEP000000000001')).toEqual({
      deviceName: 'SEP000000000001',
      model: '7960',
      protocol: 'SCCP',
      sourceIp: '10.1.2.4',
      node: 'cm1',
      state: 'pending',
      firstSeenAt: at(0),
      lastSeenAt: at(9),
      attempts: 4,
      decidedBy: null,
      decidedAt: null,
    });
    await store.pendingPhones.hold(attempt('SEP000000000002', 1));
    expect(await store.pendingPhones.countPending()).toBe(2);
    expect(await store.pendingPhones.decide('SEP000000000002', 'refused', 'admin', at(20))).toBe(true);
    expect(await store.pendingPhones.decide('SEP0000000000FF', 'refused', 'admin', at(20))).toBe(false);
    expect(await store.pendingPhones.countPending()).toBe(1);
    const refused = await store.pendingPhones.list({ state: 'refused', page: 1, pageSize: 10 });
    expect(refused).toMatchObject({
      total: 1,
      items: [{ deviceName: 'SEP000000000002', decidedBy: 'admin' }],
    });
    const byName = await store.pendingPhones.list({
      name: '0001',
      sourceIp: '10.1.2',
      page: 1,
      pageSize: 10,
    });
    expect(byName.items.map((p) => p.deviceName)).toEqual(['SEP000000000001']);
    expect(await store.pendingPhones.remove(['SEP000000000001', 'SEP000000000002'])).toBe(2);
    expect(await store.pendingPhones.list({ page: 1, pageSize: 10 })).toEqual({ items: [], total: 0 });
  });
});
