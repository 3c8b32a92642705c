/**
 * Every SCCP↔SIP combination through one real node, both ways: the simulator's SCCP phones and
 * scripted SIP phones (real sockets, real RTP) hold and resume from either side with RTP re-pointed
 * and received after the resume; fail busy, unknown, absent, cancelled, unregistered mid-call and
 * without a common codec with the tone, prompt or status each phone's user notices; and ring a line
 * shared by an SCCP and a SIP device, the first answer winning. Each call leaves its CDR causes and
 * is listed under Monitoring > Active Calls while it lives.
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStateCode, ToneCode } from '../../src/protocols/sccp/codec/index.js';
import { parseSdp } from '../../src/protocols/sip/calls/sdp.js';
import type { SipMessage, SipRequest } from '../../src/protocols/sip/message.js';
import type { SimCall } from '../../src/sim/sccp-calls.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { sccpCallPhone } from '../support/sccp-call-phones.js';
import type { SimSccpPhone } from '../support/sccp-call-phones.js';
import { addSccpDevice } from '../support/sccp-device.js';
import { SipCallPhone, addSipDevice, phoneSdp } from '../support/sip-call-phone.js';
import type { PhoneDialog } from '../support/sip-call-phone.js';

const LABEL = (code: number) => String.fromCharCode(0x80, code);
const PROMPT = { hold: LABEL(0x03), busy: LABEL(0x19), unknownNumber: LABEL(0x38), tempFail: LABEL(0x23) };

interface Cdr {
  callingPartyNumber: string;
  originalCalledPartyNumber: string;
  origDeviceName: string;
  destDeviceName: string;
  origCause_value: number;
  destCause_value: number;
  dateTimeConnect: number;
}

interface ActiveCall {
  state: string;
  legs: { deviceName: string; state: string }[];
  codec: string | null;
}

/** A scripted SIP phone with the RTP socket its SDP names (a new one on `repoint`). */
class SipSide {
  rtp!: dgram.Socket;
  /** RTP packets received on the current socket: from where, payload type. */
  rtpIn: { from: string; pt: number }[] = [];

  constructor(readonly phone: SipCallPhone) {}

  get dn(): string {
    return this.phone.dn;
  }

  get rtpPort(): number {
    return this.rtp.address().port;
  }

  /** Opens a new RTP socket (closing the old one): the phone will say a new port in its SDP. */
  async repoint(): Promise<void> {
    this.rtp?.close();
    this.rtpIn = [];
    const rtp = dgram.createSocket('udp4');
    rtp.on('message', (packet, peer) =>
      this.rtpIn.push({ from: `${peer.address}:${peer.port}`, pt: packet[1] & 0x7f }),
    );
    await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', () => resolve()));
    this.rtp = rtp;
  }

  sdp(options: { direction?: string; pts?: number[] } = {}): string {
    return phoneSdp(this.rtpPort, options);
  }

  /** Three PCMU packets to `port` on this host. */
  sendRtp(port: number): void {
    for (let seq = 1; seq <= 3; seq++) {
      const packet = Buffer.alloc(12 + 160, 0xff);
      packet.writeUInt8(0x80, 0);
      packet.writeUInt8(0, 1);
      packet.writeUInt16BE(seq, 2);
      packet.writeUInt32BE(seq * 160, 4);
      packet.writeUInt32BE(0x5e55, 8);
      this.rtp.send(packet, port, '127.0.0.1');
    }
  }

  close(): void {
    this.rtp?.close();
    this.phone.close();
  }
}

let t: TestNode;
const closers: Array<() => void> = [];
let s1: SimSccpPhone;
let p1: SipSide;
let p2: SipSide;
const cdrCounts = new Map<string, number>();

async function sipSide(mac: string, dn: string, shared = false): Promise<SipSide> {
  await addSipDevice(t.node, `SEP${mac.toUpperCase()}`, [dn], shared);
  const side = new SipSide(await new SipCallPhone(mac, dn, t.node.ports.sip!).open());
  closers.push(() => side.close());
  await side.repoint();
  expect((await side.phone.register()).status).toBe(200);
  return side;
}

