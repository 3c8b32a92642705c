import { describe, expect, it } from 'vitest';
import { decodePacket, encodePacket } from './packets.js';
import type { TftpPacket } from './packets.js';

/** Builds a buffer from numbers (bytes) and strings (ASCII), so expectations read like the RFC diagrams. */
function bytes(...parts: Array<number | string>): Buffer {
  return Buffer.concat(
    parts.map((part) => (typeof part === 'number' ? Buffer.from([part]) : Buffer.from(part))),
  );
}

function decoded(datagram: Buffer): TftpPacket {
  const result = decodePacket(datagram);
  if (!result.ok) throw new Error(`expected a packet, got ${result.error.reason}: ${result.error.detail}`);
  return result.packet;
}

function decodeError(datagram: Buffer): string {
  const result = decodePacket(datagram);
  if (result.ok) throw new Error(`expected a decode error, got ${result.packet.type}`);
  return result.error.reason;
}

describe('encodePacket', () => {
  it('encodes RRQ and WRQ with options in order', () => {
    const options = new Map([
      ['blksize', '1428'],
      ['tsize', '0'],
    ]);
    expect(
      encodePacket({ type: 'rrq', fileName: 'SEP001122334455.cnf.xml', mode: 'octet', options }),
    ).toEqual(
      bytes(0, 1, 'SEP001122334455.cnf.xml', 0, 'octet', 0, 'blksize', 0, '1428', 0, 'tsize', 0, '0', 0),
    );
    expect(encodePacket({ type: 'wrq', fileName: 'a', mode: 'netascii', options: new Map() })).toEqual(
      bytes(0, 2, 'a', 0, 'netascii', 0),
    );
  });

  it('encodes DATA, ACK, ERROR and OACK byte for byte', () => {
    expect(encodePacket({ type: 'data', block: 0x0102, data: Buffer.from('hi') })).toEqual(
      bytes(0, 3, 1, 2, 'hi'),
    );
    expect(encodePacket({ type: 'data', block: 65535, data: Buffer.alloc(0) })).toEqual(
      bytes(0, 3, 0xff, 0xff),
    );
    expect(encodePacket({ type: 'ack', block: 0 })).toEqual(bytes(0, 4, 0, 0));
    expect(encodePacket({ type: 'ack', block: 258 })).toEqual(bytes(0, 4, 1, 2));
    expect(encodePacket({ type: 'error', code: 1, message: 'File not found' })).toEqual(
      bytes(0, 5, 0, 1, 'File not found', 0),
    );
    expect(encodePacket({ type: 'oack', options: new Map([['tsize', '3000000']]) })).toEqual(
      bytes(0, 6, 'tsize', 0, '3000000', 0),
    );
  });

  it('refuses block numbers that do not fit 16 bits', () => {
    expect(() => encodePacket({ type: 'ack', block: 65536 })).toThrow(RangeError);
    expect(() => encodePacket({ type: 'data', block: -1, data: Buffer.alloc(0) })).toThrow(RangeError);
    expect(() => encodePacket({ type: 'ack', block: 1.5 })).toThrow(RangeError);
  });
});

describe('decodePacket', () => {
  it('round-trips every packet type', () => {
    const packets: TftpPacket[] = [
      { type: 'rrq', fileName: 'XMLDefault.cnf.xml', mode: 'octet', options: new Map([['blksize', '1468']]) },
      { type: 'wrq', fileName: 'upload.bin', mode: 'octet', options: new Map() },
      { type: 'data', block: 7, data: Buffer.from([0, 1, 2, 255]) },
      { type: 'ack', block: 65535 },
      { type: 'error', code: 5, message: 'Unknown transfer ID' },
      { type: 'oack', options: new Map([['blksize', '1428']]) },
    ];
    for (const packet of packets) expect(decoded(encodePacket(packet))).toEqual(packet);
  });

  it('reads modes and option names case-insensitively, keeps values, first duplicate wins', () => {
    const packet = decoded(
      bytes(0, 1, 'File.TXT', 0, 'OcTeT', 0, 'BLKSIZE', 0, '1024', 0, 'blksize', 0, '8', 0),
    );
    expect(packet).toEqual({
      type: 'rrq',
      fileName: 'File.TXT',
      mode: 'octet',
      options: new Map([['blksize', '1024']]),
    });
  });

  it('ignores an option without a value and a trailing unterminated field', () => {
    const packet = decoded(bytes(0, 1, 'f', 0, 'octet', 0, 'tsize', 0, '0', 0, 'blksize', 0, '14'));
    expect(packet).toMatchObject({ options: new Map([['tsize', '0']]) });
  });

  it('keeps a NUL inside the file name instead of mistaking the name tail for the mode', () => {
    const packet = decoded(bytes(0, 1, 'passwd', 0, '../../etc', 0, 'octet', 0));
    expect(packet).toMatchObject({ type: 'rrq', fileName: 'passwd\0../../etc', mode: 'octet' });
  });

  it('decodes UTF-8 names', () => {
    const name = 'zé.txt';
    expect(decoded(Buffer.concat([bytes(0, 1), Buffer.from(name), bytes(0, 'octet', 0)]))).toMatchObject({
      fileName: name,
    });
  });

  it('reports malformed datagrams as typed errors', () => {
    expect(decodeError(Buffer.alloc(0))).toBe('too-short');
    expect(decodeError(bytes(0))).toBe('too-short');
    expect(decodeError(bytes(0, 9, 'x'))).toBe('unknown-opcode');
    expect(decodeError(bytes(0, 0))).toBe('unknown-opcode');
    expect(decodeError(bytes(0, 1))).toBe('unterminated-field');
    expect(decodeError(bytes(0, 1, 'name-without-terminator'))).toBe('unterminated-field');
    expect(decodeError(bytes(0, 1, 'name', 0))).toBe('missing-mode');
    expect(decodeError(bytes(0, 1, 'name', 0, 'octet'))).toBe('missing-mode');
    expect(decodeError(bytes(0, 1, 'name', 0, 'binary', 0))).toBe('unknown-mode');
    expect(decodeError(bytes(0, 3, 1))).toBe('too-short');
    expect(decodeError(bytes(0, 4))).toBe('too-short');
    expect(decodeError(bytes(0, 5, 0))).toBe('too-short');
  });

  it('is lenient with an ERROR whose message lacks its terminator', () => {
    expect(decoded(bytes(0, 5, 0, 3, 'disk full'))).toEqual({ type: 'error', code: 3, message: 'disk full' });
    expect(decoded(bytes(0, 5, 0, 0))).toEqual({ type: 'error', code: 0, message: '' });
  });

  it('never throws on random input', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 5000; i++) {
      const datagram = Buffer.alloc(random() % 64);
      for (let j = 0; j < datagram.length; j++) datagram[j] = random() % 8 === 0 ? 0 : random() & 0xff;
      if (datagram.length >= 2 && i % 2 === 0) datagram.writeUInt16BE(1 + (random() % 6), 0);
      expect(() => decodePacket(datagram)).not.toThrow();
    }
  });
});
