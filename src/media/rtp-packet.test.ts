import { describe, expect, it } from 'vitest';
import { readRtpHeader, RTP_HEADER_BYTES, RtpSequencer, writeRtpHeader } from './rtp-packet.js';

describe('RTP packets', () => {
  it('writes version 2, the payload type, the marker, sequence, timestamp and SSRC (RFC 3550 §5.1)', () => {
    const packet = writeRtpHeader(Buffer.alloc(RTP_HEADER_BYTES), {
      payloadType: 8,
      marker: true,
      sequence: 0xfffe,
      timestamp: 0xfffffff0,
      ssrc: 0xdeadbeef,
    });
    expect([...packet]).toEqual([0x80, 0x88, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xf0, 0xde, 0xad, 0xbe, 0xef]);
    expect(readRtpHeader(packet)).toEqual({
      payloadType: 8,
      marker: true,
      sequence: 0xfffe,
      timestamp: 0xfffffff0,
      ssrc: 0xdeadbeef,
    });
  });

  it('marks the first packet only; the sequence wraps at 16 bits and the timestamp adds 160 per 20 ms', () => {
    const sequencer = new RtpSequencer(0, 7, 0xffff, 0xffffff00);
    const headers = [sequencer.next(160), sequencer.next(160), sequencer.next(160)];
    expect(headers.map((h) => h.marker)).toEqual([true, false, false]);
    expect(headers.map((h) => h.sequence)).toEqual([0xffff, 0, 1]);
    expect(headers.map((h) => h.timestamp)).toEqual([0xffffff00, 0xffffffa0, 0x40]);
    sequencer.skip(160);
    expect(sequencer.next(160)).toMatchObject({ sequence: 2, timestamp: 0x40 + 320 });
  });

  it('reads nothing from a packet that is not RTP version 2', () => {
    expect(readRtpHeader(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeNull();
    expect(readRtpHeader(Buffer.from([0x80, 0]))).toBeNull();
  });
});
