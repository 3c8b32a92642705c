import { describe, expect, it } from 'vitest';
import { decodeServerRes, encodeServerRes } from './server-res.js';

const str = (s: string, size: number): string => Buffer.from(s.padEnd(size, '\0'), 'latin1').toString('hex');

describe('ServerRes (reference §3.11)', () => {
  const servers = [
    { name: 'cucm1', port: 2000, ipAddress: '10.0.0.1' },
    { name: 'cucm2', port: 2000, ipAddress: '10.0.0.2' },
  ];
  const empty = { name: '', port: 0, ipAddress: '0.0.0.0' };

  it('encodes the 280-byte form: names, ports, IPv4 in network order', () => {
    const body = encodeServerRes({ servers });
    expect(body).toHaveLength(280);
    expect(body.subarray(0, 96).toString('hex')).toBe(str('cucm1', 48) + str('cucm2', 48));
    expect(body.subarray(240, 260).toString('hex')).toBe('d0070000' + 'd0070000' + '00'.repeat(12));
    expect(body.subarray(260, 280).toString('hex')).toBe('0a000001' + '0a000002' + '00'.repeat(12));
    expect(decodeServerRes(body)).toEqual({
      type: 'ServerRes',
      servers: [...servers, empty, empty, empty],
      bodySize: 280,
    });
  });

  it('encodes the 360-byte form (protocol ≥ 17) with {u32 ipv46, u8[16]} addresses', () => {
    const body = encodeServerRes({ servers, bodySize: 360 });
    expect(body).toHaveLength(360);
    expect(body.subarray(260, 300).toString('hex')).toBe(
      '00000000' + '0a000001' + '00'.repeat(12) + '00000000' + '0a000002' + '00'.repeat(12),
    );
    expect(decodeServerRes(body)).toEqual({
      type: 'ServerRes',
      servers: [...servers, empty, empty, empty],
      bodySize: 360,
    });
  });

  it('decodes an IPv6 entry', () => {
    const body = encodeServerRes({ servers, bodySize: 360 });
    body.writeUInt32LE(1, 260);
    Buffer.from('fd000000000000000000000000000001', 'hex').copy(body, 264);
    expect(decodeServerRes(body).servers[0].ipAddress).toBe('fd00:0:0:0:0:0:0:1');
  });
});
