/**
 * Media channels (calls.md §1.2): the server asks a phone where it receives (OpenReceiveChannel,
 * answered by OpenReceiveChannelAck) and tells it where to send (StartMediaTransmission). Layouts
 * from Wireshark's SkinnyProtocolOptimized.xml and packet-skinny.c as tshark 4.0.17 decodes them
 * (checked in test/sccp-codec), matching chan-sccp's sccp_protocol.h (with its CUCM 7 hex dumps)
 * and FreeSWITCH. From protocol 17 every IP becomes u32 ipv46 + 16 bytes and later fields move on;
 * the encoders take `v17`, the decoders tell the two forms apart by body length.
 */
import { readIpv4, writeIpv4 } from '../ip-address.js';
import { zeroFill } from '../zero-fill.js';
import { decodeU32Fields, encodeU32Fields } from './station-call.js';

/**
 * OpenReceiveChannel (0x0105). ≤V16: u32 conferenceId @0, passThruPartyId @4, msPacketSize @8,
 * compressionType @12, echoCancelType @16, g723BitRate @20, callReference @24, encryption @28–75
 * (zero), streamPassThroughId @76, associatedStreamId @80, rfc2833PayloadType @84, rtpTimeout @88
 * → 92 bytes (the CUCM 7 dump to a V11 phone); from header version 11 Wireshark also reads
 * mixingMode @92, direction @96, source ip @100, source port @104 and calls 92 bytes malformed, so
 * we send 108 bytes as chan-sccp does to every ≤V16 phone. V17: mixingMode @92, direction @96,
 * ipv46 @100, ip[16] @104, port @120, requestedIpAddrType @124 → 128 bytes.
 */
export interface OpenReceiveChannel {
  type: 'OpenReceiveChannel';
  conferenceId: number;
  passThruPartyId: number;
  msPacketSize: number;
  /** Skinny codec number (calls.md §1.3: 4 = G.711 µ-law). */
  compressionType: number;
  callReference: number;
  v17?: boolean;
}

export function decodeOpenReceiveChannel(body: Buffer): OpenReceiveChannel {
  const b = zeroFill(body, 92);
  return {
    type: 'OpenReceiveChannel',
    conferenceId: b.readUInt32LE(0),
    passThruPartyId: b.readUInt32LE(4),
    msPacketSize: b.readUInt32LE(8),
    compressionType: b.readUInt32LE(12),
    callReference: b.readUInt32LE(24),
    v17: body.length >= 124,
  };
}
export function encodeOpenReceiveChannel(msg: Omit<OpenReceiveChannel, 'type'>): Buffer {
  const b = Buffer.alloc(msg.v17 ? 128 : 108);
  b.writeUInt32LE(msg.conferenceId >>> 0, 0);
  b.writeUInt32LE(msg.passThruPartyId >>> 0, 4);
  b.writeUInt32LE(msg.msPacketSize >>> 0, 8);
  b.writeUInt32LE(msg.compressionType >>> 0, 12);
  b.writeUInt32LE(msg.callReference >>> 0, 24);
  b.writeUInt32LE(101, 84); // RFC 2833 payload type, as CUCM and chan-sccp
  b.writeUInt32LE(10, 88); // RTP timeout (s), as in the CUCM dump
  return b;
}

/**
 * OpenReceiveChannelAck (0x0022). ≤V16: u32 status @0 (0 ok), ip @4 (4 bytes, network order),
 * u32 port @8, passThruPartyId @12, callReference @16 (optional). V17: status @0, ipv46 @4,
 * ip[16] @8, port @24, passThruPartyId @28, callReference @32.
 */
export interface OpenReceiveChannelAck {
  type: 'OpenReceiveChannelAck';
  status: number;
  ipAddress: string;
  port: number;
  passThruPartyId: number;
  callReference: number;
  /** Protocol 17+: the 36-byte form (decoded by its length). */
  v17?: boolean;
}

export function decodeOpenReceiveChannelAck(body: Buffer): OpenReceiveChannelAck {
  if (body.length >= 36) {
    const b = body;
    return {
      type: 'OpenReceiveChannelAck',
      status: b.readUInt32LE(0),
      // An IPv6 phone (ipv46 1) reports no IPv4 address: 0.0.0.0, which the call refuses to send to.
      ipAddress: b.readUInt32LE(4) === 0 ? readIpv4(b, 8) : '0.0.0.0',
      port: b.readUInt32LE(24),
      passThruPartyId: b.readUInt32LE(28),
      callReference: b.readUInt32LE(32),
      v17: true,
    };
  }
  const b = zeroFill(body, 20);
  return {
    type: 'OpenReceiveChannelAck',
    status: b.readUInt32LE(0),
    ipAddress: readIpv4(b, 4),
    port: b.readUInt32LE(8),
    passThruPartyId: b.readUInt32LE(12),
    callReference: b.readUInt32LE(16),
    v17: false,
  };
}
export function encodeOpenReceiveChannelAck(msg: Omit<OpenReceiveChannelAck, 'type'>): Buffer {
  if (msg.v17) {
    const b = Buffer.alloc(36);
    b.writeUInt32LE(msg.status >>> 0, 0);
    writeIpv4(b, 8, msg.ipAddress);
    b.writeUInt32LE(msg.port >>> 0, 24);
    b.writeUInt32LE(msg.passThruPartyId >>> 0, 28);
    b.writeUInt32LE(msg.callReference >>> 0, 32);
    return b;
  }
  const b = Buffer.alloc(20);
  b.writeUInt32LE(msg.status >>> 0, 0);
  writeIpv4(b, 4, msg.ipAddress);
  b.writeUInt32LE(msg.port >>> 0, 8);
  b.writeUInt32LE(msg.passThruPartyId >>> 0, 12);
  b.writeUInt32LE(msg.callReference >>> 0, 16);
  return b;
}

