/**
 * Call forwarding over real sockets (calls.md §1.5, §4.2): a user's CFwdAll from a simulated SCCP
 * phone (stored, then ForwardStat), forwards set by the administrator (stored, as the line settings
 * do), a SIP callee receiving Diversion, Forward No Answer on a short timer, Forward Busy, a loop,
 * the CDR of a forwarded call, and Redial.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DnFeatures } from '../../src/core/line-settings.js';
import { CallStateCode, ToneCode } from '../../src/protocols/sccp/codec/index.js';
import type { SipRequest } from '../../src/protocols/sip/message.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { sccpCallPhone } from '../support/sccp-call-phones.js';
import { SipCallPhone, addSipDevice, phoneSdp } from '../support/sip-call-phone.js';

interface Cdr {
  callingPartyNumber: string;
  originalCalledPartyNumber: string;
  finalCalledPartyNumber: string;
  lastRedirectDn: string;
  origCalledPartyRedirectReason: number;
  lastRedirectRedirectReason: number;
  destDeviceName: string;
  destCause_value: number;
}

let t: TestNode;
const closers: Array<() => void> = [];

/** The administrator's forwards of a DN, stored as the line settings store them. */
async function setForwards(dn: string, features: Partial<DnFeatures>): Promise<void> {
  expect(await t.node.store.lineSettings.setDnFeatures(dn, features)).toBe(true);
  t.node.calls.dnFeatures.refresh();
  await eventually(() =>
    Object.entries(features).every(
      ([key, value]) => t.node.calls.dnFeatures.featuresOf(dn)[key as keyof DnFeatures] === value,
    ),
  );
}

async function cdrOf(calling: string): Promise<Cdr> {
  return eventually(async () => {
    await t.node.statusWriter.flush();
    const items = (await t.api.get<{ items: Cdr[] }>(`/call-detail-records?calling=${calling}`)).body.items;
    return items[0] ?? null;
  });
}

async function sipPhone(mac: string, dn: string): Promise<SipCallPhone> {
  await addSipDevice(t.node, `SEP${mac.toUpperCase()}`, [dn]);
  const phone = await new SipCallPhone(mac, dn, t.node.ports.sip!).open();
  closers.push(() => phone.close());
  expect((await phone.register()).status).toBe(200);
  await eventually(() => t.node.calls.dialPlan.view().isDirectoryNumber(dn));
  return phone;
}

