/**
 * Music on hold through a real node (issue #15): a phone holds, the other phone hears RTP that the
 * node streams from its music address in the call's codec — an SCCP held phone on a fresh receive
 * channel, a SIP held phone after a re-INVITE a=sendonly from the node — until the holder resumes
 * and the phones hear each other again. Beyond --moh-max-streams a held phone hears silence, and the
 * refusal is logged and counted.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { CallStateCode } from '../../src/protocols/sccp/codec/index.js';
import { parseSdp } from '../../src/protocols/sip/calls/sdp.js';
import type { SipMessage } from '../../src/protocols/sip/message.js';
import type { SimCall } from '../../src/sim/sccp-calls.js';
import { musicOnHold } from '../../src/sim/screen.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { sccpCallPhone } from '../support/sccp-call-phones.js';
import type { SimSccpPhone } from '../support/sccp-call-phones.js';
import { SipCallPhone, addSipDevice, phoneSdp } from '../support/sip-call-phone.js';

let t: TestNode;
const closers: Array<() => void> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await t.destroy();
});

/** The node's music address as phones are told it. */
function musicSource(): string {
  const source = t.node.calls.music.source;
  if (!source) throw new Error('the node serves no music on hold');
  return `${source.address}:${source.port}`;
}

/** Packets `call` received from `source` on its current receive channel. */
const packetsFrom = (call: SimCall, source: string) => call.rtp?.stats.sources[source]?.packets ?? 0;

/** A (SCCP) calls B (SCCP, RTP on 127.0.0.2) and both talk. */
async function sccpCall(aName: string, bName: string, aDn: string, bDn: string) {
  const a = await sccpCallPhone(t, aName, [aDn], closers);
  const b = await sccpCallPhone(t, bName, [bDn], closers, { autoAnswer: true, rtpAddress: '127.0.0.2' });
  a.calls.dialEnbloc(bDn);
  const aCall = await a.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
  const bCall = await b.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
  await eventually(() => (aCall.rtp?.stats.received ?? 0) >= 3 && (bCall.rtp?.stats.received ?? 0) >= 3);
  return { a, b };
}

/** The held phone's current call, once RTP from the node's music address arrives on it. */
async function hearsMusic(b: SimSccpPhone, packets = 10): Promise<SimCall> {
  const source = musicSource();
  const call = await b.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
  await eventually(() => packetsFrom(call, source) >= packets).catch((error: Error) => {
    throw new Error(
      `${error.message}: the held phone got ${JSON.stringify(call.rtp?.stats)}, not music from ${source}`,
    );
  });
  return call;
}

describe('music on hold to an SCCP phone', () => {
  it('the held phone hears the node in the call codec; on resume the music stops and the phones hear each other', async () => {
    t = await startTestNode();
    const { a, b } = await sccpCall('SEP00AC00000701', 'SEP00AC00000702', '3701', '3702');
    expect(a.calls.hold()).toBe(true);
    await a.calls.waitFor((c) => c.state === CallStateCode.Hold && c.rtp === null);
    const held = await hearsMusic(b);
    const source = musicSource();
    expect(held.rtp?.stats.sources[source].payloadType).toBe(0); // PCMU, the call's codec
    // The held phone sends nothing: its transmit stays stopped.
    expect(held.rtp?.stats.sendingTo).toBeNull();
    // The simulator's screen says so.
    expect(musicOnHold(held.rtp!.stats)).toMatch(new RegExp(`^${source} \\(PCMU, \\d+ packets\\)$`));
    expect(t.node.calls.music.streams).toBe(1);

    expect(a.calls.resume()).toBe(true);
    const resumed = await a.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
    const fromA = `127.0.0.1:${resumed.rtp!.port}`;
    const bCall = b.calls.active()!;
    await eventually(() => packetsFrom(bCall, fromA) >= 10);
    const musicHeard = packetsFrom(bCall, source);
    await eventually(() => packetsFrom(bCall, fromA) >= 35);
    expect(packetsFrom(bCall, source)).toBe(musicHeard);
    expect(t.node.calls.music.streams).toBe(0);
    expect(bCall.rtp?.stats.sendingTo).toBe(fromA);
    expect(musicOnHold(bCall.rtp!.stats)).toBeNull();

    a.calls.hangUp();
    await b.calls.waitFor((c) => c.state === CallStateCode.OnHook);
  });

  it('streams A-law to a phone held in a G.711 A-law call', async () => {
    t = await startTestNode();
    const alaw = [{ payloadCapability: 2, maxFramesPerPacket: 1 }]; // Media_Payload_G711Alaw64k
    const a = await sccpCallPhone(t, 'SEP00AC00000711', ['3711'], closers, { capabilities: alaw });
    const b = await sccpCallPhone(t, 'SEP00AC00000712', ['3712'], closers, {
      autoAnswer: true,
      rtpAddress: '127.0.0.2',
    });
    a.calls.dialEnbloc('3712');
    await b.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
    await a.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
    expect(b.calls.hold()).toBe(true);
    const held = await hearsMusic(a, 5);
    expect(held.rtp?.stats.sources[musicSource()].payloadType).toBe(8);
    // The held phone hangs up: the stream ends with the call.
    a.calls.hangUp();
    await eventually(() => t.node.calls.music.streams === 0);
  });

  it('beyond --moh-max-streams a held phone hears silence; the refusal is logged and counted', async () => {
    t = await startTestNode({ config: { mohMaxStreams: 1 } });
    const first = await sccpCall('SEP00AC00000721', 'SEP00AC00000722', '3721', '3722');
    const second = await sccpCall('SEP00AC00000723', 'SEP00AC00000724', '3723', '3724');
    first.a.calls.hold();
    const playing = await hearsMusic(first.b);
    second.a.calls.hold();
    await eventually(() => t.node.limits.totals().get('mohMaxStreams') === 1);
    const silent = await second.b.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
    const heard = packetsFrom(playing, musicSource());
    await eventually(() => packetsFrom(playing, musicSource()) >= heard + 25);
    expect(silent.rtp?.stats.received).toBe(0);
    expect(t.node.calls.music.streams).toBe(1);
    const line = t.logs.find((l) => l.limit === 'mohMaxStreams');
    expect(line?.msg).toContain('SEP00AC00000724 is held but hears silence');
    expect(line?.msg).toContain('--moh-max-streams');
    // The first held phone is resumed: its stream is free for the next one held.
    first.a.calls.resume();
    await eventually(() => t.node.calls.music.streams === 0);
  });
});