/** The next CDR of a call from `calling` to `called` (the n-th of that pair this file waits for). */
async function nextCdr(calling: string, called: string): Promise<Cdr> {
  const key = `${calling}>${called}`;
  const count = (cdrCounts.get(key) ?? 0) + 1;
  cdrCounts.set(key, count);
  const items = await eventually(async () => {
    await t.node.statusWriter.flush();
    const list = (
      await t.api.get<{ items: Cdr[] }>(`/call-detail-records?calling=${calling}&called=${called}`)
    ).body.items;
    return list.length >= count ? list : null;
  });
  return items[0];
}

async function activeCalls(): Promise<ActiveCall[]> {
  return (await t.api.get<{ items: ActiveCall[] }>('/active-calls')).body.items;
}

/** Active Calls lists one call in `state` with these two devices on it. */
async function listed(state: string, devices: string[]): Promise<void> {
  const items = await eventually(async () => {
    const list = await activeCalls();
    return list.length === 1 && list[0].state === state ? list : null;
  });
  expect(items[0].legs.map((l) => l.deviceName)).toEqual(expect.arrayContaining(devices));
}

/** Waits for a call of `s` that it did not have before this was called (live or ended). */
function newCallOf(s: SimSccpPhone): (match: (call: SimCall) => boolean) => Promise<SimCall> {
  const old = new Set([...s.calls.ended, ...s.calls.calls.values()].map((c) => c.callReference));
  return (match) => s.calls.waitFor((c) => !old.has(c.callReference) && match(c));
}

/** Active Calls lists the failed call while the SCCP phone's user hears its tone; then the user hangs up. */
async function hangUpFailed(s: SimSccpPhone, call: SimCall): Promise<void> {
  await listed('failed', [s.name]);
  s.calls.hangUp();
  await s.calls.waitFor((c) => c.state === CallStateCode.OnHook && c.callReference === call.callReference);
  await allEnded();
}

async function allEnded(): Promise<void> {
  await eventually(() => t.node.calls.service.activeCalls === 0);
  expect(await activeCalls()).toEqual([]);
}

const sdpOf = (m: SipMessage) => {
  const result = parseSdp(m.body.toString('utf8'));
  if (!result.ok) throw new Error(`no usable SDP: ${result.reason}`);
  return result.sdp.media;
};

/** RTP flows both ways between the SCCP phone's open port and the SIP phone's RTP socket. */
async function talking(s: SimSccpPhone, p: SipSide): Promise<SimCall> {
  const call = await s.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
  await eventually(() => call.sentTo.at(-1) === `127.0.0.1:${p.rtpPort}` && call.rtp !== null);
  const from = `${s.rtpAddress}:${call.rtp!.port}`;
  await eventually(() => p.rtpIn.some((r) => r.from === from && r.pt === 0)).catch((error: Error) => {
    throw new Error(
      `${error.message}: SIP phone got RTP from ${JSON.stringify(p.rtpIn.slice(-3))}, not ${from}`,
    );
  });
  p.sendRtp(call.rtp!.port);
  await eventually(() => (call.rtp?.stats.received ?? 0) >= 3);
  return call;
}

/** The SCCP phone dials the SIP phone, which rings and answers (200 with its SDP to the delayed offer). */
async function sccpCallsSip(s: SimSccpPhone, p: SipSide): Promise<PhoneDialog> {
  s.calls.dialEnbloc(p.dn);
  const invite = await p.phone.request('INVITE');
  p.phone.respond(invite, 180, 'Ringing', 'sip-callee');
  await s.calls.waitFor((c) => c.state === CallStateCode.RingOut);
  p.phone.respond(invite, 200, 'OK', 'sip-callee', p.sdp());
  expect(sdpOf(await p.phone.request('ACK')).address).toBe(s.rtpAddress);
  return SipCallPhone.dialogOf(invite, 'sip-callee', p.phone);
}

