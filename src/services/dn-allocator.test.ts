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