describe('call forwarding', () => {
  beforeEach(async () => {
    t = await startTestNode({ config: { callForwardNoAnswerSeconds: 1, callMaxPerDevice: 1 } });
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await t.destroy();
  });

  it('CFwdAll from an SCCP phone is stored and shown; a call to it reaches the SIP target with Diversion; the CDR names the forward; CFwdAll again clears it', async () => {
    const a = await sccpCallPhone(t, 'SEP00AF00000001', ['3201'], closers);
    const b = await sccpCallPhone(t, 'SEP00AF00000002', ['3202'], closers);
    const sip = await sipPhone('00af00000003', '3203');

    expect(await a.calls.setForwardAll('3203')).toBe('3203');
    expect(await t.node.store.lineSettings.forwardAllOf('3201')).toBe('3203');
    expect(a.calls.forwardAll).toBe('3203');

    b.calls.dialEnbloc('3201');
    const invite = (await sip.request('INVITE')) as SipRequest;
    expect(invite.headers('diversion')).toEqual([
      expect.stringMatching(/^<sip:3201@127\.0\.0\.1>;reason=unconditional;counter=1/),
    ]);
    expect(a.calls.calls.size).toBe(0);
    sip.respond(invite, 180, 'Ringing', 'fwd-callee');
    const ringOut = await b.calls.waitFor((c) => c.state === CallStateCode.RingOut);
    expect(ringOut.remote?.number).toBe('3203');
    sip.respond(invite, 200, 'OK', 'fwd-callee', phoneSdp(40000));
    await sip.request('ACK');
    b.calls.hangUp();
    expect(await cdrOf('3202')).toMatchObject({
      originalCalledPartyNumber: '3201',
      finalCalledPartyNumber: '3203',
      lastRedirectDn: '3201',
      origCalledPartyRedirectReason: 15,
      lastRedirectRedirectReason: 15,
      destDeviceName: 'SEP00AF00000003',
    });

    expect(await a.calls.setForwardAll(null)).toBeNull();
    expect(await t.node.store.lineSettings.forwardAllOf('3201')).toBeNull();
  });

  it('a Forward All set from the phone survives a node restart: the phone is shown it when it registers again', async () => {
    const a = await sccpCallPhone(t, 'SEP00AF00000071', ['3271'], closers);
    await sccpCallPhone(t, 'SEP00AF00000072', ['3272'], closers);
    expect(await a.calls.setForwardAll('3272')).toBe('3272');
    for (const close of closers.splice(0)) close();
    await t.stop();
    t = await startTestNode({ database: t.database, config: { callMaxPerDevice: 1 } });
    const again = await sccpCallPhone(t, 'SEP00AF00000071', ['3271'], closers, { configure: false });
    await eventually(() => again.calls.forwardAll === '3272');
  });

  it('Forward No Answer: the callee stops ringing after the timer and the target rings with the forward shown', async () => {
    const a = await sccpCallPhone(t, 'SEP00AF00000011', ['3211'], closers);
    const b = await sccpCallPhone(t, 'SEP00AF00000012', ['3212'], closers);
    const c = await sccpCallPhone(t, 'SEP00AF00000013', ['3213'], closers);
    await setForwards('3212', { forwardNoAnswer: '3213' });
    a.calls.dialEnbloc('3212');
    await b.calls.waitFor((call) => call.state === CallStateCode.RingIn);
    await b.calls.waitFor((call) => call.state === CallStateCode.OnHook);
    const ringing = await c.calls.waitFor(
      (call) => call.state === CallStateCode.RingIn && call.forwarded !== null,
    );
    expect(ringing.remote?.number).toBe('3211');
    expect(ringing.forwarded).toEqual({ originalCalled: '3212', lastRedirecting: '3212', reason: 2 });
    await eventually(() => a.calls.active()?.remote?.number === '3213');
    expect(a.calls.active()?.tone).toBe(ToneCode.Ringback);
    expect(c.calls.answer()).toBe(true);
    await a.calls.waitFor((call) => call.state === CallStateCode.Connected);
    a.calls.hangUp();
    expect(await cdrOf('3211')).toMatchObject({
      finalCalledPartyNumber: '3213',
      lastRedirectDn: '3212',
      lastRedirectRedirectReason: 2,
    });
  });

  it('Forward Busy: a DN whose phone is busy sends the call to its target', async () => {
    const a = await sccpCallPhone(t, 'SEP00AF00000021', ['3221'], closers);
    const b = await sccpCallPhone(t, 'SEP00AF00000022', ['3222'], closers);
    const c = await sccpCallPhone(t, 'SEP00AF00000023', ['3223'], closers, { autoAnswer: true });
    await setForwards('3222', { forwardBusy: '3223' });
    await b.calls.dial('3'); // off-hook and dialling: at its one call (callMaxPerDevice 1)
    a.calls.dialEnbloc('3222');
    await c.calls.waitFor((call) => call.state === CallStateCode.Connected);
    a.calls.hangUp();
    expect(await cdrOf('3221')).toMatchObject({
      finalCalledPartyNumber: '3223',
      lastRedirectDn: '3222',
      origCalledPartyRedirectReason: 1,
    });
  });

  it('a forward loop is stopped: the caller hears reorder and the CDR has cause 25', async () => {
    const a = await sccpCallPhone(t, 'SEP00AF00000031', ['3231'], closers);
    await sccpCallPhone(t, 'SEP00AF00000032', ['3232'], closers);
    await sccpCallPhone(t, 'SEP00AF00000033', ['3233'], closers);
    await setForwards('3232', { forwardAll: '3233' });
    await setForwards('3233', { forwardAll: '3232' });
    a.calls.dialEnbloc('3232');
    await a.calls.waitFor((call) => call.tone === ToneCode.Reorder);
    a.calls.hangUp();
    expect(await cdrOf('3231')).toMatchObject({ destCause_value: 25 });
    // Monitoring > Why did this call fail? names the loop and the DN to change.
    const { body } = await t.api.get<{ firstProblem: { id: string; detail: string; fix: string } }>(
      '/call-diagnosis?calling=3231&called=3232',
    );
    expect(body.firstProblem.id).toBe('forward');
    expect(body.firstProblem.detail).toContain('3232 → 3233 → 3232');
    expect(body.firstProblem.fix).toContain('Call Forward All of 3233');
  });

  it('Redial dials the last number again', async () => {
    const a = await sccpCallPhone(t, 'SEP00AF00000041', ['3241'], closers);
    const b = await sccpCallPhone(t, 'SEP00AF00000042', ['3242'], closers);
    await a.calls.dial('3242');
    await b.calls.waitFor((call) => call.state === CallStateCode.RingIn);
    a.calls.hangUp();
    await b.calls.waitFor((call) => call.state === CallStateCode.OnHook);
    const before = b.calls.ended.length;
    a.calls.redial();
    await b.calls.waitFor((call) => call.state === CallStateCode.RingIn && !b.calls.ended.includes(call));
    expect(b.calls.ended.length).toBe(before);
  });
});

