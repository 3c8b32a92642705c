/**
 * Call pickup over real sockets (issue #15): PickUp and GPickUp among the simulator's SCCP phones,
 * a scripted SIP phone dialling the feature code (*8), and the mixed case (an SCCP phone rings, a
 * SIP phone picks up). Pickup groups are stored as an administrator sets them (line settings).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStateCode, ToneCode } from '../../src/protocols/sccp/codec/index.js';
import { parseSdp } from '../../src/protocols/sip/calls/sdp.js';
import type { SimCall } from '../../src/sim/sccp-calls.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { sccpCallPhone } from '../support/sccp-call-phones.js';
import type { SimSccpPhone } from '../support/sccp-call-phones.js';
import { SipCallPhone, addSipDevice, phoneSdp } from '../support/sip-call-phone.js';

interface Cdr {
  callingPartyNumber: string;
  originalCalledPartyNumber: string;
  finalCalledPartyNumber: string;
  lastRedirectDn: string;
  lastRedirectRedirectReason: number;
  destDeviceName: string;
  dateTimeConnect: number;
}

let t: TestNode;
const closers: Array<() => void> = [];
let a: SimSccpPhone;
let b: SimSccpPhone;
let c: SimSccpPhone;
let d: SimSccpPhone;

async function pickupGroup(dn: string, group: string): Promise<void> {
  await t.node.store.lineSettings.setDnFeatures(dn, { pickupGroup: group });
  t.node.calls.dnFeatures.refresh();
  await t.node.calls.dnFeatures.settled();
}

/** A calls B (3702), which rings. */
async function aCallsB(): Promise<SimCall> {
  a.calls.dialEnbloc('3702');
  await a.calls.waitFor((call) => call.state === CallStateCode.RingOut && call.tone === ToneCode.Ringback);
  return b.calls.waitFor((call) => call.state === CallStateCode.RingIn);
}

/** A and the picker's call talk: RTP both ways between the two ports. */
async function rtpBetween(x: SimCall, y: SimCall): Promise<void> {
  await eventually(
    () =>
      !!x.rtp &&
      !!y.rtp &&
      x.rtp.stats.receivedFrom.includes(`127.0.0.1:${y.rtp.port}`) &&
      y.rtp.stats.receivedFrom.includes(`127.0.0.1:${x.rtp.port}`),
  );
}

async function cdrFor(finalCalled: string): Promise<Cdr> {
  return eventually(async () => {
    await t.node.statusWriter.flush();
    const items = (await t.api.get<{ items: Cdr[] }>('/call-detail-records')).body.items;
    return items.find((cdr) => cdr.finalCalledPartyNumber === finalCalled && cdr.dateTimeConnect > 0) ?? null;
  });
}

async function allOnHook(): Promise<void> {
  await eventually(() => t.node.calls.service.activeCalls === 0);
}

beforeAll(async () => {
  t = await startTestNode();
  a = await sccpCallPhone(t, 'SEP00CB00000001', ['3701'], closers);
  b = await sccpCallPhone(t, 'SEP00CB00000002', ['3702'], closers);
  c = await sccpCallPhone(t, 'SEP00CB00000003', ['3703'], closers);
  d = await sccpCallPhone(t, 'SEP00CB00000004', ['3704'], closers);
  await pickupGroup('3702', '70');
  await pickupGroup('3703', '70');
});

afterAll(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
});

