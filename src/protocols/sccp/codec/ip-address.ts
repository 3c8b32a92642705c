/**
 * IP addresses in Skinny bodies: raw bytes in network order, unlike every other integer
 * (reference §1: 192.168.9.36 is `c0 a8 09 24` on the wire).
 */

/** Read 4 bytes at `offset` as a dotted quad. Missing bytes read as 0. */
export function readIpv4(buf: Buffer, offset: number): string {
  const parts: number[] = [];
  for (let i = 0; i < 4; i++) parts.push(offset + i < buf.length ? buf[offset + i] : 0);
  return parts.join('.');
}

/** Write a dotted quad as 4 bytes at `offset`. Throws a RangeError for anything else. */
export function writeIpv4(buf: Buffer, offset: number, address: string): void {
  const parts = address.split('.');
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  if (bytes.length !== 4 || bytes.some((b) => !(b >= 0 && b <= 255))) {
    throw new RangeError(`not an IPv4 address: ${JSON.stringify(address)}`);
  }
  bytes.forEach((b, i) => buf.writeUInt8(b, offset + i));
}

/** Read 16 bytes at `offset` as an IPv6 address in full (uncompressed) hex groups. */
export function readIpv6(buf: Buffer, offset: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    const hi = offset + i < buf.length ? buf[offset + i] : 0;
    const lo = offset + i + 1 < buf.length ? buf[offset + i + 1] : 0;
    groups.push(((hi << 8) | lo).toString(16));
  }
  return groups.join(':');
}