describe('call forwarding with SCCP in a worker process', () => {
  beforeEach(async () => {
    t = await startTestNode({ config: { sccpWorkers: 1 } });
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await t.destroy();
  });

  it('CFwdAll goes through the worker IPC: stored, ForwardStat shown, calls forwarded', async () => {
    const a = await sccpCallPhone(t, 'SEP00AF00000051', ['3251'], closers);
    const b = await sccpCallPhone(t, 'SEP00AF00000052', ['3252'], closers);
    const c = await sccpCallPhone(t, 'SEP00AF00000053', ['3253'], closers);
    expect(await a.calls.setForwardAll('3253')).toBe('3253');
    expect(await t.node.store.lineSettings.forwardAllOf('3251')).toBe('3253');
    b.calls.dialEnbloc('3251');
    const ringing = await c.calls.waitFor((call) => call.state === CallStateCode.RingIn);
    expect(ringing.forwarded).toEqual({ originalCalled: '3251', lastRedirecting: '3251', reason: 15 });
    b.calls.hangUp();
    await c.calls.waitFor((call) => call.state === CallStateCode.OnHook);
  });
});

describe("a SIP phone's own forward (302)", () => {
  beforeEach(async () => {
    t = await startTestNode();
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await t.destroy();
  });

  it('is followed to the number in its Contact', async () => {
    const a = await sccpCallPhone(t, 'SEP00AF00000061', ['3261'], closers);
    const sip = await sipPhone('00af00000062', '3262');
    const c = await sccpCallPhone(t, 'SEP00AF00000063', ['3263'], closers);
    a.calls.dialEnbloc('3262');
    const invite = (await sip.request('INVITE')) as SipRequest;
    sip.send(
      [
        'SIP/2.0 302 Moved Temporarily',
        ...invite.raw
          .toString('utf8')
          .split('\r\n')
          .filter((l) => /^(Via|From|Call-ID|CSeq):/i.test(l)),
        `To: ${invite.headers('to')[0]};tag=moved`,
        `Contact: <sip:3263@127.0.0.1:${sip.port}>`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    const ringing = await c.calls.waitFor((call) => call.state === CallStateCode.RingIn);
    expect(ringing.forwarded).toMatchObject({ originalCalled: '3262', reason: 15 });
    await sip.request('ACK');
  });
});