describe('call pickup', () => {
  it('PickUp: C answers the call ringing on B (same group); B stops ringing; A sees C; the CDR says picked up from 3702', async () => {
    await aCallsB();
    c.calls.pickUp();
    const cCall = await c.calls.waitFor((call) => call.state === CallStateCode.Connected);
    expect(cCall.remote?.number).toBe('3701');
    await b.calls.waitFor((call) => call.state === CallStateCode.OnHook);
    await eventually(() => !b.calls.ringing);
    const aCall = await a.calls.waitFor(
      (call) => call.state === CallStateCode.Connected && call.remote?.number === '3703',
    );
    await rtpBetween(aCall, cCall);
    a.calls.hangUp();
    await c.calls.waitFor((call) => call.state === CallStateCode.OnHook);
    expect(await cdrFor('3703')).toMatchObject({
      callingPartyNumber: '3701',
      originalCalledPartyNumber: '3702',
      lastRedirectDn: '3702',
      lastRedirectRedirectReason: 5,
      destDeviceName: c.name,
    });
    await allOnHook();
  });

  it('GPickUp: D, in no group, presses GPickUp and dials group 70', async () => {
    await aCallsB();
    await d.calls.groupPickUp('70');
    const dCall = await d.calls.waitFor((call) => call.state === CallStateCode.Connected);
    await b.calls.waitFor((call) => call.state === CallStateCode.OnHook);
    const aCall = await a.calls.waitFor(
      (call) => call.state === CallStateCode.Connected && call.remote?.number === '3704',
    );
    await rtpBetween(aCall, dCall);
    d.calls.hangUp();
    await a.calls.waitFor((call) => call.state === CallStateCode.OnHook);
    await allOnHook();
  });

  it('nothing rings in the group: the picker hears reorder', async () => {
    c.calls.pickUp();
    await c.calls.waitFor((call) => call.tone === ToneCode.Reorder);
    c.calls.hangUp();
    await allOnHook();
  });

  it('a SIP phone picks up a call ringing on an SCCP phone by dialling *8; nothing to pick up is 480', async () => {
    await addSipDevice(t.node, 'SEP00CB00000011', ['3711']);
    const p = await new SipCallPhone('00cb00000011', '3711', t.node.ports.sip!).open();
    closers.push(() => p.close());
    expect((await p.register()).status).toBe(200);
    await pickupGroup('3711', '70');

    p.invite('*8', phoneSdp(40000));
    await p.response('INVITE', 480);

    await aCallsB();
    const dialog = p.invite('*8', phoneSdp(40002));
    const ok = await p.response('INVITE', 200);
    SipCallPhone.confirmed(dialog, ok);
    p.ack(dialog);
    await b.calls.waitFor((call) => call.state === CallStateCode.OnHook);
    const aCall = await a.calls.waitFor(
      (call) => call.state === CallStateCode.Connected && call.sentTo.at(-1) === '127.0.0.1:40002',
    );
    const answer = parseSdp(ok.body.toString('utf8'));
    expect(answer.ok && answer.sdp.media.port).toBe(aCall.rtp?.port);
    p.inDialog(dialog, 'BYE');
    await p.response('BYE', 200);
    await a.calls.waitFor((call) => call.state === CallStateCode.OnHook);
    expect(await cdrFor('3711')).toMatchObject({ originalCalledPartyNumber: '3702', lastRedirectDn: '3702' });
    await allOnHook();
  });

  it('an SCCP phone picks up a call ringing on a SIP phone: the SIP phone gets a CANCEL (call completed elsewhere)', async () => {
    await addSipDevice(t.node, 'SEP00CB00000012', ['3712']);
    const p = await new SipCallPhone('00cb00000012', '3712', t.node.ports.sip!).open();
    closers.push(() => p.close());
    expect((await p.register()).status).toBe(200);
    await pickupGroup('3712', '70');
    a.calls.dialEnbloc('3712');
    const invite = await p.request('INVITE');
    p.respond(invite, 180, 'Ringing', 'p-ringing');
    await a.calls.waitFor((call) => call.state === CallStateCode.RingOut);
    c.calls.pickUp();
    const cancel = await p.request('CANCEL');
    expect(cancel.header('reason')).toContain('cause=200');
    p.respond(cancel, 200, 'OK', 'p-ringing');
    p.respond(invite, 487, 'Request Terminated', 'p-ringing');
    const cCall = await c.calls.waitFor((call) => call.state === CallStateCode.Connected);
    const aCall = await a.calls.waitFor(
      (call) => call.state === CallStateCode.Connected && call.remote?.number === '3703',
    );
    await rtpBetween(aCall, cCall);
    c.calls.hangUp();
    await a.calls.waitFor((call) => call.state === CallStateCode.OnHook);
    await allOnHook();
    // One CANCEL only: the leg told to stop ringing is not cancelled twice.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(p.received.filter((m) => m.kind === 'request' && m.method === 'CANCEL')).toEqual([]);
  });
});
