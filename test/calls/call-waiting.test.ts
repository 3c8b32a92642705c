/**
 * Call waiting over real sockets (issue #15): a second call to a phone in a call rings as call
 * waiting, up to the line's busy trigger (default 2); answering it holds the first call, and
 * Resume brings the first back (holding the second). SCCP phones are the simulator's; the SIP
 * phone is scripted and holds the first call itself before it answers the second, as a 79xx does.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallStateCode, ToneCode } from '../../src/protocols/sccp/codec/index.js';
import { RingMode } from '../../src/protocols/sccp/codec/messages/call-signals.js';
import type { SimCall } from '../../src/sim/sccp-calls.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { sccpCallPhone } from '../support/sccp-call-phones.js';
import type { SimSccpPhone } from '../support/sccp-call-phones.js';
import type { SipRequest } from '../../src/protocols/sip/message.js';
import { parseSdp } from '../../src/protocols/sip/calls/sdp.js';
import { SipCallPhone, addSipDevice, phoneSdp } from '../support/sip-call-phone.js';

const CALL_WAITING_TONE = 0x2d;
const LABEL = (code: number) => String.fromCharCode(0x80, code);

let t: TestNode;
const closers: Array<() => void> = [];

/** B's call with the phone of `dn`, in `state`, once it is. */
function callWith(phone: SimSccpPhone, dn: string, state: number): Promise<SimCall> {
  return phone.calls.waitFor((c) => c.remote?.number === dn && c.state === state);
}

/** RTP flows both ways between these two calls of two phones. */
async function rtpBetween(x: SimCall, y: SimCall): Promise<void> {
  await eventually(() => {
    if (!x.rtp || !y.rtp) return false;
    return (
      x.rtp.stats.receivedFrom.includes(`127.0.0.1:${y.rtp.port}`) &&
      y.rtp.stats.receivedFrom.includes(`127.0.0.1:${x.rtp.port}`) &&
      x.rtp.stats.received >= 3 &&
      y.rtp.stats.received >= 3
    );
  });
}

async function waitingScenario(): Promise<void> {
  const a = await sccpCallPhone(t, 'SEP00CA00000001', ['3501'], closers);
  const b = await sccpCallPhone(t, 'SEP00CA00000002', ['3502'], closers);
  const c = await sccpCallPhone(t, 'SEP00CA00000003', ['3503'], closers);
  const d = await sccpCallPhone(t, 'SEP00CA00000004', ['3504'], closers);
  a.calls.dialEnbloc('3502');
  await b.calls.waitFor((call) => call.state === CallStateCode.RingIn);
  expect(b.calls.answer()).toBe(true);
  const bWithA = await callWith(b, '3501', CallStateCode.Connected);
  const aWithB = await callWith(a, '3502', CallStateCode.Connected);
  await rtpBetween(aWithB, bWithA);

  // C calls B: call waiting — the new call flashes without ringing, the tone plays on A's call.
  c.calls.dialEnbloc('3502');
  const waiting = await callWith(b, '3503', CallStateCode.RingIn);
  await eventually(() => waiting.ringMode === RingMode.FlashOnly && bWithA.tone === CALL_WAITING_TONE);
  expect(waiting.prompt).toBe(LABEL(0x1b));
  expect(b.calls.ringing).toBe(false);
  await c.calls.waitFor((call) => call.tone === ToneCode.Ringback);

  // D calls B: B's line holds two calls, its busy trigger: D hears busy.
  d.calls.dialEnbloc('3502');
  await d.calls.waitFor((call) => call.tone === ToneCode.Busy && call.prompt === LABEL(0x19));
  d.calls.hangUp();
  await d.calls.waitFor((call) => call.state === CallStateCode.OnHook);

  // B answers the waiting call: A is held, B talks to C.
  expect(b.calls.answer()).toBe(true);
  await callWith(b, '3501', CallStateCode.Hold);
  const bWithC = await callWith(b, '3503', CallStateCode.Connected);
  const cWithB = await callWith(c, '3502', CallStateCode.Connected);
  await rtpBetween(bWithC, cWithB);
  expect(bWithA.rtp).toBeNull();

  // Resume A: C is held, A and B talk again.
  b.station.send({
    type: 'SoftKeyEvent',
    softKeyEvent: 10,
    lineInstance: 1,
    callReference: bWithA.callReference,
  });
  await callWith(b, '3503', CallStateCode.Hold);
  await callWith(b, '3501', CallStateCode.Connected);
  await rtpBetween(aWithB, bWithA);
  const active = (await t.api.get<{ items: { state: string }[] }>('/active-calls')).body.items;
  expect(active.map((call) => call.state).sort()).toEqual(['connected', 'on-hold']);
}

