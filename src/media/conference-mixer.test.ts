import { describe, expect, it } from 'vitest';
import { ConferenceMixer, mixFrames } from './conference-mixer.js';
import { decodeG711, encodeG711 } from './g711.js';
import { goertzel } from './goertzel.js';
import { readRtpHeader, RTP_HEADER_BYTES, RtpSequencer, writeRtpHeader } from './rtp-packet.js';

const TONES = [440, 770, 1330];
const tone = (hz: number, from: number) =>
  Int16Array.from({ length: 160 }, (_, i) =>
    Math.round(6000 * Math.sin((2 * Math.PI * hz * (from + i)) / 8000)),
  );

function rtpOf(sequencer: RtpSequencer, samples: Int16Array, law: 'ulaw' | 'alaw'): Buffer {
  const packet = Buffer.alloc(RTP_HEADER_BYTES + 160);
  writeRtpHeader(packet, sequencer.next(160));
  packet.set(encodeG711(samples, law), RTP_HEADER_BYTES);
  return packet;
}

describe('the conference mix', () => {
  it('gives each party the others, clipped, never itself', () => {
    const loud = new Int16Array(160).fill(30000);
    const [a, b, c] = mixFrames([loud, loud, new Int16Array(160).fill(-5)]);
    expect(a[0]).toBe(29995);
    expect(b[0]).toBe(29995);
    expect(c[0]).toBe(32767);
    expect(mixFrames([loud, null])[1][0]).toBe(30000);
  });

  it('three parties in G.711: each hears the two other tones and not its own (Goertzel)', () => {
    const mixer = new ConferenceMixer();
    const codecs = ['PCMU', 'PCMA', 'PCMU'] as const;
    codecs.forEach((codec, party) => mixer.join(party, codec, 100 + party));
    const senders = codecs.map((codec) => new RtpSequencer(codec === 'PCMU' ? 0 : 8, 1, 0, 0));
    const heard: Int16Array[][] = [[], [], []];
    for (let frame = 0; frame < 25; frame++) {
      codecs.forEach((codec, party) =>
        expect(
          mixer.receive(
            party,
            rtpOf(senders[party], tone(TONES[party], frame * 160), codec === 'PCMU' ? 'ulaw' : 'alaw'),
          ),
        ).toBe(true),
      );
      for (const [party, packet] of mixer.tick()) {
        expect(readRtpHeader(packet)!.payloadType).toBe(codecs[party] === 'PCMU' ? 0 : 8);
        heard[party].push(
          decodeG711(packet.subarray(RTP_HEADER_BYTES), codecs[party] === 'PCMU' ? 'ulaw' : 'alaw'),
        );
      }
    }
    heard.forEach((frames, party) => {
      const audio = Int16Array.from(frames.flatMap((f) => [...f]));
      const power = TONES.map((hz) => goertzel(audio, hz));
      const others = power.filter((_, i) => i !== party);
      for (const p of others) expect(p).toBeGreaterThan(100 * power[party]);
    });
  });

  it('drops what is not a 20 ms frame in the party’s codec', () => {
    const mixer = new ConferenceMixer();
    mixer.join(1, 'PCMU', 1);
    expect(mixer.receive(1, rtpOf(new RtpSequencer(8, 1, 0, 0), new Int16Array(160), 'alaw'))).toBe(false);
    expect(mixer.receive(2, rtpOf(new RtpSequencer(0, 1, 0, 0), new Int16Array(160), 'ulaw'))).toBe(false);
    expect(mixer.receive(1, Buffer.alloc(20))).toBe(false);
  });
});
