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
      t = await startTestNode();
    });
    it('C calls B while B talks to A: call waiting; D hears busy; B answers C (A held), then resumes A (C held)', () =>
      waitingScenario());
  });

  describe('through an SCCP worker process', () => {
    beforeEach(async () => {
      t = await startTestNode({ config: { sccpWorkers: 1 } });
    });
    it('the same over the worker IPC', () => waitingScenario());
  });
});
