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
import { wavOf } from '../../src/media/audio-source.js';
import { decodeG711 } from '../../src/media/g711.js';
import { goertzel } from '../../src/media/goertzel.js';
import { ADMIN_PASSWORD } from '../support/node.js';
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

  it('reaches a held phone whose connection an SCCP worker process holds (the default)', async () => {
    t = await startTestNode({ config: { sccpWorkers: 1 } });
    const { a, b } = await sccpCall('SEP00AC00000751', 'SEP00AC00000752', '3751', '3752');
    expect(a.calls.hold()).toBe(true);
    const held = await hearsMusic(b);
    expect(held.rtp?.stats.sources[musicSource()].payloadType).toBe(0);
    // The held phone hangs up: the stream ends with the call.
    b.calls.hangUp();
    await eventually(() => t.node.calls.music.streams === 0);
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

const sdpOf = (m: SipMessage) => {
  const result = parseSdp(m.body.toString('utf8'));
  if (!result.ok) throw new Error(`no usable SDP: ${result.reason}`);
  return result.sdp.media;
};

/** A scripted SIP phone with a real RTP socket; it keeps each packet's source, payload type and payload. */
async function sipPhone(mac: string, dn: string) {
  await addSipDevice(t.node, `SEP${mac.toUpperCase()}`, [dn]);
  const phone = await new SipCallPhone(mac, dn, t.node.ports.sip!).open();
  closers.push(() => phone.close());
  expect((await phone.register()).status).toBe(200);
  const rtpIn: { from: string; pt: number; payload: Buffer }[] = [];
  const rtp = dgram.createSocket('udp4');
  rtp.on('message', (packet, peer) =>
    rtpIn.push({ from: `${peer.address}:${peer.port}`, pt: packet[1] & 0x7f, payload: packet.subarray(12) }),
  );
  await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', () => resolve()));
  closers.push(() => rtp.close());
  return { phone, rtpIn, port: rtp.address().port };
}

/** An SCCP phone calls the SIP phone and holds: the SIP phone takes the node's music offer; its first packets of music. */
async function sccpHoldsSip(s: SimSccpPhone, p: Awaited<ReturnType<typeof sipPhone>>) {
  s.calls.dialEnbloc(p.phone.dn);
  const invite = await p.phone.request('INVITE');
  p.phone.respond(invite, 200, 'OK', 'moh-callee', phoneSdp(p.port));
  await p.phone.request('ACK');
  const call = await s.calls.waitFor((c) => c.state === CallStateCode.Connected && c.rtp !== null);
  expect(s.calls.hold()).toBe(true);
  const hold = await p.phone.request('INVITE');
  const offered = sdpOf(hold);
  expect(offered.direction).toBe('sendonly');
  expect(`${offered.address}:${offered.port}`).toBe(musicSource());
  p.phone.respond(hold, 200, 'OK', 'moh-callee', phoneSdp(p.port, { direction: 'recvonly' }));
  await p.phone.request('ACK');
  const music = () => p.rtpIn.filter((r) => r.from === musicSource());
  await eventually(() => music().length >= 25);
  return { call, music: music() };
}

describe('music on hold to a SIP phone', () => {
  it('an SCCP phone holds: the SIP phone is re-INVITEd a=sendonly from the node’s music address and hears the default tone there; resume re-points it to the SCCP phone', async () => {
    t = await startTestNode();
    const s = await sccpCallPhone(t, 'SEP00AC00000731', ['3731'], closers);
    const p = await sipPhone('00ca11000732', '3732');
    const { call, music } = await sccpHoldsSip(s, p);
    expect(music.every((r) => r.pt === 0)).toBe(true);
    // The default tone's first note (C5) is what the held phone hears first.
    const heard = decodeG711(Buffer.concat(music.slice(0, 10).map((r) => r.payload)), 'ulaw');
    expect(goertzel(heard, 523.25)).toBeGreaterThan(10 * goertzel(heard, 1000));

    expect(s.calls.resume()).toBe(true);
    const resume = await p.phone.request('INVITE');
    const resumed = await s.calls.waitFor((c) => c.callReference === call.callReference && c.rtp !== null);
    expect(sdpOf(resume)).toMatchObject({
      address: '127.0.0.1',
      port: resumed.rtp!.port,
      direction: 'sendrecv',
    });
    p.phone.respond(resume, 200, 'OK', 'moh-callee', phoneSdp(p.port));
    await p.phone.request('ACK');
    await eventually(() => p.rtpIn.some((r) => r.from === `127.0.0.1:${resumed.rtp!.port}`));
    await eventually(() => t.node.calls.music.streams === 0);
  });
});

describe('Media Resources > Music On Hold Audio Source', () => {
  const upload = async (file: Buffer, name = 'music.wav') => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file)], { type: 'audio/wav' }), name);
    const response = await fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1/moh/audio-source`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`,
      },
      body: form,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('an uploaded WAV file is what the next held phone hears; a file it cannot play is refused naming the rule', async () => {
    t = await startTestNode();
    expect((await t.api.get('/moh')).body).toMatchObject({
      audioSource: { kind: 'default-tone', uploadedAt: null },
      streams: 0,
      maxStreams: 1000,
      source: { address: '127.0.0.1', port: t.node.calls.music.source!.port },
    });
    const cd = (hz: number, rate = 8000) =>
      Int16Array.from({ length: rate }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * hz * i) / rate)));
    const refused = await upload(wavOf(cd(1000, 44100), 1, 44100), 'cd.wav');
    expect(refused).toMatchObject({ status: 400, body: { field: 'file' } });
    expect(refused.body.message).toContain(
      'cd.wav: the WAV file is sampled at 44100 Hz: it must be 8000 Hz mono',
    );
    expect((await upload(Buffer.from('ID3 not a wav'), 'song.mp3')).body.message).toContain(
      'must be a WAV file',
    );

    const stored = await upload(wavOf(cd(1000)));
    expect(stored).toMatchObject({ status: 200, body: { audioSource: { kind: 'uploaded', seconds: 1 } } });
    const s = await sccpCallPhone(t, 'SEP00AC00000741', ['3741'], closers);
    const p = await sipPhone('00ca11000742', '3742');
    const { music } = await sccpHoldsSip(s, p);
    const heard = decodeG711(Buffer.concat(music.slice(0, 10).map((r) => r.payload)), 'ulaw');
    expect(goertzel(heard, 1000)).toBeGreaterThan(100 * goertzel(heard, 523.25));

    // Removing it brings back the default tone.
    expect((await t.api.delete('/moh/audio-source')).body).toMatchObject({
      audioSource: { kind: 'default-tone' },
    });
  });
});