describe('call waiting on SCCP phones (busy trigger 2)', () => {
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await t.destroy();
  });

  describe('in the node process', () => {
    beforeEach(async () => {
      // Hold here is about who talks to whom: the held phone hears silence (music on hold has its own tests).
      t = await startTestNode({ config: { mohMaxStreams: 0 } });
    });
    it('C calls B while B talks to A: call waiting; D hears busy; B answers C (A held), then resumes A (C held)', () =>
      waitingScenario());
  });

  describe('through an SCCP worker process', () => {
    beforeEach(async () => {
      t = await startTestNode({ config: { sccpWorkers: 1, mohMaxStreams: 0 } });
    });
    it('the same over the worker IPC', () => waitingScenario());

    it('NewCall while talking holds the call and gives dial tone; the new call reaches another phone', async () => {
      const a = await sccpCallPhone(t, 'SEP00CA00000021', ['3521'], closers);
      const b = await sccpCallPhone(t, 'SEP00CA00000022', ['3522'], closers, { autoAnswer: true });
      const c = await sccpCallPhone(t, 'SEP00CA00000023', ['3523'], closers, { autoAnswer: true });
      a.calls.dialEnbloc('3522');
      const aWithB = await callWith(a, '3522', CallStateCode.Connected);
      a.station.send({ type: 'SoftKeyEvent', softKeyEvent: 2, lineInstance: 1, callReference: 0 });
      await callWith(a, '3522', CallStateCode.Hold);
      const dialling = await a.calls.waitFor(
        (call) => call.state === CallStateCode.OffHook && call.tone === ToneCode.Dial,
      );
      expect(dialling.callReference).not.toBe(aWithB.callReference);
      a.calls.dialEnbloc('3523');
      const aWithC = await callWith(a, '3523', CallStateCode.Connected);
      await rtpBetween(aWithC, await callWith(c, '3521', CallStateCode.Connected));
      expect(b.calls.find((call) => call.state === CallStateCode.Connected)?.rtp).toBeNull();
    });
  });
});

describe('call waiting on a SIP phone (it holds the first call itself)', () => {
  beforeEach(async () => {
    t = await startTestNode({ config: { mohMaxStreams: 0 } });
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await t.destroy();
  });

  it('a second INVITE reaches B in a call; B holds A (re-INVITE) and answers C; a third caller hears busy; B resumes A', async () => {
    const a = await sccpCallPhone(t, 'SEP00CA00000011', ['3511'], closers);
    const c = await sccpCallPhone(t, 'SEP00CA00000013', ['3513'], closers);
    const d = await sccpCallPhone(t, 'SEP00CA00000014', ['3514'], closers);
    await addSipDevice(t.node, 'SEP00CA00000012', ['3512']);
    const b = await new SipCallPhone('00ca00000012', '3512', t.node.ports.sip!).open();
    closers.push(() => b.close());
    expect((await b.register()).status).toBe(200);
    const port = (m: { body: Buffer }) => {
      const sdp = parseSdp(m.body.toString('utf8'));
      if (!sdp.ok) throw new Error('no SDP');
      return sdp.sdp.media;
    };

    // A calls B; B answers (200 with its SDP to the node's delayed offer).
    a.calls.dialEnbloc('3512');
    const first: SipRequest = await b.request('INVITE');
    b.respond(first, 200, 'OK', 'b-first', phoneSdp(41000));
    await b.request('ACK');
    const dialogA = SipCallPhone.dialogOf(first, 'b-first', b);
    const aCall = await a.calls.waitFor((call) => call.state === CallStateCode.Connected);
    await eventually(() => aCall.sentTo.at(-1) === '127.0.0.1:41000');

    // C calls B: a second INVITE to a phone in a call; B rings (the phone shows call waiting).
    c.calls.dialEnbloc('3512');
    const second: SipRequest = await b.request('INVITE');
    expect(second.from.sipUri?.user).toBe('3513');
    b.respond(second, 180, 'Ringing', 'b-second');
    await c.calls.waitFor((call) => call.tone === ToneCode.Ringback);

    // D calls B: two calls on B's line, its busy trigger: D hears busy, B gets no third INVITE.
    d.calls.dialEnbloc('3512');
    await d.calls.waitFor((call) => call.tone === ToneCode.Busy);

    // B answers C as a 79xx does: it holds A first (re-INVITE sendonly), then 200 to C's INVITE.
    b.inDialog(dialogA, 'INVITE', phoneSdp(41000, { direction: 'sendonly' }));
    expect(port(await b.response('INVITE', 200)).direction).toBe('inactive');
    b.ack(dialogA);
    await eventually(() => aCall.rtp === null);
    b.respond(second, 200, 'OK', 'b-second', phoneSdp(41002));
    expect(port(await b.request('ACK')).port).toBe(
      (await c.calls.waitFor((call) => call.state === CallStateCode.Connected && call.rtp !== null)).rtp
        ?.port,
    );
    const cCall = await c.calls.waitFor((call) => call.state === CallStateCode.Connected);
    await eventually(() => cCall.sentTo.at(-1) === '127.0.0.1:41002');

    // B ends C and resumes A: A sends to B again.
    const dialogC = SipCallPhone.dialogOf(second, 'b-second', b);
    b.inDialog(dialogC, 'BYE');
    await b.response('BYE', 200);
    await c.calls.waitFor((call) => call.state === CallStateCode.OnHook);
    b.inDialog(dialogA, 'INVITE', phoneSdp(41004));
    await b.response('INVITE', 200);
    b.ack(dialogA);
    await eventually(() => aCall.rtp !== null && aCall.sentTo.at(-1) === '127.0.0.1:41004');
  });
});