/** The SIP phone calls the SCCP phone (early offer), which rings and answers. */
async function sipCallsSccp(p: SipSide, s: SimSccpPhone): Promise<PhoneDialog> {
  const dialog = p.phone.invite(dnOf(s), p.sdp());
  await p.phone.response('INVITE', 180);
  await s.calls.waitFor((c) => c.state === CallStateCode.RingIn);
  expect(s.calls.answer()).toBe(true);
  const ok = await p.phone.response('INVITE', 200);
  SipCallPhone.confirmed(dialog, ok);
  p.phone.ack(dialog);
  return dialog;
}

const dns = new Map<string, string>();
const dnOf = (s: SimSccpPhone) => dns.get(s.name)!;

async function sccpSide(name: string, dn: string, options: Parameters<typeof sccpCallPhone>[4] = {}) {
  const s = await sccpCallPhone(t, name, [dn], closers, options);
  dns.set(name, dn);
  return s;
}

/** The SIP phone answers the node's re-INVITE with its SDP in `direction`, and takes the ACK. */
async function answerReinvite(p: SipSide, direction: string): Promise<SipRequest> {
  const reinvite = await p.phone.request('INVITE');
  p.phone.respond(reinvite, 200, 'OK', 'unused', p.sdp({ direction }));
  await p.phone.request('ACK');
  return reinvite;
}

/** Hangs the SIP side up with BYE and waits for the SCCP phone to go on-hook. */
async function sipHangsUp(p: SipSide, dialog: PhoneDialog, s: SimSccpPhone, call: SimCall): Promise<void> {
  p.phone.inDialog(dialog, 'BYE');
  await p.phone.response('BYE', 200);
  await s.calls.waitFor((c) => c.state === CallStateCode.OnHook && c.callReference === call.callReference);
  await allEnded();
}

beforeAll(async () => {
  // Hold here is the signalling without music (the held phone gets a=inactive); music-on-hold.test.ts has the music.
  t = await startTestNode({ config: { callMaxPerDevice: 1, mohMaxStreams: 0 } });
  s1 = await sccpSide('SEP00AC00000401', '3401');
  p1 = await sipSide('00ca11000411', '3411');
  p2 = await sipSide('00ca11000412', '3412');
});

afterAll(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
});

describe('hold and resume across protocols: RTP re-pointed and received both ways after resume', () => {
  const cases = [
    { caller: 'SCCP', holder: 'SCCP' },
    { caller: 'SCCP', holder: 'SIP' },
    { caller: 'SIP', holder: 'SCCP' },
    { caller: 'SIP', holder: 'SIP' },
  ] as const;

  it.each(cases)('$caller calls, the $holder phone holds and resumes', async ({ caller, holder }) => {
    const dialog = caller === 'SCCP' ? await sccpCallsSip(s1, p1) : await sipCallsSccp(p1, s1);
    const before = await talking(s1, p1);
    await listed('connected', [s1.name, p1.phone.name]);
    const firstPort = before.rtp!.port;

    if (holder === 'SCCP') {
      expect(s1.calls.hold()).toBe(true);
      const held = await answerReinvite(p1, 'inactive');
      expect(sdpOf(held).direction).toBe('inactive');
      const onHold = await s1.calls.waitFor((c) => c.state === CallStateCode.Hold && c.rtp === null);
      expect(onHold.prompt).toBe(PROMPT.hold);
      await listed('on-hold', [s1.name, p1.phone.name]);

      await p1.repoint();
      expect(s1.calls.resume()).toBe(true);
      const resumed = await p1.phone.request('INVITE');
      const offer = sdpOf(resumed);
      expect(offer.direction).toBe('sendrecv');
      p1.phone.respond(resumed, 200, 'OK', 'unused', p1.sdp());
      await p1.phone.request('ACK');
      const call = await s1.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
      expect(offer.port).toBe(call.rtp!.port);
    } else {
      p1.phone.inDialog(dialog, 'INVITE', p1.sdp({ direction: 'sendonly' }));
      const held = await p1.phone.response('INVITE', 200);
      expect(sdpOf(held).direction).toBe('inactive');
      p1.phone.ack(dialog);
      await s1.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp === null);
      await listed('on-hold', [s1.name, p1.phone.name]);

      await p1.repoint();
      p1.phone.inDialog(dialog, 'INVITE', p1.sdp());
      const resumed = await p1.phone.response('INVITE', 200);
      p1.phone.ack(dialog);
      const call = await s1.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
      expect(sdpOf(resumed)).toMatchObject({ port: call.rtp!.port, direction: 'sendrecv' });
    }
    const after = await talking(s1, p1);
    expect(after.portsOpened).toHaveLength(2);
    expect(after.rtp!.port).not.toBe(firstPort);
    expect(after.sentTo.at(-1)).toBe(`127.0.0.1:${p1.rtpPort}`);
    await listed('connected', [s1.name, p1.phone.name]);

    await sipHangsUp(p1, dialog, s1, after);
    const cdr = await nextCdr(caller === 'SCCP' ? '3401' : '3411', caller === 'SCCP' ? '3411' : '3401');
    expect(cdr.dateTimeConnect).toBeGreaterThan(0);
    expect(caller === 'SCCP' ? cdr.destCause_value : cdr.origCause_value).toBe(16);
  });
});

