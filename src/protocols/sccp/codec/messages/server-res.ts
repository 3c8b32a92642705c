import { readFixedString, writeFixedString } from '../fixed-string.js';
import { readIpv4, readIpv6, writeIpv4 } from '../ip-address.js';
import { zeroFill } from '../zero-fill.js';

/** One server of a ServerRes. */
export interface ServerEntry {
  /** Server name, ≤ 47 characters. */
  name: string;
  /** TCP listen port (2000). */
  port: number;
  /** Dotted IPv4; IPv6 entries of the 360-byte form decode to full hex groups. */
  ipAddress: string;
}

/** ServerRes (0x009E, server → phone): the call manager list, up to 5 entries. */
export interface ServerRes {
  type: 'ServerRes';
  /** Entries sent (unused slots are empty names, port 0, 0.0.0.0); decoding returns all five. */
  servers: ServerEntry[];
  /** 280 for protocol < 17, 360 for protocol ≥ 17 (addresses as {u32 ipv46, u8[16]}). */
  bodySize: 280 | 360;
}

/** What {@link encodeServerRes} needs; bodySize defaults to 280. */
export type ServerResInput = Pick<ServerRes, 'servers'> & Partial<Pick<ServerRes, 'bodySize'>>;

export const SERVER_RES_SLOTS = 5;

// Reference §3.11: char[48] serverName ×5 @0..239, u32 serverListenPort ×5 @240..259, then
// (280 bytes, protocol < 17) u32 serverIpAddr ×5 @260..279 in network order, or
// (360 bytes, protocol ≥ 17) 5 × {u32 ipv46 (0 v4, 1 v6), u8[16] addr} @260..359.
const PORTS = 240;
const ADDRESSES = 260;
const V46_ENTRY = 20;

/** Decodes the 360-byte form when the body is that long, else the 280-byte form (zero-filled). */
export function decodeServerRes(body: Buffer): ServerRes {
  const bodySize = body.length >= 360 ? 360 : 280;
  const b = zeroFill(body, bodySize);
  const servers: ServerEntry[] = [];
  for (let i = 0; i < SERVER_RES_SLOTS; i++) {
    let ipAddress: string;
    if (bodySize === 280) {
      ipAddress = readIpv4(b, ADDRESSES + 4 * i);
    } else {
      const at = ADDRESSES + V46_ENTRY * i;
      ipAddress = b.readUInt32LE(at) === 1 ? readIpv6(b, at + 4) : readIpv4(b, at + 4);
    }
    servers.push({ name: readFixedString(b, 48 * i, 48), port: b.readUInt32LE(PORTS + 4 * i), ipAddress });
  }
  return { type: 'ServerRes', servers, bodySize };
}

/** Encodes IPv4 entries only (a RangeError for anything else, or more than 5 servers). */
export function encodeServerRes(msg: ServerResInput): Buffer {
  if (msg.servers.length > SERVER_RES_SLOTS) {
    throw new RangeError(`ServerRes holds at most ${SERVER_RES_SLOTS} servers`);
  }
  const bodySize = msg.bodySize ?? 280;
  const b = Buffer.alloc(bodySize);
  msg.servers.forEach((server, i) => {
    writeFixedString(b, 48 * i, 48, server.name);
    b.writeUInt32LE(server.port, PORTS + 4 * i);
    if (bodySize === 280) writeIpv4(b, ADDRESSES + 4 * i, server.ipAddress);
    else writeIpv4(b, ADDRESSES + V46_ENTRY * i + 4, server.ipAddress);
  });
  return b;
}
