import { readFixedString, writeFixedString } from '../fixed-string.js';
import { zeroFill } from '../zero-fill.js';

/** RegisterAck (0x0081, server → phone): registration accepted. */
export interface RegisterAck {
  type: 'RegisterAck';
  /** Seconds between the phone's KeepAlives. */
  keepAliveInterval: number;
  /** Date format shown by the phone, e.g. `M/D/Y`, `D/M/Y`, `Y-M-D` (at most 5 characters). */
  dateTemplate: string;
  /** Seconds between KeepAlives towards backup servers. */
  secondaryKeepAliveInterval: number;
  /** Protocol version the server agrees to use (≤ the phone's Register.protocolVersion). */
  maxProtocolVersion: number;
  /** Byte 17 ("unknown" in Wireshark); see {@link registerAckFeatures}. */
  featureByte: number;
  /** u16 at 18, same bit meanings as in Register; see {@link registerAckFeatures}. */
  phoneFeatures: number;
}

/** What {@link encodeRegisterAck} needs; the feature fields default to {@link registerAckFeatures}. */
export type RegisterAckInput = Omit<RegisterAck, 'type' | 'featureByte' | 'phoneFeatures'> &
  Partial<Pick<RegisterAck, 'featureByte' | 'phoneFeatures'>>;

/**
 * The bytes 17..19 chan-sccp sends for an agreed protocol version (reference §3.2):
 * `00 00 00` for V3 and below, `20 F1 FE` for V4–V10, `20 F1 FF` for V11 and up.
 */
export function registerAckFeatures(protocolVersion: number): { featureByte: number; phoneFeatures: number } {
  if (protocolVersion <= 3) return { featureByte: 0, phoneFeatures: 0 };
  if (protocolVersion <= 10) return { featureByte: 0x20, phoneFeatures: 0xfef1 };
  return { featureByte: 0x20, phoneFeatures: 0xfff1 };
}

// Reference §3.2: keepAliveInterval @0, dateTemplate char[6] @4, padding u16 @10,
// secondaryKeepAliveInterval @12, maxProtocolVer u8 @16, featureByte u8 @17, phoneFeatures u16 @18.
const REGISTER_ACK_BODY = 20;

export function decodeRegisterAck(body: Buffer): RegisterAck {
  const b = zeroFill(body, REGISTER_ACK_BODY);
  return {
    type: 'RegisterAck',
    keepAliveInterval: b.readUInt32LE(0),
    dateTemplate: readFixedString(b, 4, 6),
    secondaryKeepAliveInterval: b.readUInt32LE(12),
    maxProtocolVersion: b.readUInt8(16),
    featureByte: b.readUInt8(17),
    phoneFeatures: b.readUInt16LE(18),
  };
}

export function encodeRegisterAck(msg: RegisterAckInput): Buffer {
  const features = registerAckFeatures(msg.maxProtocolVersion);
  const b = Buffer.alloc(REGISTER_ACK_BODY);
  b.writeUInt32LE(msg.keepAliveInterval, 0);
  writeFixedString(b, 4, 6, msg.dateTemplate);
  b.writeUInt32LE(msg.secondaryKeepAliveInterval, 12);
  b.writeUInt8(msg.maxProtocolVersion, 16);
  b.writeUInt8(msg.featureByte ?? features.featureByte, 17);
  b.writeUInt16LE(msg.phoneFeatures ?? features.phoneFeatures, 18);
  return b;
}

/** RegisterReject (0x009D, server → phone): the phone shows "Registration Rejected: <text>". */
export interface RegisterReject {
  type: 'RegisterReject';
  /** At most 31 characters are sent; longer text is cut (reference §3.3). */
  text: string;
}

/** Longest RegisterReject text that fits with its NUL in the 32-byte field. */
export const REGISTER_REJECT_MAX_TEXT = 31;

// Reference §3.3: text char[32], ≤ 31 visible characters + NUL (FreeSWITCH's char[33] is not followed).
const REGISTER_REJECT_BODY = 32;

export function decodeRegisterReject(body: Buffer): RegisterReject {
  return { type: 'RegisterReject', text: readFixedString(body, 0, REGISTER_REJECT_BODY) };
}

export function encodeRegisterReject(msg: Omit<RegisterReject, 'type'>): Buffer {
  const b = Buffer.alloc(REGISTER_REJECT_BODY);
  writeFixedString(b, 0, REGISTER_REJECT_BODY, msg.text, { nulTerminated: true });
  return b;
}