describe('failures across protocols: the tone, prompt or status each user notices, and the CDR cause', () => {
  it('busy: a SIP callee’s 486 gives the SCCP caller busy tone and "Busy"; a busy SCCP phone is 486 to a SIP caller (cause 17)', async () => {
    const failed = newCallOf(s1);
    s1.calls.dialEnbloc(p1.dn);
    const invite = await p1.phone.request('INVITE');
    p1.phone.respond(invite, 486, 'Busy Here', 'busy');
    await p1.phone.request('ACK');
    const busy = await failed((c) => c.tone === ToneCode.Busy);
    expect(busy.prompt).toBe(PROMPT.busy);
    await hangUpFailed(s1, busy);
    expect(await nextCdr('3401', '3411')).toMatchObject({ origCause_value: 0, destCause_value: 17 });

    // The SCCP phone talks to another SIP phone: at its one call (--call-max-per-device 1) it is busy.
    const dialog = await sccpCallsSip(s1, p2);
    const call = await talking(s1, p2);
    p1.phone.invite('3401', p1.sdp());
    await p1.phone.response('INVITE', 486);
    expect(await nextCdr('3411', '3401')).toMatchObject({ destCause_value: 17, dateTimeConnect: 0 });
    await sipHangsUp(p2, dialog, s1, call);
    await nextCdr('3401', '3412');
  });

  it('unknown number: reorder and "Unknown Number" on the SCCP phone, 404 to the SIP phone (cause 1)', async () => {
    const failed = newCallOf(s1);
    s1.calls.dialEnbloc('9');
    const unknown = await failed((c) => c.tone === ToneCode.Reorder);
    expect(unknown.prompt).toBe(PROMPT.unknownNumber);
    await hangUpFailed(s1, unknown);
    expect(await nextCdr('3401', '9')).toMatchObject({ origCause_value: 1, destCause_value: 0 });

    p1.phone.invite('3999', p1.sdp());
    await p1.phone.response('INVITE', 404);
    expect(await nextCdr('3411', '3999')).toMatchObject({ origCause_value: 1, destCause_value: 0 });
  });

  it('callee not registered: reorder and "Temp Fail" on the SCCP phone, 480 to the SIP phone (cause 20)', async () => {
    await addSipDevice(t.node, 'SEP00CA11000419', ['3419']);
    await addSccpDevice(t.node, 'SEP00AC00000409', ['3409']);
    t.node.calls.dialPlan.refresh();
    await eventually(() =>
      ['3419', '3409'].every((dn) => t.node.calls.dialPlan.view().isDirectoryNumber(dn)),
    );

    const failed = newCallOf(s1);
    s1.calls.dialEnbloc('3419');
    const absent = await failed((c) => c.tone === ToneCode.Reorder);
    expect(absent.prompt).toBe(PROMPT.tempFail);
    await hangUpFailed(s1, absent);
    expect(await nextCdr('3401', '3419')).toMatchObject({ destCause_value: 20 });

    p1.phone.invite('3409', p1.sdp());
    await p1.phone.response('INVITE', 480);
    expect(await nextCdr('3411', '3409')).toMatchObject({ destCause_value: 20 });
  });

  it('the caller gives up while the other protocol’s phone rings: CANCEL to the SIP callee, the SCCP callee stops ringing', async () => {
    const ringOut = newCallOf(s1);
    s1.calls.dialEnbloc(p1.dn);
    const invite = await p1.phone.request('INVITE');
    p1.phone.respond(invite, 180, 'Ringing', 'ring');
    const placed = await ringOut((c) => c.state === CallStateCode.RingOut);
    await listed('alerting', [s1.name, p1.phone.name]);
    s1.calls.hangUp();
    const cancel = await p1.phone.request('CANCEL');
    p1.phone.respond(cancel, 200, 'OK', 'ring');
    p1.phone.respond(invite, 487, 'Request Terminated', 'ring');
    await p1.phone.request('ACK');
    await s1.calls.waitFor(
      (c) => c.state === CallStateCode.OnHook && c.callReference === placed.callReference,
    );
    await allEnded();
    expect(await nextCdr('3401', '3411')).toMatchObject({ origCause_value: 16, dateTimeConnect: 0 });

    const ringIn = newCallOf(s1);
    const dialog = p1.phone.invite('3401', p1.sdp());
    await p1.phone.response('INVITE', 180);
    const offered = await ringIn((c) => c.state === CallStateCode.RingIn);
    await eventually(() => s1.calls.ringing);
    await listed('alerting', [s1.name, p1.phone.name]);
    p1.phone.cancel(dialog);
    await p1.phone.response('CANCEL', 200);
    await p1.phone.response('INVITE', 487);
    await s1.calls.waitFor(
      (c) => c.state === CallStateCode.OnHook && c.callReference === offered.callReference,
    );
    await eventually(() => !s1.calls.ringing);
    await allEnded();
    expect(await nextCdr('3411', '3401')).toMatchObject({ origCause_value: 16, dateTimeConnect: 0 });
  });

  it('the callee unregisters mid-call: the SCCP caller is cleared, the SIP caller gets BYE with cause 27', async () => {
    await sccpCallsSip(s1, p1);
    const call = await talking(s1, p1);
    expect((await p1.phone.register(0)).status).toBe(200);
    const toCallee = await p1.phone.request('BYE');
    expect(toCallee.header('reason')).toContain('cause=27');
    p1.phone.respond(toCallee, 200, 'OK', 'sip-callee');
    await s1.calls.waitFor((c) => c.state === CallStateCode.OnHook && c.callReference === call.callReference);
    await allEnded();
    expect(await nextCdr('3401', '3411')).toMatchObject({ origCause_value: 0, destCause_value: 27 });
    expect((await p1.phone.register()).status).toBe(200);

    const s3 = await sccpSide('SEP00AC00000403', '3403');
    await sipCallsSccp(p1, s3);
    await talking(s3, p1);
    await s3.station.unregister();
    const toCaller = await p1.phone.request('BYE');
    expect(toCaller.header('reason')).toContain('cause=27');
    p1.phone.respond(toCaller, 200, 'OK', 'x');
    await allEnded();
    expect(await nextCdr('3411', '3403')).toMatchObject({ origCause_value: 0, destCause_value: 27 });
  });

  it('no common codec (a G.729-only SCCP phone, a PCMU-only SIP phone): reorder on the SCCP phone, 488 to the SIP phone (cause 65)', async () => {
    const g729 = await sccpSide('SEP00AC00000408', '3408', {
      capabilities: [{ payloadCapability: 11, maxFramesPerPacket: 60 }],
    });
    const failed = newCallOf(g729);
    g729.calls.dialEnbloc(p1.dn);
    const invite = await p1.phone.request('INVITE');
    p1.phone.respond(invite, 200, 'OK', 'pcmu', p1.sdp({ pts: [0] }));
    await p1.phone.request('ACK');
    const bye = await p1.phone.request('BYE');
    p1.phone.respond(bye, 200, 'OK', 'pcmu');
    const refused = await failed((c) => c.tone === ToneCode.Reorder);
    expect(refused.prompt).toBe(PROMPT.tempFail);
    await hangUpFailed(g729, refused);
    expect(await nextCdr('3408', '3411')).toMatchObject({ destCause_value: 65 });

    p1.phone.invite('3408', p1.sdp({ pts: [0, 101] }));
    const notAcceptable = await p1.phone.response('INVITE', 488);
    expect(notAcceptable.header('warning')).toMatch(/^305 /);
    await allEnded();
    expect(await nextCdr('3411', '3408')).toMatchObject({ destCause_value: 65 });
  });
});

