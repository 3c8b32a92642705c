import { describe, expect, it } from 'vitest';
import { readIpv4, readIpv6, writeIpv4 } from './ip-address.js';

describe('IP addresses', () => {
  it('writes IPv4 in network order (reference §1: 192.168.9.36 = c0 a8 09 24)', () => {
    const buf = Buffer.alloc(4);
    writeIpv4(buf, 0, '192.168.9.36');
    expect(buf.toString('hex')).toBe('c0a80924');
    expect(readIpv4(buf, 0)).toBe('192.168.9.36');
  });

  it('refuses what is not a dotted quad', () => {
    for (const bad of ['1.2.3', '1.2.3.256', 'a.b.c.d', '', '1.2.3.4.5', '::1']) {
      expect(() => writeIpv4(Buffer.alloc(4), 0, bad)).toThrow(RangeError);
    }
  });

  it('reads IPv6 as full hex groups', () => {
    const buf = Buffer.from('20010db8000000000000000000000001', 'hex');
    expect(readIpv6(buf, 0)).toBe('2001:db8:0:0:0:0:0:1');
  });
});
