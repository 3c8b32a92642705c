import { describe, expect, it } from 'vitest';
import { DATABASES, useTestStore } from '../../test/support/databases.js';
import type { RegistrationEvent } from '../core/registration-event.js';
import { rejectedEvent, repeatedEvent } from '../core/registration-event.js';
import { rejection } from '../core/rejection.js';
import type { Store } from './store.js';

const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, s));

function refusal(deviceName: string, address: string, s: number, repeatKey?: string): RegistrationEvent {
  const r = rejection('auto-registration-disabled', { deviceName, nodeName: 'cm1', protocol: 'SIP' });
  return rejectedEvent({ at: at(s), deviceName, protocol: 'SIP', address, node: 'cm1' }, r, repeatKey);
}

describe.each(DATABASES)('registration events on $flavor', ({ create, available }) => {
  let store: Store;
  useTestStore({ create, available }, (opened) => {
    store = opened;
  });

  it('updates a folded refusal in place by its repeat key, even within one batch', async () => {
    const first = refusal('SEP001122334455', '10.1.2.3:5060', 0, 'k1');
    const other = refusal('SEP001122334466', '10.1.2.3:5061', 1);
    await store.events.insertMany([
      first,
      other,
      repeatedEvent(first, 5, at(2)),
      repeatedEvent(first, 7, at(3)),
    ]);
    await store.events.insertMany([repeatedEvent(first, 9, at(4))]);
    const listed = await store.events.list({ limit: 10 });
    expect(listed.map((e) => [e.deviceName, e.count, e.lastAt, e.repeatKey])).toEqual([
      ['SEP001122334466', 1, at(1).toISOString(), undefined],
      ['SEP001122334455', 9, at(4).toISOString(), 'k1'],
    ]);
    expect(listed[1].at).toBe(at(0).toISOString());
  });

  it('stores a count update whose first event never arrived as the whole event', async () => {
    const first = refusal('SEP001122334455', '10.1.2.3:5060', 0, 'k2');
    await store.events.insertMany([repeatedEvent(first, 3, at(9))]);
    expect(await store.events.list({ limit: 10 })).toMatchObject([{ count: 3, repeatKey: 'k2' }]);
  });

  it('filters by source address and sums the refused sources of the last minutes', async () => {
    const a = refusal('SEP0011223344A1', '10.1.2.3:5060', 0, 'a');
    const b = refusal('SEP0011223344A2', '10.1.2.3:5062', 10, 'b');
    const c = refusal('SEP0011223344A3', '[2001:db8::7]:5060', 20, 'c');
    await store.events.insertMany([a, b, c, repeatedEvent(a, 2000, at(50)), repeatedEvent(c, 40, at(55))]);
    expect(
      (await store.events.list({ sourceIp: '2001:db8::7', limit: 10 })).map((e) => e.deviceName),
    ).toEqual(['SEP0011223344A3']);
    const since = at(30).toISOString();
    const sources = await store.events.refusedSources(since, at(0).toISOString(), 5);
    expect(sources).toEqual([
      {
        sourceIp: '10.1.2.3',
        attempts: 2000,
        events: 1,
        topReason: 'auto-registration-disabled',
        lastAt: at(50).toISOString(),
      },
      {
        sourceIp: '2001:db8::7',
        attempts: 40,
        events: 1,
        topReason: 'auto-registration-disabled',
        lastAt: at(55).toISOString(),
      },
    ]);
  });

  it('deletes events older than a time, and the oldest beyond a row count, in chunks', async () => {
    await store.events.insertMany(
      Array.from({ length: 10 }, (_, i) =>
        refusal(`SEP0011223344${String(i).padStart(2, '0')}`, '10.0.0.1:1', i),
      ),
    );
    expect(await store.events.deleteOlderThan(at(4).toISOString(), 3)).toBe(3);
    expect(await store.events.deleteOlderThan(at(4).toISOString(), 3)).toBe(1);
    expect(await store.events.deleteOlderThan(at(4).toISOString(), 3)).toBe(0);
    expect(await store.events.deleteBeyond(4, 1)).toBe(1);
    expect(await store.events.deleteBeyond(4, 100)).toBe(1);
    expect(await store.events.deleteBeyond(4, 100)).toBe(0);
    const left = await store.events.list({ limit: 100 });
    expect(left.map((e) => e.deviceName)).toEqual([
      'SEP001122334409',
      'SEP001122334408',
      'SEP001122334407',
      'SEP001122334406',
    ]);
  });
});
