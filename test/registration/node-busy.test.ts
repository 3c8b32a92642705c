/**
 * A node-wide bound on registrations waiting for the database: with the database held up by a
 * long write transaction, a burst of new phones fills the bound and the rest are told to retry
 * later (SCCP RegisterReject, SIP 503 with Retry-After), counted as limit refusals and not
 * recorded one event per phone; once the database answers, every phone registers.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import type { RegisterOutcome } from '../../src/sim/sccp-station.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { metricsText, sample } from './support/metrics.js';
import { SipUdpPeer } from './support/sip-udp.js';

const MAX_PENDING = 5;
const PHONES = 12;

let t: TestNode;
const closers: Array<() => void> = [];

beforeEach(async () => {
  t = await startTestNode({ config: { registrationMaxPending: MAX_PENDING } });
});
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
});

const mac = (n: number) => `SEP00CC${n.toString(16).toUpperCase().padStart(8, '0')}`;

async function station(n: number): Promise<SccpStation> {
  const s = new SccpStation({ deviceName: mac(n), deviceType: 8 });
  await s.connect('127.0.0.1', t.node.ports.sccp);
  closers.push(() => s.destroy());
  return s;
}

/** Holds the database's writer in an open transaction until the returned function is called. */
async function holdDatabase(): Promise<() => Promise<void>> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let holding = false;
  const done = t.node.store.transaction(async (tx) => {
    await tx.adminSettings.set('test-hold', '1');
    holding = true;
    await gate;
  });
  await eventually(() => holding);
  return async () => {
    release();
    await done;
  };
}

it('tells phones beyond the bound to retry later while the database is slow, then registers them all', async () => {
  const release = await holdDatabase();
  const stations = await Promise.all(Array.from({ length: PHONES }, (_, i) => station(i + 1)));
  const outcomes: (RegisterOutcome | undefined)[] = new Array(PHONES);
  const registering = stations.map((s, i) => s.register().then((o) => (outcomes[i] = o)));

  // The bound fills with phones waiting for the held database; the others are refused at once.
  await eventually(() => outcomes.filter((o) => o !== undefined).length === PHONES - MAX_PENDING);
  const refused = outcomes.filter((o) => o !== undefined);
  expect(refused).toEqual(
    new Array(PHONES - MAX_PENDING).fill({ kind: 'rejected', text: 'Node busy, retry later' }),
  );

  // SIP too: 503 with a Retry-After, so that the phone comes back later instead of queueing.
  const sip = await new SipUdpPeer('127.0.0.2').open();
  closers.push(() => sip.close());
  const answer = await sip.exchange(
    { user: 'SEP00CC000000FF', mac: '00cc000000ff', callId: 'busy-1', branch: 'busy1' },
    t.node.ports.sip!,
  );
  expect(answer?.status).toBe(503);
  const retryAfter = Number(answer?.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(5);
  expect(retryAfter).toBeLessThanOrEqual(30);
  expect(answer?.headers.get('warning')).toContain('the phone registers when it retries');

  await release();
  await Promise.all(registering);
  expect(outcomes.filter((o) => o?.kind === 'registered')).toHaveLength(MAX_PENDING);
  // The refused phones retry and register now.
  for (let i = 0; i < PHONES; i++) {
    if (outcomes[i]?.kind === 'registered') continue;
    const again = await station(i + 1);
    expect((await again.register()).kind).toBe('registered');
  }

  // Counted and logged as a limit, not recorded as an event per phone.
  await t.node.statusWriter.flush();
  const events = await t.api.get<{ items: { reason: string }[] }>('/registration-events?outcome=rejected');
  expect(events.body.items.filter((e) => e.reason === 'node-busy')).toEqual([]);
  const metrics = await metricsText(t.node.ports.http);
  expect(sample(metrics, 'openucm_limit_refusals_total{limit="registrationMaxPending"}')).toBe(
    PHONES - MAX_PENDING + 1,
  );
  const lines = t.logs.filter((l) => l.limit === 'registrationMaxPending');
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(String(lines[0].msg)).toContain('--registration-max-pending');
});
