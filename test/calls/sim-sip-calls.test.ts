/**
 * The simulator's SIP phones call through a real node: each registers its line like a 7940 on a SIP
 * load, one places a call with an early offer, the other rings and answers the node's delayed offer,
 * and each sends µ-law RTP to the address the node's SDP gave it — the other phone's socket.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SipPhoneCalls } from '../../src/sim/sip-calls.js';
import { SipRegistration } from '../../src/sim/sip-registration.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { addSipDevice } from '../support/sip-call-phone.js';
import { trackedPhone } from '../sim/helpers.js';

let t: TestNode;
const closers: Array<() => void> = [];

beforeAll(async () => {
  t = await startTestNode();
});

afterAll(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
});

async function simPhone(mac: string, dn: string, autoAnswer = false): Promise<SipPhoneCalls> {
  await addSipDevice(t.node, `SEP${mac.toUpperCase()}`, [dn]);
  const sip = new SipRegistration({ mac, modelEnum: 8, userAgent: 'Cisco-CP7960G/8.0', expires: 3600 });
  await sip.open();
  closers.push(() => sip.close());
  const server = { host: '127.0.0.1', port: t.node.ports.sip! };
  expect(await sip.register({ index: 1, name: dn, authName: dn }, server)).toMatchObject({
    kind: 'registered',
  });
  return new SipPhoneCalls(sip, { address: '127.0.0.1', line: dn, server, autoAnswer });
}

it('a simulated SIP phone calls another: it answers by itself, and RTP flows phone to phone both ways', async () => {
  const a = await simPhone('00c0ffee0061', '3061');
  const b = await simPhone('00c0ffee0062', '3062', true);
  const placed = await a.dial('3062');
  const answered = await b.waitFor((c) => c.state === 'connected');
  expect(answered.remote).toBe('3061');
  await a.waitFor((c) => c.state === 'connected');
  await eventually(() => placed.rtp!.stats.received >= 3 && answered.rtp!.stats.received >= 3);
  expect(placed.sentTo.at(-1)).toBe(`127.0.0.1:${answered.rtp!.port}`);
  expect(answered.sentTo.at(-1)).toBe(`127.0.0.1:${placed.rtp!.port}`);
  expect(placed.rtp!.stats.receivedFrom).toEqual([`127.0.0.1:${answered.rtp!.port}`]);

  a.hangUp();
  await eventually(() => b.calls.size === 0 && t.node.calls.service.activeCalls === 0);
});

it('a simulated SIP phone hears the callee’s refusal: an unknown number ends its call with 404', async () => {
  const a = await simPhone('00c0ffee0063', '3063');
  const call = await a.dial('3999');
  await eventually(() => call.state === 'ended');
  expect(call.status).toBe(404);
});

it('openucm sim: a SIP phone with --answer and one with --call 3072 talk, RTP counted on both screens', async () => {
  await addSipDevice(t.node, 'SEP00C0FFEE0071', ['3071']);
  await addSipDevice(t.node, 'SEP00C0FFEE0072', ['3072']);
  const direct = { host: '127.0.0.1', sccpPort: t.node.ports.sccp, sipPort: t.node.ports.sip! };
  const sip = { model: '7960', tftp: null, direct, load: 'P0S3-8-12-00' };
  const callee = trackedPhone({ ...sip, mac: '00C0FFEE0072', calls: { answer: true } });
  closers.push(() => callee.phone.stop());
  callee.phone.start();
  await callee.reach('registered');
  const caller = trackedPhone({ ...sip, mac: '00C0FFEE0071', calls: { call: '3072' } });
  closers.push(() => caller.phone.stop());
  caller.phone.start();
  const talking = (p: typeof caller) =>
    eventually(() =>
      p.phone.snapshot.calls.find((c) => c.state === 'connected' && (c.media?.received ?? 0) > 10),
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify([caller.phone.snapshot, callee.phone.snapshot])}`);
    });
  expect((await talking(caller)).remote?.number).toBe('3072');
  await talking(callee);
});

it('a simulated SIP phone holds (a=sendonly) and resumes: the other phone is held and resumed by the node, RTP flows again both ways', async () => {
  const a = await simPhone('00c0ffee0064', '3064');
  const b = await simPhone('00c0ffee0065', '3065', true);
  const placed = await a.dial('3065');
  const answered = await b.waitFor((c) => c.state === 'connected');
  await eventually(() => placed.rtp!.stats.received >= 3 && answered.rtp!.stats.received >= 3);

  expect(a.hold()).toBe(true);
  await b.waitFor((c) => c.state === 'hold');
  expect(placed.state).toBe('hold');
  // Monitoring > Active Calls shows it held (the calls of the --answer/--call phones above still run).
  const mine = async () =>
    (await t.api.get<{ items: { state: string }[] }>('/active-calls?device=SEP00C0FFEE0064')).body.items;
  await eventually(async () => (await mine())[0]?.state === 'on-hold');

  const before = { a: placed.rtp!.stats.received, b: answered.rtp!.stats.received };
  expect(a.resume()).toBe(true);
  await a.waitFor((c) => c.state === 'connected');
  await b.waitFor((c) => c.state === 'connected');
  await eventually(
    () => placed.rtp!.stats.received >= before.a + 3 && answered.rtp!.stats.received >= before.b + 3,
  );
  expect(placed.sentTo.at(-1)).toBe(`127.0.0.1:${answered.rtp!.port}`);
  expect(answered.sentTo.at(-1)).toBe(`127.0.0.1:${placed.rtp!.port}`);

  expect(await mine()).toMatchObject([{ state: 'connected' }]);

  a.hangUp();
  await eventually(async () => b.calls.size === 0 && (await mine()).length === 0);
});

it('openucm sim: a SIP phone with --call and --hold-after 1 holds its call and resumes it; both talk again', async () => {
  await addSipDevice(t.node, 'SEP00C0FFEE0081', ['3081']);
  await addSipDevice(t.node, 'SEP00C0FFEE0082', ['3082']);
  const direct = { host: '127.0.0.1', sccpPort: t.node.ports.sccp, sipPort: t.node.ports.sip! };
  const sip = { model: '7960', tftp: null, direct, load: 'P0S3-8-12-00' };
  const callee = trackedPhone({ ...sip, mac: '00C0FFEE0082', calls: { answer: true } });
  closers.push(() => callee.phone.stop());
  callee.phone.start();
  await callee.reach('registered');
  const caller = trackedPhone({ ...sip, mac: '00C0FFEE0081', calls: { call: '3082', holdAfterSeconds: 1 } });
  closers.push(() => caller.phone.stop());
  caller.phone.start();
  const dump = () => JSON.stringify([caller.phone.snapshot, callee.phone.snapshot]);
  // It held the call (its screen and the callee's said so), then resumed it.
  await eventually(() => caller.states.some((s) => s.calls.some((c) => c.state === 'hold'))).catch(
    (error: Error) => {
      throw new Error(`${error.message}: ${dump()}`);
    },
  );
  await eventually(() => callee.states.some((s) => s.calls.some((c) => c.state === 'hold')));
  const resumedAt = callee.states.length;
  await eventually(() =>
    callee.states
      .slice(resumedAt)
      .some((s) => s.calls.some((c) => c.state === 'connected' && (c.media?.received ?? 0) > 0)),
  );
  const received = () =>
    caller.phone.snapshot.calls.find((c) => c.state === 'connected')?.media?.received ?? 0;
  await eventually(() => received() > 0);
  const then = received();
  await eventually(() => received() > then + 3).catch((error: Error) => {
    throw new Error(`${error.message}: ${dump()}`);
  });
});
