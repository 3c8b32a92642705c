import { describe, expect, it } from 'vitest';
import { encodeFrame, SccpFrameReader, SccpFramingError, type SccpFrame } from './frame.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function framingError(fn: () => unknown): SccpFramingError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SccpFramingError) return err;
    throw err;
  }
  throw new Error('expected a SccpFramingError');
}

describe('encodeFrame', () => {
  it('encodes KeepAlive as 12 bytes with length 4 (reference §1 example)', () => {
    expect(encodeFrame(0x0000, Buffer.alloc(0))).toEqual(hex('04000000 00000000 00000000'));
  });

  it('writes length, header version and message id little-endian', () => {
    const frame = encodeFrame(0x0006, hex('01000000 00000000'), 0x16);
    expect(frame).toEqual(hex('0c000000 16000000 06000000 01000000 00000000'));
  });

  it('pads the body with zeros to a multiple of 4 and counts the pad in length', () => {
    const frame = encodeFrame(0x0099, Buffer.from('abcde', 'latin1'));
    expect(frame.length).toBe(12 + 8);
    expect(frame.readUInt32LE(0)).toBe(4 + 8);
    expect(frame.subarray(12)).toEqual(hex('6162636465 000000'));
  });

  it('refuses header versions that Wireshark would not dissect (0x0C–0x0E)', () => {
    expect(() => encodeFrame(0, Buffer.alloc(0), 0x0c)).toThrow(RangeError);
    expect(() => encodeFrame(0, Buffer.alloc(0), 0x0b)).not.toThrow();
  });
});

describe('SccpFrameReader', () => {
  const a = encodeFrame(0x0000, Buffer.alloc(0));
  const b = encodeFrame(0x0001, Buffer.alloc(68, 0x41), 0);
  const c = encodeFrame(0x0100, Buffer.alloc(0), 0x11);
  const d = encodeFrame(0x0092, Buffer.alloc(112, 0x33), 0x0b);
  const stream = Buffer.concat([a, b, c, d]);

  const expected: SccpFrame[] = [
    { headerVersion: 0, messageId: 0x0000, body: Buffer.alloc(0) },
    { headerVersion: 0, messageId: 0x0001, body: Buffer.alloc(68, 0x41) },
    { headerVersion: 0x11, messageId: 0x0100, body: Buffer.alloc(0) },
    { headerVersion: 0x0b, messageId: 0x0092, body: Buffer.alloc(112, 0x33) },
  ];

  it('splits many frames out of one chunk', () => {
    expect(new SccpFrameReader().push(stream)).toEqual(expected);
  });

  it('reassembles frames fed one byte at a time', () => {
    const reader = new SccpFrameReader();
    const frames: SccpFrame[] = [];
    for (let i = 0; i < stream.length; i++) frames.push(...reader.push(stream.subarray(i, i + 1)));
    expect(frames).toEqual(expected);
    expect(reader.bufferedBytes).toBe(0);
  });

  it('reassembles at every split point of two chunks', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const reader = new SccpFrameReader();
      const frames = [...reader.push(stream.subarray(0, cut)), ...reader.push(stream.subarray(cut))];
      expect(frames).toEqual(expected);
    }
  });

  it('returns bodies that alias the pushed chunk (no copy)', () => {
    const [, register] = new SccpFrameReader().push(stream);
    expect(register.body.buffer).toBe(stream.buffer);
    expect(register.body.byteOffset).toBe(stream.byteOffset + a.length + 12);
  });

  it('keeps an incomplete tail and completes it with the next chunk', () => {
    const reader = new SccpFrameReader();
    expect(reader.push(Buffer.concat([a, b.subarray(0, 20)]))).toHaveLength(1);
    expect(reader.bufferedBytes).toBe(20);
    expect(reader.push(b.subarray(20))).toEqual([expected[1]]);
  });

  it('handles a long stream of tiny chunks', () => {
    const many = Buffer.concat(Array.from({ length: 2000 }, () => b));
    const reader = new SccpFrameReader();
    let count = 0;
    for (let i = 0; i < many.length; i += 3) count += reader.push(many.subarray(i, i + 3)).length;
    expect(count).toBe(2000);
  });

  it("rejects a length below 4 with code 'length-too-small'", () => {
    const err = framingError(() => new SccpFrameReader().push(hex('03000000 00000000 00000000')));
    expect(err.code).toBe('length-too-small');
  });

  it('detects a bad length as soon as the header arrives, even byte by byte', () => {
    const reader = new SccpFrameReader();
    const bytes = hex('00000000 00000000');
    for (let i = 0; i < 7; i++) expect(reader.push(bytes.subarray(i, i + 1))).toEqual([]);
    expect(framingError(() => reader.push(bytes.subarray(7))).code).toBe('length-too-small');
  });

  it("rejects frames above the cap with code 'frame-too-large' before their body arrives", () => {
    const header = Buffer.alloc(12);
    header.writeUInt32LE(4096 - 8 + 1, 0); // whole frame 4097 bytes
    expect(framingError(() => new SccpFrameReader().push(header)).code).toBe('frame-too-large');

    header.writeUInt32LE(4096 - 8, 0); // exactly 4096: accepted, waits for the body
    expect(new SccpFrameReader().push(header)).toEqual([]);
  });

  it('honours maxFrameBytes', () => {
    const reader = new SccpFrameReader({ maxFrameBytes: 64 });
    expect(framingError(() => reader.push(b)).code).toBe('frame-too-large');
  });

  it('stays failed after a framing error', () => {
    const reader = new SccpFrameReader();
    const first = framingError(() => reader.push(hex('01000000 00000000')));
    expect(framingError(() => reader.push(a))).toBe(first);
  });
});
