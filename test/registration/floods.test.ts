/**
 * Floods of refusals stay cheap. 20,000 REGISTERs with 2 KB names over UDP from one address
 * (names that cannot be a device's, one device refused again and again, a scan of invented MACs)
 * grow the database by little, the log by little and the live stream by little, while every
 * attempt is still counted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { EventStream } from './support/event-stream.js';
import { metricsText, sample } from './support/metrics.js';
import { SipUdpPeer } from './support/sip-udp.js';

interface Event {
  deviceName: string;
  reason: string;
  count: number;
  address: string;
  message: string;
}

const FLOOD = 20_000;
const BATCH = 200;
/** A 2 KB SIP user part: no device or SIP user can have it. */
const longName = (i: number) => `u${i}-`.padEnd(2048, 'x');
const scanMac = (i: number) => `00dd${i.toString(16).padStart(8, '0')}`;

let t: TestNode;
let stream: EventStream;
let peer: SipUdpPeer;

beforeAll(async () => {
  // Auto Registration Phone Protocol stays SCCP: every unknown SIP phone is refused.
  t = await startTestNode();
  stream = await new EventStream(t.node.ports.http).open();
  peer = await new SipUdpPeer('127.0.0.2').open();
});
afterAll(async () => {
  peer.close();
  await stream.close();
  await t.destroy();
});

function databaseBytes(): number {
  let total = 0;
  for (const file of fs.readdirSync(t.database.dataDir)) {
    if (file.startsWith('openucm.sqlite')) total += fs.statSync(path.join(t.database.dataDir, file)).size;
  }
  return total;
}

const logBytes = (lines: Record<string, unknown>[]) =>
  lines.reduce((n, l) => n + JSON.stringify(l).length + 1, 0);

