import { describe, expect, it } from 'vitest';
import { DATABASES, useTestStore } from '../../test/support/databases.js';
import { cdr, T0 } from '../../test/support/cdrs.js';
import type { Store } from './store.js';

describe.each(DATABASES)('call figures of the dashboard on $flavor', ({ create, available }) => {
  let store: Store;
  useTestStore({ create, available }, (opened) => {
    store = opened;
  });

  it('counts calls per minute with their failures, and failures by the cause that ended them', async () => {
    const unanswered = { dateTimeConnect: 0, duration: 0 };
    await store.cdrs.insertMany(
      [
        cdr(1, -60),
        cdr(2, 0),
        cdr(3, 10, { ...unanswered, origCause_value: 1, destDeviceName: '' }),
        cdr(4, 20, { ...unanswered, origCause_value: 0, destCause_value: 17 }),
        cdr(5, 70, { ...unanswered, origCause_value: 0, destCause_value: 17 }),
        // The caller hung up while it rang: not a failure.
        cdr(6, 80, { ...unanswered }),
        cdr(7, 90, { origCause_value: 0, destCause_value: 47 }),
      ].map((record) => ({ node: 'cm1', cdr: record })),
    );
    const minutes = await store.statistics.callsPerMinute(T0);
    expect(minutes.sort((a, b) => a.minute - b.minute)).toEqual([
      { minute: T0, calls: 3, failed: 2 },
      { minute: T0 + 60, calls: 3, failed: 2 },
    ]);
    expect(await store.statistics.callFailuresByCause(T0)).toEqual([
      { cause: 17, calls: 2 },
      { cause: 1, calls: 1 },
      { cause: 47, calls: 1 },
    ]);
    const [newest] = await store.cdrs.list({ limit: 1 });
    expect(await store.cdrs.get(newest.id)).toEqual(newest);
    expect(await store.cdrs.get(newest.id + 1)).toBeUndefined();
  });
});
