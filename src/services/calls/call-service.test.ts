import { describe, expect, it } from 'vitest';
import type { MediaDescription } from '../../core/call/media.js';
import { callNode, FakePhone, settle } from '../../../test/support/call-phones.js';
import type { LegHandle } from './call-ports.js';

const sccp = (n: number, dn: string, codecs?: ('PCMU' | 'PCMA' | 'G729')[]) =>
  new FakePhone(`SEP0000000000${n.toString(16).padStart(2, '0').toUpperCase()}`, 'SCCP', dn, codecs);
const sip = (n: number, dn: string) =>
  new FakePhone(`SEP0000000000${n.toString(16).padStart(2, '0').toUpperCase()}`, 'SIP', dn);
const sdp = (
  address: string,
  port: number,
  codecs: ('PCMU' | 'PCMA' | 'G729')[] = ['PCMU', 'PCMA'],
): MediaDescription => ({
  address,
  port,
  codecs,
  direction: 'sendrecv',
});

/** A SIP phone's INVITE: off-hook, its SDP offer, and the number en bloc. */
function invite(phone: FakePhone, dn: string, media = sdp(phone.ip, 16384)): LegHandle {
  const leg = phone.dial('');
  phone.service.send(leg, { kind: 'media', media, offer: true });
  phone.service.send(leg, { kind: 'digits', digits: dn });
  return leg;
}