/**
 * StartMediaTransmission (0x008A). ≤V16: u32 conferenceId @0, passThruPartyId @4, remote ip @8,
 * remote port @12, msPacketSize @16, compressionType @20, precedence @24 (TOS, 184 = EF),
 * silenceSuppression @28, maxFramesPerPacket @32 (u16 + pad), g723BitRate @36, callReference @40,
 * encryption @44–91, streamPassThroughId @92, assocStreamId @96, rfc2833 @100, rtpTimeout @104,
 * mixingMode @108, direction @112 → 116 bytes (chan-sccp). V17: ipv46 @8, ip[16] @12, port @28,
 * then every field 16 bytes on → 132.
 */
export interface StartMediaTransmission {
  type: 'StartMediaTransmission';
  conferenceId: number;
  passThruPartyId: number;
  remoteIpAddress: string;
  remotePort: number;
  msPacketSize: number;
  compressionType: number;
  callReference: number;
  v17?: boolean;
}

export function decodeStartMediaTransmission(body: Buffer): StartMediaTransmission {
  const v17 = body.length >= 132;
  const b = zeroFill(body, 116);
  const shift = v17 ? 16 : 0;
  return {
    type: 'StartMediaTransmission',
    conferenceId: b.readUInt32LE(0),
    passThruPartyId: b.readUInt32LE(4),
    remoteIpAddress: readIpv4(b, v17 ? 12 : 8),
    remotePort: b.readUInt32LE(12 + shift),
    msPacketSize: b.readUInt32LE(16 + shift),
    compressionType: b.readUInt32LE(20 + shift),
    callReference: b.readUInt32LE(40 + shift),
    v17,
  };
}
export function encodeStartMediaTransmission(msg: Omit<StartMediaTransmission, 'type'>): Buffer {
  const shift = msg.v17 ? 16 : 0;
  const b = Buffer.alloc(116 + shift);
  b.writeUInt32LE(msg.conferenceId >>> 0, 0);
  b.writeUInt32LE(msg.passThruPartyId >>> 0, 4);
  if (msg.v17) b.writeUInt32LE(0, 8); // ipv46: 0 = IPv4
  writeIpv4(b, msg.v17 ? 12 : 8, msg.remoteIpAddress);
  b.writeUInt32LE(msg.remotePort >>> 0, 12 + shift);
  b.writeUInt32LE(msg.msPacketSize >>> 0, 16 + shift);
  b.writeUInt32LE(msg.compressionType >>> 0, 20 + shift);
  b.writeUInt32LE(184, 24 + shift); // precedence: IP TOS byte for EF (FreeSWITCH, chan-sccp)
  b.writeUInt32LE(msg.callReference >>> 0, 40 + shift);
  b.writeUInt32LE(101, 100 + shift); // RFC 2833 payload type
  b.writeUInt32LE(10, 104 + shift); // RTP timeout (s)
  return b;
}

/**
 * StopMediaTransmission (0x008B) and CloseReceiveChannel (0x0106): u32 conferenceId @0,
 * passThruPartyId @4, callReference @8, portHandlingFlag @12 (0 close).
 */
export interface StopMediaTransmission {
  type: 'StopMediaTransmission';
  conferenceId: number;
  passThruPartyId: number;
  callReference: number;
}
export interface CloseReceiveChannel {
  type: 'CloseReceiveChannel';
  conferenceId: number;
  passThruPartyId: number;
  callReference: number;
}

export function decodeStopMediaTransmission(body: Buffer): StopMediaTransmission {
  const [conferenceId, passThruPartyId, callReference] = decodeU32Fields(body, 3);
  return { type: 'StopMediaTransmission', conferenceId, passThruPartyId, callReference };
}
export function decodeCloseReceiveChannel(body: Buffer): CloseReceiveChannel {
  const [conferenceId, passThruPartyId, callReference] = decodeU32Fields(body, 3);
  return { type: 'CloseReceiveChannel', conferenceId, passThruPartyId, callReference };
}
export function encodeMediaChannelClose(msg: {
  conferenceId: number;
  passThruPartyId: number;
  callReference: number;
}): Buffer {
  return encodeU32Fields(msg.conferenceId, msg.passThruPartyId, msg.callReference, 0);
}