describe('a line shared by an SCCP and a SIP device: both ring, the first answer wins', () => {
  let sh: SimSccpPhone;
  let ps: SipSide;

  beforeAll(async () => {
    await addSccpDevice(t.node, 'SEP00AC00000420', ['3420']);
    sh = await sccpSide('SEP00AC00000420', '3420', { configure: false });
    ps = await sipSide('00ca11000420', '3420', true);
  });

  it('a SIP caller: the SCCP device answers first, the SIP device gets CANCEL (completed elsewhere)', async () => {
    const dialog = p1.phone.invite('3420', p1.sdp());
    const invite = await ps.phone.request('INVITE');
    ps.phone.respond(invite, 180, 'Ringing', 'shared');
    await sh.calls.waitFor((c) => c.state === CallStateCode.RingIn);
    await listed('alerting', [p1.phone.name, sh.name, ps.phone.name]);
    expect(sh.calls.answer()).toBe(true);
    const cancel = await ps.phone.request('CANCEL');
    expect(cancel.header('reason')).toBe('SIP;cause=200;text="Call completed elsewhere"');
    ps.phone.respond(cancel, 200, 'OK', 'shared');
    ps.phone.respond(invite, 487, 'Request Terminated', 'shared');
    await ps.phone.request('ACK');
    const ok = await p1.phone.response('INVITE', 200);
    SipCallPhone.confirmed(dialog, ok);
    p1.phone.ack(dialog);
    const call = await talking(sh, p1);
    await listed('connected', [p1.phone.name, sh.name]);
    await sipHangsUp(p1, dialog, sh, call);
    expect(await nextCdr('3411', '3420')).toMatchObject({ destDeviceName: sh.name, origCause_value: 16 });
  });

  it('an SCCP caller: the SIP device answers first, the SCCP device stops ringing and shows the line in use', async () => {
    const ringIn = newCallOf(sh);
    s1.calls.dialEnbloc('3420');
    const invite = await ps.phone.request('INVITE');
    ps.phone.respond(invite, 180, 'Ringing', 'shared');
    const offered = await ringIn((c) => c.state === CallStateCode.RingIn);
    await eventually(() => sh.calls.ringing);
    ps.phone.respond(invite, 200, 'OK', 'shared', ps.sdp());
    await ps.phone.request('ACK');
    await sh.calls.waitFor(
      (c) => c.callReference === offered.callReference && c.state === CallStateCode.RemoteMultiline,
    );
    await eventually(() => !sh.calls.ringing);
    await talking(s1, ps);
    await listed('connected', [s1.name, ps.phone.name]);
    s1.calls.hangUp();
    const bye = await ps.phone.request('BYE');
    expect(bye.header('reason')).toContain('cause=16');
    ps.phone.respond(bye, 200, 'OK', 'shared');
    await sh.calls.waitFor(
      (c) => c.callReference === offered.callReference && c.state === CallStateCode.OnHook,
    );
    await allEnded();
    expect(await nextCdr('3401', '3420')).toMatchObject({
      destDeviceName: ps.phone.name,
      origCause_value: 16,
    });
  });
});