describe('music on hold to a SIP phone', () => {
  const sdpOf = (m: SipMessage) => {
    const result = parseSdp(m.body.toString('utf8'));
    if (!result.ok) throw new Error(`no usable SDP: ${result.reason}`);
    return result.sdp.media;
  };

  it('an SCCP phone holds: the SIP phone is re-INVITEd a=sendonly from the node’s music address and RTP arrives there; resume re-points it to the SCCP phone', async () => {
    t = await startTestNode();
    const s = await sccpCallPhone(t, 'SEP00AC00000731', ['3731'], closers);
    await addSipDevice(t.node, 'SEP00CA11000732', ['3732']);
    const p = await new SipCallPhone('00ca11000732', '3732', t.node.ports.sip!).open();
    closers.push(() => p.close());
    expect((await p.register()).status).toBe(200);
    const rtpIn: { from: string; pt: number }[] = [];
    const rtp = dgram.createSocket('udp4');
    rtp.on('message', (packet, peer) =>
      rtpIn.push({ from: `${peer.address}:${peer.port}`, pt: packet[1] & 0x7f }),
    );
    await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', () => resolve()));
    closers.push(() => rtp.close());
    const port = rtp.address().port;

    s.calls.dialEnbloc('3732');
    const invite = await p.request('INVITE');
    p.respond(invite, 200, 'OK', 'moh-callee', phoneSdp(port));
    await p.request('ACK');
    const call = await s.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);

    expect(s.calls.hold()).toBe(true);
    const hold = await p.request('INVITE');
    const offered = sdpOf(hold);
    expect(offered.direction).toBe('sendonly');
    expect(`${offered.address}:${offered.port}`).toBe(musicSource());
    p.respond(hold, 200, 'OK', 'moh-callee', phoneSdp(port, { direction: 'recvonly' }));
    await p.request('ACK');
    await eventually(() => rtpIn.filter((r) => r.from === musicSource() && r.pt === 0).length >= 10);

    expect(s.calls.resume()).toBe(true);
    const resume = await p.request('INVITE');
    const resumed = await s.calls.waitFor((c) => c.callReference === call.callReference && c.rtp !== null);
    expect(sdpOf(resume)).toMatchObject({
      address: '127.0.0.1',
      port: resumed.rtp!.port,
      direction: 'sendrecv',
    });
    p.respond(resume, 200, 'OK', 'moh-callee', phoneSdp(port));
    await p.request('ACK');
    await eventually(() => rtpIn.some((r) => r.from === `127.0.0.1:${resumed.rtp!.port}`));
    await eventually(() => t.node.calls.music.streams === 0);
  });
});