it('20,000 refused REGISTERs with 2 KB names grow the database and the log by little', async () => {
  await t.node.statusWriter.flush();
  const dbBefore = databaseBytes();
  const logsBefore = t.logs.length;
  const port = t.node.ports.sip!;
  // 2 KB each: a third with a 2 KB name no device or user can have (the SIP layer refuses it
  // unrecorded), a third one phone again and again, a third a scan of invented MACs (2 KB of
  // filler each).
  const kinds = ['unrecordable', 'repeated', 'scan'] as const;
  const kindOf = (i: number) => kinds[i % 3];
  for (let start = 0; start < FLOOD; start += BATCH) {
    const answered = peer.answers.length;
    for (let i = start; i < Math.min(FLOOD, start + BATCH); i++) {
      const kind = kindOf(i);
      const mac = kind === 'repeated' ? '00dd00000001' : kind === 'scan' ? scanMac(i) : undefined;
      const spec =
        mac === undefined
          ? { user: longName(i), callId: `flood-${i}`, branch: `f${i}` }
          : { user: `SEP${mac.toUpperCase()}`, mac, callId: `flood-${i}`, branch: `f${i}`, padding: 2048 };
      peer.send(peer.register(spec), port);
    }
    await eventually(() => peer.answers.length >= answered + Math.min(BATCH, FLOOD - start), 20_000);
  }
  expect(peer.answers.length).toBe(FLOOD);
  // 404: a name nothing can have; 403: refused by policy; 503: more REGISTERs for the one repeated
  // phone were waiting than the SIP layer queues per device (told to retry, not recorded).
  expect([...new Set(peer.answers.map((a) => a.status))].every((s) => [403, 404, 503].includes(s))).toBe(
    true,
  );
  const busy = peer.answers.filter((a) => a.status === 503).length;

  // Counted, every one of them: attempts and the refusals of names no device can have.
  const sent = { unrecordable: 0, repeated: 0, scan: 0 };
  for (let i = 0; i < FLOOD; i++) sent[kindOf(i)]++;
  const counted = async () => {
    const m = await metricsText(t.node.ports.http);
    return {
      mismatch: sample(
        m,
        'openucm_registration_attempts_total{protocol="SIP",outcome="rejected",reason="auto-registration-protocol-mismatch"}',
      ),
      unrecorded: sample(m, 'openucm_limit_refusals_total{limit="sipMaxIdentityLength"}'),
    };
  };
  const decided = { repeated: sent.repeated - busy, scan: sent.scan };
  const expected = { mismatch: decided.repeated + decided.scan, unrecorded: sent.unrecordable };
  await eventually(async () => JSON.stringify(await counted()) === JSON.stringify(expected), 15_000).catch(
    async () => expect(await counted()).toEqual(expected),
  );

  // Recorded: one event for the repeated phone (with its count), one per scanned MAC until the
  // address has 100 names refused for that reason (the repeated phone is one of them), and one
  // for the rest of the scan.
  await t.node.statusWriter.flush();
  const { body } = await t.api.get<{ items: Event[] }>('/registration-events?address=127.0.0.2&limit=1000');
  expect(body.items).toHaveLength(101);
  const repeated = body.items.filter((e) => e.deviceName === 'SEP00DD00000001');
  expect(repeated).toHaveLength(1);
  expect(repeated[0].count).toBe(decided.repeated);
  const scanned = body.items.filter((e) => e.deviceName !== 'SEP00DD00000001');
  const overflow = scanned.filter((e) => e.count > 1);
  expect(overflow).toHaveLength(1);
  expect(overflow[0].message).toContain(
    '127.0.0.2 was refused (auto-registration-protocol-mismatch) for more than 100 device names',
  );
  expect(scanned.reduce((n, e) => n + e.count, 0)).toBe(sent.scan);
  expect(body.items.every((e) => e.deviceName.length <= 64)).toBe(true);

  // The dashboard names the flood's source with every recorded attempt.
  const dashboard = await t.api.get<{
    refusedSources: { sourceIp: string; attempts: number; summary: string }[];
  }>('/dashboard');
  expect(dashboard.body.refusedSources[0]).toMatchObject({
    sourceIp: '127.0.0.2',
    attempts: decided.repeated + decided.scan,
  });
  expect(dashboard.body.refusedSources[0].summary).toBe(
    `${(decided.repeated + decided.scan).toLocaleString('en-US')} refused registrations from 127.0.0.2 in the last 5 minutes, mostly auto-registration-protocol-mismatch`,
  );

  const grown = databaseBytes() - dbBefore;
  expect(grown).toBeLessThan(3 * 1024 * 1024);
  const flood = t.logs.slice(logsBefore);
  expect(flood.length).toBeLessThan(250);
  expect(logBytes(flood)).toBeLessThan(250 * 1024);
  // The live pages got one push per event and a few count updates, not one per attempt.
  expect(stream.named('registration-event').length).toBeLessThan(200);
  console.log(
    `flood of ${FLOOD}: database +${(grown / 1024).toFixed(0)} KB, log ${flood.length} lines ` +
      `(${(logBytes(flood) / 1024).toFixed(0)} KB), ${stream.named('registration-event').length} live pushes`,
  );
}, 180_000);

it('refusals from many addresses at once: beyond the events a minute may record, one event per reason', async () => {
  const busy = await startTestNode({ config: { registrationMaxRefusalEventsPerMinute: 10 } });
  const peers: SipUdpPeer[] = [];
  try {
    for (let n = 2; n <= 31; n++) {
      const p = await new SipUdpPeer(`127.0.1.${n}`).open();
      peers.push(p);
      const mac = `00ee000000${n.toString(16).padStart(2, '0')}`;
      const answer = await p.exchange(
        { user: 'SEP' + mac.toUpperCase(), mac, callId: `many-${n}`, branch: `m${n}` },
        busy.node.ports.sip!,
      );
      expect(answer?.status).toBe(403);
    }
    await eventually(async () => {
      await busy.node.statusWriter.flush();
      const { body } = await busy.api.get<{ items: Event[] }>(
        '/registration-events?outcome=rejected&limit=100',
      );
      return body.items.length === 11 && body.items.some((e) => e.count === 20);
    }, 15_000);
    const { body } = await busy.api.get<{ items: Event[] }>(
      '/registration-events?outcome=rejected&limit=100',
    );
    const crowd = body.items.find((e) => e.count === 20);
    expect(crowd?.message).toContain('more than 10 refusal events within a minute on cm1');
    expect(crowd?.address).toMatch(/^127\.0\.1\.12:/);
    const m = await metricsText(busy.node.ports.http);
    expect(sample(m, 'openucm_limit_refusals_total{limit="registrationMaxRefusalEventsPerMinute"}')).toBe(1);
  } finally {
    for (const p of peers) p.close();
    await busy.destroy();
  }
}, 60_000);
