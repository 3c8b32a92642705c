import { describe, expect, it } from 'vitest';
import { decodeG711 } from './g711.js';
import { goertzel } from './goertzel.js';
import { MusicStreams } from './music-streams.js';
import type { StreamTarget } from './music-streams.js';
import { readRtpHeader } from './rtp-packet.js';

const tone = (hz: number, samples: number) =>
  Int16Array.from({ length: samples }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 8000)));

function sender() {
  const sent: { packet: Buffer; to: StreamTarget }[] = [];
  return {
    sent,
    send: (parts: Buffer[], to: StreamTarget) => sent.push({ packet: Buffer.concat(parts), to }),
  };
}

describe('MusicStreams', () => {
  it('sends each stream 20 ms frames in its codec: payload type, marker, sequence and +160 timestamps', () => {
    const { sent, send } = sender();
    const streams = new MusicStreams(send, tone(440, 8000));
    streams.start({ leg: 1, to: { address: '127.0.0.1', port: 4000 }, codec: 'PCMU' });
    streams.start({ leg: 2, to: { address: '127.0.0.2', port: 4002 }, codec: 'PCMA' });
    for (let i = 0; i < 3; i++) streams.frame();
    expect(sent).toHaveLength(6);
    const one = sent.filter((s) => s.to.port === 4000).map((s) => s.packet);
    const headers = one.map((p) => readRtpHeader(p)!);
    expect(one.every((p) => p.length === 12 + 160)).toBe(true);
    expect(headers.map((h) => h.payloadType)).toEqual([0, 0, 0]);
    expect(headers.map((h) => h.marker)).toEqual([true, false, false]);
    expect(headers[1].sequence).toBe((headers[0].sequence + 1) & 0xffff);
    expect((headers[2].timestamp - headers[1].timestamp) >>> 0).toBe(160);
    expect(readRtpHeader(sent.find((s) => s.to.port === 4002)!.packet)!.payloadType).toBe(8);
    // The payload is the source's tone.
    const audio = decodeG711(Buffer.concat(one.map((p) => p.subarray(12))), 'ulaw');
    expect(goertzel(audio, 440)).toBeGreaterThan(100 * goertzel(audio, 1000));
  });

  it('loops the audio, and stops a stream on request', () => {
    const { sent, send } = sender();
    const streams = new MusicStreams(send, tone(440, 200)); // 1.25 frames, padded to 2
    streams.start({ leg: 1, to: { address: '127.0.0.1', port: 4000 }, codec: 'PCMU' });
    for (let i = 0; i < 3; i++) streams.frame();
    expect(sent[2].packet.subarray(12)).toEqual(sent[0].packet.subarray(12));
    expect(streams.stop(1)).toBe(true);
    streams.frame();
    expect(sent).toHaveLength(3);
  });

  it('skipped frames move the timestamp on but not the sequence (the phone hears a gap, not a loss)', () => {
    const { sent, send } = sender();
    const streams = new MusicStreams(send, tone(440, 800));
    streams.start({ leg: 1, to: { address: '127.0.0.1', port: 4000 }, codec: 'PCMU' });
    streams.frame();
    streams.skip(2);
    streams.frame();
    const [a, b] = sent.map((s) => readRtpHeader(s.packet)!);
    expect(b.sequence).toBe((a.sequence + 1) & 0xffff);
    expect((b.timestamp - a.timestamp) >>> 0).toBe(480);
    expect(streams.framesSkipped).toBe(2);
  });
});
