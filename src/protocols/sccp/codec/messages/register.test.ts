import { describe, expect, it } from 'vitest';
import { decodeRegister, encodeRegister, type Register } from './register.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ascii = (s: string, size: number): string =>
  Buffer.from(s.padEnd(size, '\0'), 'latin1').toString('hex');

/** A 7940 on SCCP 8.x: 68-byte body, protocol 0x0B (reference §3.1, §5). */
const REGISTER_7940 = hex(`
  ${ascii('SEP001122334455', 16)}
  00000000 01000000 c0a80924 08000000 05000000
  00000000 0b 00 0000 00000000
  ${'00'.repeat(20)}
`);

/** A 7941 on 8.5: full 124-byte body with MAC and load name (reference §3.1). */
const REGISTER_7941 = hex(`
  ${ascii('SEP001B535CD3D6', 16)}
  00000000 01000000 0a000064 73000000 03000000
  00000000 11 00 9080 01000000
  00000000 001b535cd3d6 000000000000 00000000 02000000
  ${'00'.repeat(16)} 00000000
  ${ascii('SCCP41.8-5-3S', 32)}
`);

describe('Register (reference §3.1)', () => {
  it('encodes a 68-byte 7940 body byte for byte', () => {
    expect(REGISTER_7940).toHaveLength(68);
    const body = encodeRegister({
      deviceName: 'SEP001122334455',
      stationIpAddr: '192.168.9.36',
      deviceType: 8,
      maxStreams: 5,
      protocolVersion: 0x0b,
      bodySize: 68,
    });
    expect(body.toString('hex')).toBe(REGISTER_7940.toString('hex'));
  });

  it('decodes a 68-byte 7940 body', () => {
    expect(decodeRegister(REGISTER_7940)).toEqual<Register>({
      type: 'Register',
      deviceName: 'SEP001122334455',
      userId: 0,
      instance: 1,
      stationIpAddr: '192.168.9.36',
      deviceType: 8,
      maxStreams: 5,
      activeStreams: 0,
      protocolVersion: 0x0b,
      featureByte: 0,
      phoneFeatures: 0,
      maxConferences: 0,
      activeConferences: 0,
      ipV4AddressScope: 0,
      maxNumberOfLines: 0,
      ipV6AddressScope: 0,
      bodySize: 68,
    });
  });

  it('decodes and re-encodes a 124-byte 7941 body identically', () => {
    expect(REGISTER_7941).toHaveLength(124);
    const msg = decodeRegister(REGISTER_7941);
    expect(msg).toMatchObject({
      deviceName: 'SEP001B535CD3D6',
      stationIpAddr: '10.0.0.100',
      deviceType: 115,
      maxStreams: 3,
      protocolVersion: 0x11,
      phoneFeatures: 0x8090,
      maxConferences: 1,
      macAddress: '001B535CD3D6',
      maxNumberOfLines: 2,
      loadInfo: 'SCCP41.8-5-3S',
      bodySize: 124,
    });
    expect(encodeRegister(msg).toString('hex')).toBe(REGISTER_7941.toString('hex'));
  });

  it('round-trips the 68-byte body through decode and encode', () => {
    expect(encodeRegister(decodeRegister(REGISTER_7940))).toEqual(REGISTER_7940);
  });

  it('zero-fills a 36-byte body: no protocol version, MAC or load', () => {
    const msg = decodeRegister(REGISTER_7941.subarray(0, 36));
    expect(msg).toMatchObject({
      deviceName: 'SEP001B535CD3D6',
      deviceType: 115,
      maxStreams: 3,
      bodySize: 36,
    });
    expect(msg.protocolVersion).toBe(0);
    expect(msg.macAddress).toBeUndefined();
    expect(msg.loadInfo).toBeUndefined();
  });

  it('reads the protocol byte of a 44-byte body (7936, protocol 4)', () => {
    const body = encodeRegister({
      deviceName: 'SEP0004F2000001',
      stationIpAddr: '10.1.1.1',
      deviceType: 30019,
      protocolVersion: 4,
      bodySize: 44,
    });
    expect(body).toHaveLength(44);
    expect(body[40]).toBe(4);
    expect(decodeRegister(body)).toMatchObject({ deviceType: 30019, protocolVersion: 4, bodySize: 44 });
  });

  it('ignores bytes past 124 (configVersionStamp of newer firmware)', () => {
    const longer = Buffer.concat([REGISTER_7941, Buffer.alloc(48, 0x31)]);
    expect({ ...decodeRegister(longer), bodySize: 124 }).toEqual(decodeRegister(REGISTER_7941));
  });

  it('never throws on a truncated body', () => {
    for (let size = 0; size < 124; size++) {
      expect(() => decodeRegister(REGISTER_7941.subarray(0, size))).not.toThrow();
    }
    expect(decodeRegister(Buffer.alloc(0))).toMatchObject({ deviceName: '', stationIpAddr: '0.0.0.0' });
  });

  it('reads a MAC sent as 12 ASCII hex characters (6961)', () => {
    const body = Buffer.from(REGISTER_7941);
    body.write('0022905abcde', 52, 'latin1');
    expect(decodeRegister(body).macAddress).toBe('0022905ABCDE');
  });

  it('writes the station IP in network order and the integers little-endian', () => {
    const body = encodeRegister({
      deviceName: 'SEPAABBCCDDEEFF',
      stationIpAddr: '192.168.9.36',
      deviceType: 0x194,
    });
    expect(body.subarray(24, 32).toString('hex')).toBe('c0a8092494010000');
    expect(body).toHaveLength(124);
  });

  it('accepts a MAC with separators and refuses a malformed one', () => {
    const base = { deviceName: 'SEP001B535CD3D6', stationIpAddr: '10.0.0.1', deviceType: 115 };
    expect(
      encodeRegister({ ...base, macAddress: '00:1b:53:5c:d3:d6' })
        .subarray(52, 58)
        .toString('hex'),
    ).toBe('001b535cd3d6');
    expect(() => encodeRegister({ ...base, macAddress: '00:1b' })).toThrow(RangeError);
  });
});
