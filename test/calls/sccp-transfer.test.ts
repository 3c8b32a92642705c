/**
 * Transfer between SCCP phones through a real node (issue #15; reference calls.md §1.5 "Consultative
 * transfer"): A talks to B, presses Transfer, dials C, and presses Transfer again — after C answered
 * (consultative) or while C still rings (early). B and C then talk phone to phone, A is idle, and
 * the CDRs tell the story as CUCM's do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CallStateCode, ToneCode } from '../../src/protocols/sccp/codec/index.js';
import type { SimCall } from '../../src/sim/sccp-calls.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { sccpCallPhone } from '../support/sccp-call-phones.js';
import type { SimSccpPhone } from '../support/sccp-call-phones.js';
import { addSccpDevice } from '../support/sccp-device.js';
import { trackedPhone } from '../sim/helpers.js';

interface Cdr {
  globalCallID_callId: number;
  callingPartyNumber: string;
  originalCalledPartyNumber: string;
  finalCalledPartyNumber: string;
  origDeviceName: string;
  destDeviceName: string;
  origCause_value: number;
  destCause_value: number;
  dateTimeConnect: number;
}

const SPLIT = 393216;
let t: TestNode;
const closers: Array<() => void> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
});

async function cdrs(count: number): Promise<Cdr[]> {
  return eventually(async () => {
    const items = (await t.api.get<{ items: Cdr[] }>('/call-detail-records')).body.items;
    return items.length >= count ? items : null;
  });
}

const connected = (phone: SimSccpPhone, remote: string) =>
  phone.calls.waitFor(
    (c) => c.state === CallStateCode.Connected && c.remote?.number === remote && c.rtp !== null,
  );

/** Each phone's current RTP port receives from the other's, and sends to it. */
async function exchangeRtp(x: SimSccpPhone, xCall: SimCall, y: SimSccpPhone, yCall: SimCall): Promise<void> {
  const from = (phone: SimSccpPhone, call: SimCall) => `${phone.rtpAddress}:${call.rtp?.port}`;
  await eventually(
    () =>
      xCall.rtp?.stats.receivedFrom.includes(from(y, yCall)) &&
      yCall.rtp?.stats.receivedFrom.includes(from(x, xCall)),
  ).catch((error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify([x.calls.describe(), y.calls.describe()])}`);
  });
  expect(xCall.rtp?.stats.sendingTo).toBe(from(y, yCall));
  expect(yCall.rtp?.stats.sendingTo).toBe(from(x, xCall));
}

/** A (3401) calls B (3402) who answers; A presses Transfer and dials C (3403), which rings. */
async function consultRinging(prefix: string) {
  const a = await sccpCallPhone(t, `SEP00B${prefix}0000001`, [`3${prefix}01`], closers);
  const b = await sccpCallPhone(t, `SEP00B${prefix}0000002`, [`3${prefix}02`], closers, {
    rtpAddress: '127.0.0.2',
    autoAnswer: true,
  });
  const c = await sccpCallPhone(t, `SEP00B${prefix}0000003`, [`3${prefix}03`], closers, {
    rtpAddress: '127.0.0.3',
  });
  a.calls.dialEnbloc(`3${prefix}02`);
  await connected(a, `3${prefix}02`);
  const consult = await a.calls.transfer(`3${prefix}03`);
  // The call with B is held while A consults.
  await a.calls.waitFor(
    (call) => call.state === CallStateCode.Hold && call.remote?.number === `3${prefix}02`,
  );
  await c.calls.waitFor((call) => call.state === CallStateCode.RingIn);
  await a.calls.waitFor(
    (call) => call.callReference === consult.callReference && call.state === CallStateCode.RingOut,
  );
  return { a, b, c, consult };
}

describe('SCCP transfer (in the node process)', () => {
  it('consultative: after C answers, A completes; B and C see each other and exchange RTP, A is idle; three CDRs', async () => {
    t = await startTestNode();
    const { a, b, c, consult } = await consultRinging('41');
    expect(c.calls.answer()).toBe(true);
    await connected(a, '34103');
    a.calls.completeTransfer(consult);

    await eventually(() => a.calls.calls.size === 0);
    const bCall = await connected(b, '34103');
    const cCall = await connected(c, '34102');
    await exchangeRtp(b, bCall, c, cCall);
    expect(a.calls.ended.map((call) => call.state)).toEqual([CallStateCode.OnHook, CallStateCode.OnHook]);

    c.calls.hangUp();
    await b.calls.waitFor((call) => call.state === CallStateCode.OnHook);
    const records = await cdrs(3);
    const byCalled = (n: string, calling: string) =>
      records.find((r) => r.originalCalledPartyNumber === n && r.callingPartyNumber === calling);
    // The original call and the consultation were split; the transferred call is B → C.
    expect(byCalled('34102', '34101')).toMatchObject({ origCause_value: SPLIT, destCause_value: SPLIT });
    expect(byCalled('34103', '34101')).toMatchObject({ origCause_value: SPLIT, destCause_value: SPLIT });
    expect(byCalled('34103', '34102')).toMatchObject({
      finalCalledPartyNumber: '34103',
      origDeviceName: 'SEP00B410000002',
      destDeviceName: 'SEP00B410000003',
      origCause_value: 0,
      destCause_value: 16,
    });
    expect(byCalled('34103', '34102')?.dateTimeConnect).toBeGreaterThan(0);
  });

  it('EndCall on the consultation call leaves B held; Resume talks to B again', async () => {
    t = await startTestNode();
    const { a, b, consult } = await consultRinging('42');
    a.calls.hangUp();
    await a.calls.waitFor(
      (call) => call.callReference === consult.callReference && call.state === CallStateCode.OnHook,
    );
    expect(a.calls.resume()).toBe(true);
    const aCall = await connected(a, '34202');
    const bCall = await connected(b, '34201');
    await exchangeRtp(a, aCall, b, bCall);
  });
});

describe('SCCP transfer through an SCCP worker process', () => {
  it('early: A completes while C still rings; B hears ring-back, C keeps ringing, answers and talks to B', async () => {
    t = await startTestNode({ config: { sccpWorkers: 1 } });
    const { a, b, c, consult } = await consultRinging('43');
    a.calls.completeTransfer(consult);
    await eventually(() => a.calls.calls.size === 0);
    await b.calls.waitFor((call) => call.state === CallStateCode.RingOut && call.tone === ToneCode.Ringback);
    expect(c.calls.calls.size).toBe(1);
    expect([...c.calls.calls.values()][0].state).toBe(CallStateCode.RingIn);
    expect(c.calls.answer()).toBe(true);
    const bCall = await connected(b, '34303');
    const cCall = await connected(c, '34302');
    await exchangeRtp(b, bCall, c, cCall);
  });
});

describe('openucm sim --transfer-to', () => {
  it('a simulated phone calls B, transfers it to C once C answers; B’s and C’s screens show each other with RTP flowing', async () => {
    t = await startTestNode();
    const direct = { host: '127.0.0.1', sccpPort: t.node.ports.sccp, sipPort: t.node.ports.sip ?? 5060 };
    const phone = async (mac: string, dn: string, calls: Parameters<typeof trackedPhone>[0]['calls']) => {
      await addSccpDevice(t.node, `SEP${mac}`, [dn]);
      const tracked = trackedPhone({ mac, model: '7960', tftp: null, direct, calls });
      closers.push(() => tracked.phone.stop());
      tracked.phone.start();
      await tracked.reach('registered');
      await eventually(() => t.node.calls.dialPlan.view().isDirectoryNumber(dn));
      return tracked;
    };
    const b = await phone('00B440000002', '34402', { answer: true });
    const c = await phone('00B440000003', '34403', { answer: true });
    const a = await phone('00B440000001', '34401', {
      call: '34402',
      transfer: { to: '34403', blind: false, afterSeconds: 0.5 },
    });
    const talkingTo = (p: typeof a, remote: string) =>
      eventually(() =>
        p.phone.snapshot.calls.find(
          (call) =>
            call.state === 'connected' && call.remote?.number === remote && (call.media?.received ?? 0) > 10,
        ),
      ).catch((error: Error) => {
        throw new Error(
          `${error.message}: ${JSON.stringify([a.phone.snapshot, b.phone.snapshot, c.phone.snapshot])}`,
        );
      });
    await talkingTo(b, '34403');
    await talkingTo(c, '34402');
    await eventually(
      () => a.phone.snapshot.calls.length === 0 && a.phone.snapshot.message === 'Transferred to 34403',
    );
  });
});
