import { describe, expect, it } from 'vitest';
import { inSubnet, parseIp, parseSubnet, subnetProblem } from './subnet.js';

describe('subnets', () => {
  it('reads IPv4 and IPv6 subnets', () => {
    expect(subnetProblem('10.1.0.0/16')).toBeNull();
    expect(subnetProblem('0.0.0.0/0')).toBeNull();
    expect(subnetProblem('192.168.1.7/32')).toBeNull();
    expect(subnetProblem('2001:db8::/32')).toBeNull();
    expect(subnetProblem('::1/128')).toBeNull();
    expect(subnetProblem('fe80::/10')).toBeNull();
  });

  it('refuses what is not a subnet, saying which rule', () => {
    expect(subnetProblem('10.1.0.0')).toContain('write an address, "/" and a prefix length');
    expect(subnetProblem('10.1.0.256/24')).toContain('not an IPv4 or IPv6 address');
    expect(subnetProblem('10.1.0.0/33')).toContain('prefix length of an IPv4 subnet is 0–32');
    expect(subnetProblem('2001:db8::/129')).toContain('prefix length of an IPv6 subnet is 0–128');
    expect(subnetProblem('10.1.2.3/16')).toBe(
      '"10.1.2.3/16" has host bits set: the subnet of that prefix is 10.1.0.0/16',
    );
    expect(subnetProblem('2001:db8::1/32')).toContain('2001:db8::/32');
    expect(subnetProblem('010.1.0.0/16')).toContain('not an IPv4 or IPv6 address');
    expect(subnetProblem('1:2:3:4:5:6:7:8:9/64')).toContain('not an IPv4 or IPv6 address');
  });

  it('tells whether an address is in a subnet', () => {
    const lan = parseSubnet('10.1.0.0/16');
    expect(inSubnet('10.1.200.3', lan)).toBe(true);
    expect(inSubnet('10.2.0.1', lan)).toBe(false);
    expect(inSubnet('::ffff:10.1.0.9', lan)).toBe(true);
    expect(inSubnet('2001:db8::1', lan)).toBe(false);
    expect(inSubnet('not an address', lan)).toBe(false);
    const v6 = parseSubnet('2001:db8:aa::/48');
    expect(inSubnet('2001:db8:aa:1::5', v6)).toBe(true);
    expect(inSubnet('2001:db8:ab::5', v6)).toBe(false);
    expect(inSubnet('127.0.0.1', parseSubnet('0.0.0.0/0'))).toBe(true);
  });

  it('reads IPv6 in all its forms', () => {
    expect(parseIp('::')?.value).toBe(0n);
    expect(parseIp('::ffff:1.2.3.4')?.value).toBe(0xffff01020304n);
    expect(parseIp('fe80::1%eth0')).toEqual({ family: 6, value: (0xfe80n << 112n) | 1n });
    expect(parseIp('1::2::3')).toBeNull();
  });
});
