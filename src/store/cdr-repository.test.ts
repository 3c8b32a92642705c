import { describe, expect, it } from 'vitest';
import { DATABASES, useTestStore } from '../../test/support/databases.js';
import { cdr, T0 } from '../../test/support/cdrs.js';
import type { Store } from './store.js';

describe.each(DATABASES)('call detail records on $flavor', ({ create, available }) => {
  let store: Store;
  useTestStore({ create, available }, (opened) => {
    store = opened;
  });

  it('keeps every CUCM field as written, negative IPs included, newest first', async () => {
    const first = cdr(1, 0);
    const second = cdr(2, 60, { callingPartyNumber: '1003', origCause_value: 0, destCause_value: 17 });
    await store.writeBatch((tx) => tx.cdrs.insertMany([{ node: 'cm1', cdr: first }]));
    await store.writeBatch((tx) => tx.cdrs.insertMany([{ node: 'cm2', cdr: second }]));
    const listed = await store.cdrs.list({ limit: 10 });
    expect(listed).toHaveLength(2);
    const [newest, oldest] = listed;
    expect(newest).toEqual({ ...second, id: newest.id, node: 'cm2' });
    expect(oldest).toEqual({ ...first, id: oldest.id, node: 'cm1' });
    expect(oldest.id).toBeLessThan(newest.id);
  });

  it('filters by time, numbers, device and cause, and pages backwards', async () => {
    await store.cdrs.insertMany([
      { node: 'cm1', cdr: cdr(1, 0) },
      { node: 'cm1', cdr: cdr(2, 100, { callingPartyNumber: '1003', origDeviceName: 'SEP000000000003' }) },
      {
        node: 'cm1',
        cdr: cdr(3, 200, {
          finalCalledPartyNumber: '1004',
          originalCalledPartyNumber: '1004',
          destCause_value: 17,
          origCause_value: 0,
        }),
      },
      {
        node: 'cm1',
        cdr: cdr(4, 300, {
          originalCalledPartyNumber: '999',
          finalCalledPartyNumber: '999',
          destDeviceName: '',
          origCause_value: 1,
        }),
      },
    ]);
    const ids = async (q: Parameters<Store['cdrs']['list']>[0]) =>
      (await store.cdrs.list(q)).map((r) => r.globalCallID_callId);
    expect(await ids({ limit: 10 })).toEqual([4, 3, 2, 1]);
    expect(await ids({ from: T0 + 100, to: T0 + 300, limit: 10 })).toEqual([3, 2]);
    expect(await ids({ callingNumber: '1003', limit: 10 })).toEqual([2]);
    expect(await ids({ calledNumber: '1004', limit: 10 })).toEqual([3]);
    expect(await ids({ deviceName: 'SEP000000000003', limit: 10 })).toEqual([2]);
    expect(await ids({ deviceName: 'SEP000000000002', limit: 10 })).toEqual([3, 2, 1]);
    expect(await ids({ cause: 17, limit: 10 })).toEqual([3]);
    expect(await ids({ cause: 1, limit: 10 })).toEqual([4]);
    const page = await store.cdrs.list({ limit: 2 });
    expect(await ids({ beforeId: page[1].id, limit: 10 })).toEqual([2, 1]);
  });

  it('deletes the records of calls begun before a time, oldest first, up to a limit', async () => {
    await store.cdrs.insertMany([0, 10, 20, 30].map((at, i) => ({ node: 'cm1', cdr: cdr(i + 1, at) })));
    expect(await store.cdrs.deleteOriginatedBefore(T0 + 25, 2)).toBe(2);
    expect(await store.cdrs.deleteOriginatedBefore(T0 + 25, 2)).toBe(1);
    expect((await store.cdrs.list({ limit: 10 })).map((r) => r.globalCallID_callId)).toEqual([4]);
  });
});
