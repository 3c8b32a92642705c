/** Bodies that are one u32 LE (IpPort, LineStatReq, Reset …); short bodies read as 0. */

export function encodeU32Body(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0, 0);
  return b;
}

export function decodeU32Body(body: Buffer): number {
  return body.length >= 4 ? body.readUInt32LE(0) : 0;
}
