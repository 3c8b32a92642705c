import { describe, expect, it } from 'vitest';
import { DATABASES, useTestStore } from '../../test/support/databases.js';
import type { DeviceProtocol } from '../core/device.js';
import type { AutoRegistration } from '../core/node.js';
import { phoneModel } from '../core/phone-models.js';
import type { StatusChange } from '../store/device-repository.js';
import type { Store } from '../store/store.js';
import { AutoRegistrar } from './auto-registrar.js';
import { DnAllocator } from './dn-allocator.js';

const now = new Date('2026-11-25T12:00:00Z');
const model = phoneModel('7960')!;

function phone(i: number, protocol: DeviceProtocol = 'SIP') {
  const deviceName = `SEP00AB${i.toString(16).toUpperCase().padStart(8, '0')}`;
  return {
    deviceName,
    protocol,
    model,
    announcedModel: '7960',
    address: `127.0.0.1:${5000 + i}`,
  };
}

describe.each(DATABASES)('auto-registration on $flavor', ({ create, available }) => {
  let store: Store;
  let registrar: AutoRegistrar;
  let allocator: DnAllocator;
  const range: AutoRegistration = { enabled: true, startingDn: '1000', endingDn: '1999' };

  useTestStore({ create, available }, (opened) => {
    store = opened;
    allocator = new DnAllocator();
    registrar = new AutoRegistrar({ store, allocator, clock: () => now });
  });

  const register = (i: number, r: AutoRegistration = range, protocol: DeviceProtocol = 'SIP') => {
    const request = phone(i, protocol);
    const status: StatusChange = {
      name: request.deviceName,
      status: 'registered',
      node: 'cm1',
      ipAddress: '127.0.0.1',
      activeLoadId: 'SIP41.8-4-2S',
      at: now.toISOString(),
    };
    return registrar.register({ request, nodeName: 'cm1', range: r, model, status });
  };

  it('gives phones that arrive together the lowest distinct DNs, each stored with its line', async () => {
    const wide: AutoRegistration = { enabled: true, startingDn: '10000', endingDn: '19999' };
    const results = await Promise.all(Array.from({ length: 1200 }, (_, i) => register(i, wide)));
    const dns = results.map((r) => (r.kind === 'accepted' ? r.device.lines[0].dn : r.rejection.reason));
    expect(new Set(dns).size).toBe(1200);
    expect([...dns].sort()).toEqual(Array.from({ length: 1200 }, (_, i) => String(10000 + i)));
    const stored = await store.devices.find(phone(7).deviceName);
    expect(stored?.lines).toMatchObject([{ index: 1, dn: dns[7] }]);
    expect(stored?.protocol).toBe('SIP');
    // Stored registered at once: no status update has to follow each new phone.
    expect(stored).toMatchObject({ status: 'registered', node: 'cm1', ipAddress: '127.0.0.1' });
    expect(stored?.activeLoadId).toBe('SIP41.8-4-2S');
  });

  it('still registers the whole group when one DN was taken behind its back (another node)', async () => {
    await register(0); // the allocator now knows the range: 1000 taken
    await store.transaction(async (tx) => tx.devices.reserveDns(['1001', '1003'], now));
    const results = await Promise.all([1, 2, 3, 4].map((i) => register(i)));
    const dns = results.map((r) => (r.kind === 'accepted' ? r.device.lines[0].dn : 'rejected'));
    expect([...dns].sort()).toEqual(['1002', '1004', '1005', '1006']);
    expect(results.every((r) => r.kind === 'accepted' && r.autoRegistered)).toBe(true);
    // Retried one by one, each is still stored registered.
    expect((await store.devices.find(phone(3).deviceName))?.status).toBe('registered');
  });

  it('gives the same phone twice in one group one device and one DN', async () => {
    const [a, b] = await Promise.all([register(9), register(9)]);
    expect(a).toEqual(b);
    expect(a.kind === 'accepted' && a.device.lines[0].dn).toBe('1000');
    expect(await store.devices.dnsWithLength(4, 4)).toEqual(['1000']);
  });

  it('rejects the phones beyond the end of the range and registers the others', async () => {
    const small: AutoRegistration = { enabled: true, startingDn: '1000', endingDn: '1002' };
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => register(i, small)));
    expect(results.filter((r) => r.kind === 'accepted')).toHaveLength(3);
    const rejected = results.filter((r) => r.kind === 'rejected');
    expect(rejected.map((r) => r.kind === 'rejected' && r.rejection.reason)).toEqual([
      'dn-range-exhausted',
      'dn-range-exhausted',
    ]);
  });

  it('rejects a phone whose device was created meanwhile with the other protocol', async () => {
    await register(1); // loads the allocator's view of the range
    const sccpFirst = phone(5, 'SCCP');
    await store.transaction(async (tx) => {
      await tx.devices.reserveDns(['1500'], now);
      await tx.devices.insert(
        {
          name: sccpFirst.deviceName,
          model: '7960',
          protocol: 'SCCP',
          description: 'made by an administrator',
          lines: [{ index: 1, dn: '1500' }],
          loadId: null,
        },
        now,
      );
    });
    const [other, late] = await Promise.all([register(2), register(5, range, 'SIP')]);
    expect(other.kind === 'accepted' && other.device.lines[0].dn).toBe('1001');
    expect(late.kind === 'rejected' && late.rejection.reason).toBe('device-protocol-mismatch');
    expect((await store.devices.find(sccpFirst.deviceName))?.lines).toMatchObject([{ index: 1, dn: '1500' }]);
  });
});