describe('CallService', () => {
  it('connects two SCCP-like phones: ring, answer, each sends to the other’s address, CDR at hang-up', async () => {
    const a = sccp(1, '1001');
    const b = sccp(2, '1002');
    const { service, time, cdrs } = callNode([a, b]);
    const aLeg = a.dial('1002');
    await settle();
    expect(b.kinds()).toContain('ring');
    expect(a.commands()).toContainEqual({ kind: 'tone', tone: 'ringback' });
    time.advance(3_000);
    service.offHook({
      deviceName: b.deviceName,
      line: 1,
      party: { number: '1002', name: '' },
      sink: { send: () => {} },
    });
    expect(a.sendingTo()).toBe(`${b.ip}:20002`);
    expect(b.sendingTo()).toBe(`${a.ip}:20002`);
    expect(service.activeCalls).toBe(1);
    time.advance(30_000);
    service.send(aLeg, { kind: 'hang-up' });
    expect(b.commands().at(-1)).toEqual({ kind: 'clear', cause: 16 });
    expect(service.activeCalls).toBe(0);
    expect(cdrs).toHaveLength(1);
    expect(cdrs[0]).toMatchObject({
      callingPartyNumber: '1001',
      finalCalledPartyNumber: '1002',
      duration: 30,
      origCause_value: 16,
    });
    expect(service.counters).toEqual({ started: 1, connected: 1, failed: new Map() });
    expect(time.pending).toBe(0);
  });

  it('connects a SIP-like caller to an SCCP-like callee and back, with the addresses crossed', async () => {
    const s = sip(3, '1003');
    const b = sccp(2, '1002');
    const { service } = callNode([s, b]);
    invite(s, '1002', sdp('10.0.0.3', 16384, ['PCMA', 'PCMU']));
    await settle();
    service.send(b.legs[0], { kind: 'answer' });
    expect(b.sendingTo()).toBe('10.0.0.3:16384');
    expect(s.commands()).toContainEqual({
      kind: 'start-media',
      to: { address: b.ip, port: 20002 },
      codec: 'PCMA',
      packetMs: 20,
    });

    // And the other way: SCCP calls SIP; the SIP callee's 200 OK carries a delayed offer.
    const bLeg = b.dial('1003');
    await settle();
    const sLeg = s.legs.at(-1) as LegHandle;
    expect(s.kinds(sLeg)).toContain('ring');
    service.send(sLeg, { kind: 'answer', media: sdp('10.0.0.3', 16500, ['PCMU']) });
    expect(b.sendingTo(bLeg)).toBe('10.0.0.3:16500');
    expect(s.sendingTo(sLeg)).toBe(`${b.ip}:20004`);
  });

  it('connects two SIP-like phones without asking either for an address', async () => {
    const s1 = sip(3, '1003');
    const s2 = sip(4, '1004');
    const { service } = callNode([s1, s2]);
    invite(s1, '1004', sdp('10.0.0.3', 16384));
    await settle();
    service.send(s2.legs[0], { kind: 'answer', media: sdp('10.0.0.4', 17000) });
    expect(s1.sendingTo()).toBe('10.0.0.4:17000');
    expect(s2.sendingTo()).toBe('10.0.0.3:16384');
    expect([...s1.kinds(), ...s2.kinds()]).not.toContain('open-receive-channel');
  });

  it('gives busy to a call to a busy SIP callee, and writes destCause 17', async () => {
    const a = sccp(1, '1001');
    const s = sip(3, '1003');
    const { service, cdrs } = callNode([a, s]);
    const aLeg = a.dial('1003');
    await settle();
    service.send(s.legs[0], { kind: 'busy' });
    expect(a.commands()).toContainEqual({ kind: 'tone', tone: 'busy' });
    service.send(aLeg, { kind: 'hang-up' });
    expect(cdrs[0]).toMatchObject({ origCause_value: 0, destCause_value: 17, dateTimeConnect: 0 });
    expect(service.counters).toEqual({ started: 1, connected: 0, failed: new Map([[17, 1]]) });
  });

  it('finds a device with as many calls as it may hold busy, and counts the limit', async () => {
    const a = sccp(1, '1001');
    const b = sccp(2, '1002');
    const c = sccp(3, '1003');
    const { limits } = callNode([a, b, c], { callMaxPerDevice: 1 });
    b.dial('');
    c.dial('1002');
    await settle();
    expect(c.commands()).toContainEqual({ kind: 'reject', cause: 17 });
    expect(limits.seen.map((s) => s.limit)).toEqual(['callMaxPerDevice']);
  });

  it('frees a device’s place in its calls when a call ends: at a limit of 1 it calls and is called again', async () => {
    const a = sccp(1, '1001');
    const b = sccp(2, '1002');
    const { limits, service } = callNode([a, b], { callMaxPerDevice: 1 });
    for (let round = 0; round < 3; round++) {
      const aLeg = a.dial('1002');
      await settle();
      expect(b.legs).toHaveLength(round + 1);
      expect(b.kinds()).toContain('ring');
      service.send(aLeg, { kind: 'hang-up' });
      expect(service.activeCalls).toBe(0);
    }
    expect(limits.seen).toEqual([]);
  });

  it('refuses a call beyond the node’s limit with reorder and cause 34, counted and logged', () => {
    const a = sccp(1, '1001');
    const b = sccp(2, '1002');
    const { limits, service } = callNode([a, b], { callMaxActive: 1 });
    a.dial('');
    expect(() => b.dial('')).toThrow('cause 34');
    expect(service.counters).toEqual({ started: 2, connected: 0, failed: new Map([[34, 1]]) });
    expect(b.commands({ callId: 0, legId: 0 })).toEqual([
      { kind: 'tone', tone: 'reorder' },
      { kind: 'prompt', prompt: 'temp-fail' },
      { kind: 'reject', cause: 34 },
    ]);
    expect(limits.seen[0]).toMatchObject({ limit: 'callMaxActive', context: { device: b.deviceName } });
    expect(limits.seen[0].message).toContain('--call-max-active');
  });

  it('routes a partial number when T302 expires: unallocated, reorder; # does it at once', async () => {
    const a = sccp(1, '1001');
    const { time, cdrs, service } = callNode([a]);
    const leg = a.dial('10');
    time.advance(14_999);
    expect(a.kinds()).not.toContain('reject');
    time.advance(1);
    expect(a.commands()).toContainEqual({ kind: 'reject', cause: 1 });
    service.send(leg, { kind: 'hang-up' });
    expect(cdrs[0]).toMatchObject({ origCause_value: 1, originalCalledPartyNumber: '10' });

    const hashed = a.dial('10#');
    expect(a.commands(hashed)).toContainEqual({ kind: 'prompt', prompt: 'unknown-number' });
  });

  it('routes 100 after T302 when 1000 also exists, with the configured T302', async () => {
    const a = sccp(1, '1001');
    const b = sccp(2, '100');
    const { time } = callNode([a, b], { callT302Milliseconds: 3000 });
    a.dial('100');
    time.advance(2_999);
    expect(b.legs).toHaveLength(0);
    time.advance(1);
    await settle();
    expect(b.kinds()).toContain('ring');
  });

  it('says a DN that exists but is not registered is absent (cause 20)', async () => {
    const a = sccp(1, '1001');
    callNode([a]);
    a.dial('1004');
    await settle();
    expect(a.commands()).toContainEqual({ kind: 'reject', cause: 20 });
  });

  it('stops the ringing when the caller cancels, and clears the callee', async () => {
    const s = sip(3, '1003');
    const b = sccp(2, '1002');
    const { service, cdrs, time } = callNode([s, b]);
    const sLeg = invite(s, '1002');
    await settle();
    service.send(sLeg, { kind: 'hang-up' });
    expect(b.commands().at(-1)).toEqual({ kind: 'clear', cause: 16 });
    expect(cdrs[0]).toMatchObject({ origCause_value: 16, dateTimeConnect: 0, destDeviceName: b.deviceName });
    expect(time.pending).toBe(0);
  });

  it('clears the ringing after the ring timeout (cause 19), and never when it is 0', async () => {
    const a = sccp(1, '1001');
    const b = sccp(2, '1002');
    const { time } = callNode([a, b], { callRingTimeoutSeconds: 60 });
    a.dial('1002');
    await settle();
    time.advance(60_000);
    expect(a.commands()).toContainEqual({ kind: 'reject', cause: 19 });
    expect(b.commands().at(-1)).toEqual({ kind: 'clear', cause: 19 });

    const c = sccp(3, '1001');
    const d = sccp(4, '1002');
    const forever = callNode([c, d], { callRingTimeoutSeconds: 0 });
    c.dial('1002');
    await settle();
    forever.time.advance(3_600_000);
    expect(c.kinds()).not.toContain('reject');
  });

  it.each(['caller', 'callee'])('clears both phones when the %s hangs up', async (who) => {
    const a = sccp(1, '1001');
    const s = sip(3, '1003');
    const { service, cdrs } = callNode([a, s]);
    const aLeg = a.dial('1003');
    await settle();
    const sLeg = s.legs[0];
    service.send(sLeg, { kind: 'answer', media: sdp('10.0.0.3', 16384) });
    service.send(who === 'caller' ? aLeg : sLeg, { kind: 'hang-up' });
    expect(a.commands(aLeg).at(-1)).toEqual({ kind: 'clear', cause: 16 });
    expect(s.commands(sLeg).at(-1)).toEqual({ kind: 'clear', cause: 16 });
    expect(cdrs[0][who === 'caller' ? 'origCause_value' : 'destCause_value']).toBe(16);
  });

  it('re-points media to the newest address on resume, SCCP hold and SIP hold alike', async () => {
    const a = sccp(1, '1001');
    const s = sip(3, '1003');
    const { service } = callNode([a, s]);
    const aLeg = a.dial('1003');
    await settle();
    const sLeg = s.legs[0];
    service.send(sLeg, { kind: 'answer', media: sdp('10.0.0.3', 16384) });
    expect(s.sendingTo()).toBe(`${a.ip}:20002`);

    service.send(aLeg, { kind: 'hold' });
    expect(a.sendingTo()).toBeNull();
    expect(s.sendingTo()).toBeNull();
    service.send(aLeg, { kind: 'resume' });
    expect(s.sendingTo()).toBe(`${a.ip}:20004`);
    expect(a.sendingTo()).toBe('10.0.0.3:16384');

    service.send(sLeg, {
      kind: 'media',
      media: { ...sdp('10.0.0.3', 16384), direction: 'inactive' },
      offer: true,
    });
    expect(a.sendingTo()).toBeNull();
    service.send(sLeg, { kind: 'media', media: sdp('10.0.0.3', 16390), offer: true });
    expect(a.sendingTo()).toBe('10.0.0.3:16390');
    expect(s.sendingTo()).toBe(`${a.ip}:20006`);
  });

  it('goes on when music on hold fails: the held phone is resumed, the call ends with its CDR', async () => {
    const a = sccp(1, '1001');
    const s = sip(3, '1003');
    const broken = {
      source: { address: '10.0.0.9', port: 30000 },
      start: () => {
        throw new Error('streamer thread is gone');
      },
      stop: () => {
        throw new Error('streamer thread is gone');
      },
    };
    const { service, cdrs } = callNode([a, s], {}, undefined, { music: broken });
    const aLeg = a.dial('1003');
    await settle();
    const sLeg = s.legs[0];
    service.send(sLeg, { kind: 'answer', media: sdp('10.0.0.3', 16384) });
    service.send(aLeg, { kind: 'hold' });
    expect(s.kinds()).toContain('hear-music');
    // The held SIP phone answers the music offer: the service asks the port, which throws.
    service.send(sLeg, { kind: 'media', media: sdp('10.0.0.3', 16386), offer: false });
    service.send(aLeg, { kind: 'resume' });
    expect(a.sendingTo()).toBe('10.0.0.3:16386');
    service.send(aLeg, { kind: 'hang-up' });
    expect(s.commands(sLeg).at(-1)).toEqual({ kind: 'clear', cause: 16 });
    expect(cdrs).toHaveLength(1);
  });

  it('rings every device of a shared line; the first answer wins, the others show it in use', async () => {
    const a = sccp(1, '1001');
    const b1 = sccp(2, '1002');
    const b2 = sip(3, '1002');
    const { service, cdrs } = callNode([a, b1, b2]);
    const aLeg = a.dial('1002');
    await settle();
    expect(b1.kinds()).toContain('ring');
    expect(b2.kinds()).toContain('ring');
    service.send(b2.legs[0], { kind: 'answer', media: sdp('10.0.0.3', 16384) });
    expect(b1.kinds()).toEqual(expect.arrayContaining(['stop-ringing', 'in-use-remotely']));
    expect(a.sendingTo()).toBe('10.0.0.3:16384');
    service.send(b1.legs[0], { kind: 'hang-up' });
    expect(service.activeCalls).toBe(1);
    service.send(aLeg, { kind: 'hang-up' });
    expect(b1.commands().at(-1)).toEqual({ kind: 'clear', cause: 26 });
    expect(cdrs[0].destDeviceName).toBe(b2.deviceName);
  });

  it('answers a ringing call when the phone goes off-hook', async () => {
    const a = sccp(1, '1001');
    const b = sccp(2, '1002');
    const { service } = callNode([a, b]);
    a.dial('1002');
    await settle();
    const result = service.offHook({
      deviceName: b.deviceName,
      line: 1,
      party: { number: '1002', name: '' },
      sink: { send: () => {} },
    });
    expect(result).toEqual({ kind: 'answered', leg: b.legs[0] });
    expect(service.call(result.kind === 'answered' ? result.leg.callId : 0)?.state).toBe('connected');
  });

  it('refuses a callee that shares no codec with the caller (cause 65), never transcoding', async () => {
    const a = sccp(1, '1001', ['G729']);
    const b = sccp(2, '1002', ['PCMU']);
    callNode([a, b]);
    a.dial('1002');
    await settle();
    expect(a.commands()).toContainEqual({ kind: 'reject', cause: 65 });
    expect(b.legs).toHaveLength(0);
  });

  it('ends a call whose callee unregisters mid-call (cause 27)', async () => {
    const a = sccp(1, '1001');
    const b = sccp(2, '1002');
    const { service, cdrs } = callNode([a, b]);
    a.dial('1002');
    await settle();
    service.send(b.legs[0], { kind: 'answer' });
    const before = b.commands().length;
    service.detach(b.deviceName);
    expect(a.commands().at(-1)).toEqual({ kind: 'clear', cause: 27 });
    expect(b.commands()).toHaveLength(before);
    expect(cdrs[0].destCause_value).toBe(27);
  });
});
