/**
 * Floods of REGISTERs over real UDP stay cheap: a burst for one device waits in a short line and
 * the excess is told to retry later; a password guesser is throttled by its address and costs a
 * counter, not an event per guess; the node keeps serving other phones.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SipRegistration } from '../../src/sim/sip-registration.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { addDigestDevice } from './helpers/digest-device.js';
import { UdpPeer, register } from './helpers/raw-client.js';

let t: TestNode;
let sip: number;

beforeAll(async () => {
  t = await startTestNode();
  await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
  sip = t.node.ports.sip!;
});

afterAll(async () => {
  await t.destroy();
});

function refusals(limit: string): number {
  return t.node.limits.totals().get(limit as never) ?? 0;
}

/** Waits until `peer` has `n` datagrams (or 5 s), and returns them as text. */
async function replies(peer: UdpPeer, n: number): Promise<string[]> {
  const deadline = Date.now() + 5000;
  while (peer.received.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return peer.received.map((b) => b.toString());
}

it('answers a burst of REGISTERs for one device from its short line, the rest 503 with Retry-After', async () => {
  const peer = await new UdpPeer().open();
  // 40 REGISTERs for one device, each a new registration (its own Call-ID), in one burst.
  for (let i = 0; i < 40; i++)
    peer.send(
      register(peer.port, i + 1, { mac: '00f100d00001' }).replace(/Call-ID: [^\r]+/, `Call-ID: burst-${i}@x`),
      sip,
    );
  const answers = await replies(peer, 40);
  expect(answers).toHaveLength(40);
  const busy = answers.filter((a) => a.startsWith('SIP/2.0 503 '));
  expect(busy.length).toBeGreaterThan(0);
  expect(busy.length).toBeLessThanOrEqual(40 - 4);
  for (const a of busy) {
    expect(a).toMatch(/\r\nRetry-After: 5\r\n/);
    expect(a).toContain('REGISTERs for SEP00F100D00001 are already waiting');
  }
  expect(answers.filter((a) => a.startsWith('SIP/2.0 200 OK'))).toHaveLength(40 - busy.length);
  expect(refusals('sipMaxQueuedRegistersPerDevice')).toBe(busy.length);
  // Refusals for a full line are counted, not recorded: one registration event per decided REGISTER.
  await t.node.statusWriter.flush();
  const events = await t.api.get<{ items: unknown[] }>(
    '/registration-events?device=SEP00F100D00001&limit=100',
  );
  expect(events.body.items.length).toBe(40 - busy.length);
  // Another phone is served at once.
  const other = await new UdpPeer().open();
  expect(await other.exchange(register(other.port, 1, { mac: '00f100d00002' }), sip)).toMatch(
    /^SIP\/2\.0 200 OK/,
  );
  peer.close();
  other.close();
});

it('throttles a password guesser by its address; the right password from another address registers at once', async () => {
  const name = 'SEP00C0FFEE0066';
  await addDigestDevice(t.node, { name, dn: '4066', password: 'r1ght' });
  const phone = (localAddress: string) =>
    new SipRegistration({
      mac: '00c0ffee0066',
      modelEnum: 8,
      userAgent: 'Cisco-CP7940G/8.0',
      expires: 3600,
      localAddress,
    });
  const target = { host: '127.0.0.1', port: sip };
  // A scripted guesser on 127.0.0.2: 40 passwords as fast as the node answers.
  const guesser = phone('127.0.0.2');
  await guesser.open();
  const outcomes: string[] = [];
  for (let i = 0; i < 40; i++) {
    const r = await guesser.register(
      { index: 1, name: '4066', authName: '4066', password: `guess${i}` },
      target,
    );
    outcomes.push(r.kind === 'rejected' ? `${r.status} ${r.reason}` : r.kind);
  }
  guesser.close();
  const throttled = outcomes.filter((o) => o.includes('too many failed authentications from 127.0.0.2'));
  expect(outcomes.every((o) => o.startsWith('403 '))).toBe(true);
  expect(throttled.length).toBeGreaterThan(20);
  expect(refusals('authFailuresPerAddress')).toBe(throttled.length);
  // Only the guesses that were checked count, as one event: identical refusals from one source fold.
  const checked = 40 - throttled.length;
  const events = await eventually(async () => {
    await t.node.statusWriter.flush();
    const r = await t.api.get<{ items: { reason: string; count: number }[] }>(
      `/registration-events?device=${name}&limit=100`,
    );
    return r.body.items[0]?.count === checked ? r.body.items : null;
  }, 15_000);
  expect(events.map((e) => [e.reason, e.count])).toEqual([['sip-authentication-failed', checked]]);

  // The phone itself, on another address, registers with its password at once.
  const real = phone('127.0.0.1');
  await real.open();
  expect(
    await real.register({ index: 1, name: '4066', authName: '4066', password: 'r1ght' }, target),
  ).toMatchObject({
    kind: 'registered',
  });
  real.close();
});

it('refuses 2,000 REGISTERs naming 2 KB "devices" with 404, recording none of them', async () => {
  const peer = await new UdpPeer().open();
  const before = (await t.api.get<{ items: unknown[] }>('/registration-events?limit=1000')).body.items.length;
  // In batches of 100, each answered before the next: the flood is large, the loopback's buffers are not.
  for (let i = 0; i < 2000; i++) {
    const name = `SEP${i.toString(16).padStart(4, '0')}${'F'.repeat(2044)}`;
    peer.send(
      register(peer.port, 10_000 + i, { mac: '00f100d0000f' })
        .replace(/To: <sip:2000@/, `To: <sip:${name}@`)
        .replace(/;\+sip\.instance="[^"]+"/, '')
        .replace(/Call-ID: [^\r]+/, `Call-ID: long-${i}@x`),
      sip,
    );
    if (i % 100 === 99) await replies(peer, i + 1);
  }
  const answers = await replies(peer, 2000);
  expect(answers).toHaveLength(2000);
  expect(answers.every((a) => a.startsWith('SIP/2.0 404 Not Found (not a device or user name)'))).toBe(true);
  expect(refusals('sipMaxIdentityLength')).toBe(2000);
  await t.node.statusWriter.flush();
  const after = (await t.api.get<{ items: unknown[] }>('/registration-events?limit=1000')).body.items.length;
  expect(after).toBe(before);
  peer.close();
});
