import { describe, expect, it } from 'vitest';
import { createSqliteDatabase, useTestStore } from '../../test/support/databases.js';
import type { Store } from '../store/store.js';
import { DnAllocator } from './dn-allocator.js';

const range = { startingDn: '1000', endingDn: '1009' };
const now = new Date('2026-11-25T12:00:00Z');

describe('DN allocator', () => {
  let store: Store;
  useTestStore({ create: createSqliteDatabase, available: async () => true }, (opened) => {
    store = opened;
  });

  const proposeAll = async (allocator: DnAllocator, n: number) => {
    const dns: (string | null)[] = [];
    for (let i = 0; i < n; i++) dns.push(await allocator.propose(range, store.devices));
    return dns;
  };

  it('proposes the lowest DNs not in use, each once, then null when the range is used up', async () => {
    await store.devices.reserveDns(['1001', '1004'], now);
    const allocator = new DnAllocator();
    expect(await proposeAll(allocator, 9)).toEqual([
      '1000',
      '1002',
      '1003',
      '1005',
      '1006',
      '1007',
      '1008',
      '1009',
      null,
    ]);
  });

  it('proposes a released DN again before higher ones, and skips one lost to another node', async () => {
    const allocator = new DnAllocator();
    const [a, b, c] = await proposeAll(allocator, 3);
    allocator.committed(range, a!);
    allocator.released(range, b!);
    allocator.lost(range, c!);
    expect(await proposeAll(allocator, 2)).toEqual(['1001', '1003']);
  });

  it('proposes a freed DN (its device deleted) again', async () => {
    const allocator = new DnAllocator();
    for (const dn of await proposeAll(allocator, 3)) allocator.committed(range, dn!);
    allocator.freed('1001');
    expect(await proposeAll(allocator, 2)).toEqual(['1001', '1003']);
  });
});

describe('DN allocator whose copy of the range is stale', () => {
  let store: Store;
  useTestStore({ create: createSqliteDatabase, available: async () => true }, (opened) => {
    store = opened;
  });
  let nowMs = now.getTime();
  const clock = () => new Date(nowMs);

  /** Takes every DN of the range, as auto-registration on this node would. */
  const fill = async (allocator: DnAllocator) => {
    const dns: string[] = [];
    for (;;) {
      const dn = await allocator.propose(range, store.devices);
      if (dn === null) return dns;
      await store.devices.reserveDns([dn], now);
      allocator.committed(range, dn);
      dns.push(dn);
    }
  };

  it('gives out a DN freed behind its back (another node deleted the phone) instead of "range exhausted"', async () => {
    const allocator = new DnAllocator(clock);
    expect(await fill(allocator)).toHaveLength(10);
    // Another node sharing the database frees 1004; this allocator is not told.
    expect(await store.devices.deleteUnusedDns(['1004'])).toEqual(['1004']);
    nowMs += 60_000;
    expect(await allocator.propose(range, store.devices)).toBe('1004');
  });

  it('reads the range again at most once a second while it stays full', async () => {
    const allocator = new DnAllocator(clock);
    await fill(allocator);
    expect(await allocator.propose(range, store.devices)).toBeNull();
    await store.devices.deleteUnusedDns(['1007']);
    nowMs += 500;
    expect(await allocator.propose(range, store.devices)).toBeNull();
    nowMs += 500;
    expect(await allocator.propose(range, store.devices)).toBe('1007');
  });

  it('does not give out again a DN committed while it was reading the range', async () => {
    const allocator = new DnAllocator(clock);
    const [last] = (await fill(allocator)).slice(-1);
    allocator.freed(last);
    await store.devices.deleteUnusedDns([last]);
    const pending = await allocator.propose(range, store.devices);
    expect(pending).toBe(last);
    nowMs += 60_000;
    // The database answers the read before the commit of `pending`, and the answer arrives after it.
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const slowDevices = Object.create(store.devices) as typeof store.devices;
    slowDevices.dnsWithLength = async (min, max) => {
      const dns = await store.devices.dnsWithLength(min, max);
      await answered;
      return dns;
    };
    const proposal = allocator.propose(range, slowDevices);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await store.devices.reserveDns([pending!], now);
    allocator.committed(range, pending!);
    answer();
    expect(await proposal).toBeNull();
  });

  it('two proposals waiting for the same read each get a DN of their own', async () => {
    const allocator = new DnAllocator(clock);
    await fill(allocator);
    nowMs += 60_000;
    await store.devices.deleteUnusedDns(['1002', '1003']);
    const [a, b] = await Promise.all([
      allocator.propose(range, store.devices),
      allocator.propose(range, store.devices),
    ]);
    expect([a, b].sort()).toEqual(['1002', '1003']);
  });
});
