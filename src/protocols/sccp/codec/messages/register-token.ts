import { readFixedString, writeFixedString } from '../fixed-string.js';
import { readIpv4, writeIpv4 } from '../ip-address.js';
import { decodeU32Body, encodeU32Body } from '../u32-body.js';
import { zeroFill } from '../zero-fill.js';

/**
 * RegisterTokenRequest (0x0029, phone → server): a phone registered to a backup asks its primary
 * whether it may come back (cluster.md §1.3). It registers on the same connection after
 * RegisterTokenAck (0x011A, empty body); RegisterTokenReject (0x011B) tells it to ask again later.
 */
export interface RegisterTokenRequest {
  type: 'RegisterTokenRequest';
  /** The station identifier, as in Register: `SEP` + MAC. */
  deviceName: string;
  instance: number;
  stationIpAddr: string;
  /** Model number (sccp.md §4). */
  deviceType: number;
}

/** RegisterTokenReject (0x011B, server → phone). */
export interface RegisterTokenReject {
  type: 'RegisterTokenReject';
  /** Seconds before the phone asks again (chan-sccp `tokenRejWaitTime`, Wireshark `waitTimeBeforeNextReq`). */
  waitTimeBeforeNextReq: number;
}

/** What chan-sccp reads (sId, stationIpAddr, deviceType); both name a u32 more after it. */
const SHORT_BODY = 32;
const REQUEST_BODY = 36;

// docs/sccp-failover.md: station identifier as in Register (deviceName char[16] @0, reserved
// u32 @16, instance u32 @20), stationIpAddr u32 little-endian @24 (Wireshark and chan-sccp
// `lel_stationIpAddr`; unlike Register's), deviceType u32 @28, u32 @32 (Wireshark at header
// version 0: stationIpV6Addr's IPv4 address; chan-sccp: `unknown`, bits 0x6 = a call is active).
// Sent as 0.
export function decodeRegisterTokenRequest(body: Buffer): RegisterTokenRequest {
  const b = zeroFill(body, SHORT_BODY);
  return {
    type: 'RegisterTokenRequest',
    deviceName: readFixedString(b, 0, 16),
    instance: b.readUInt32LE(20),
    stationIpAddr: readIpv4(Buffer.from(b.subarray(24, 28)).reverse(), 0),
    deviceType: b.readUInt32LE(28),
  };
}

export function encodeRegisterTokenRequest(msg: Omit<RegisterTokenRequest, 'type'>): Buffer {
  const b = Buffer.alloc(REQUEST_BODY);
  writeFixedString(b, 0, 16, msg.deviceName);
  b.writeUInt32LE(msg.instance >>> 0, 20);
  const ip = Buffer.alloc(4);
  writeIpv4(ip, 0, msg.stationIpAddr);
  ip.reverse().copy(b, 24);
  b.writeUInt32LE(msg.deviceType >>> 0, 28);
  return b;
}

// docs/sccp-failover.md: RegisterTokenReject body u32 waitTimeBeforeNextReq (seconds).
export function decodeRegisterTokenReject(body: Buffer): RegisterTokenReject {
  return { type: 'RegisterTokenReject', waitTimeBeforeNextReq: decodeU32Body(body) };
}

export function encodeRegisterTokenReject(msg: Omit<RegisterTokenReject, 'type'>): Buffer {
  return encodeU32Body(msg.waitTimeBeforeNextReq);
}
