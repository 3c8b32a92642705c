import { readFixedString, writeFixedString } from '../fixed-string.js';
import { readIpv4, writeIpv4 } from '../ip-address.js';
import { zeroFill } from '../zero-fill.js';

/** Register (0x0001, phone → server): who the phone is and what it can do. */
export interface Register {
  type: 'Register';
  /** `SEP` + 12 upper-case hex digits of the MAC for phones, e.g. `SEP001B535CD3D6`. */
  deviceName: string;
  /** "userId / reserved", normally 0. */
  userId: number;
  /** Station instance, usually 1 (some loads send 0). */
  instance: number;
  /** The phone's own IPv4 address as it sees it, dotted quad. */
  stationIpAddr: string;
  /** Model number (reference §4): 8 = 7940, 7 = 7960, 115 = 7941 … */
  deviceType: number;
  maxStreams: number;
  /** 0 when the body is shorter than 40 bytes (zero-fill). */
  activeStreams: number;
  /** Highest protocol version the phone speaks (0x0B for 7940/7960 SCCP 8.x, 0x11 for 7941 8.5). */
  protocolVersion: number;
  /** Byte 41: "unknown" in Wireshark, first of chan-sccp's three phone-feature bytes. */
  featureByte: number;
  /** u16 at 42: 0x0010 UTF-8, 0x0080 dynamic messages, 0x0200 RFC2833, 0x8000 abbreviated dial. */
  phoneFeatures: number;
  maxConferences: number;
  activeConferences: number;
  /**
   * MAC as 12 upper-case hex digits, when the body carries one: 6 binary bytes (7941 family)
   * or 12 ASCII hex characters (6961). Undefined when bytes 52..57 are absent or all zero,
   * which is what 68-byte 7940/7960 bodies carry.
   */
  macAddress?: string;
  ipV4AddressScope: number;
  maxNumberOfLines: number;
  ipV6AddressScope: number;
  /** Firmware load name (e.g. `SCCP41.8-5-3S`), when the body reaches offset 92 (124-byte bodies). */
  loadInfo?: string;
  /**
   * Body size on the wire: 36, 44, 48, 68 (7940/7960 8.x), 124 (7941 family 8.5)… When
   * encoding, the body is cut to this size (fields beyond it are not sent); default 124.
   */
  bodySize: number;
}

/** What {@link encodeRegister} needs: identity fields; instance defaults to 1, the rest to 0 / absent. */
export type RegisterInput = Pick<Register, 'deviceName' | 'stationIpAddr' | 'deviceType'> &
  Partial<Omit<Register, 'type' | 'deviceName' | 'stationIpAddr' | 'deviceType'>>;

/** The full layout of reference §3.1 (offsets 0..123). */
const FULL_BODY = 124;
/** Body size of 7940/7960 phones on SCCP 8.x loads (reference §3.1). */
export const REGISTER_BODY_7940 = 68;
/** Body size of 7941/7961-family phones on 8.5 loads (reference §3.1). */
export const REGISTER_BODY_7941 = 124;

// Reference §3.1: deviceName char[16] @0, userId @16, instance @20, stationIpAddr @24 (network
// order), deviceType @28, maxStreams @32 | activeStreams @36, protocolVersion u8 @40, featureByte
// u8 @41, phoneFeatures u16 @42, maxConferences @44 | activeConferences @48, macAddress u8[12]
// @52, ipV4AddressScope @64, maxNumberOfLines @68, stationIpV6Addr u8[16] @72 (not modelled),
// ipV6AddressScope @88, loadInfo char[32] @92 | end of 124-byte body.
export function decodeRegister(body: Buffer): Register {
  const b = zeroFill(body, FULL_BODY);
  const msg: Register = {
    type: 'Register',
    deviceName: readFixedString(b, 0, 16),
    userId: b.readUInt32LE(16),
    instance: b.readUInt32LE(20),
    stationIpAddr: readIpv4(b, 24),
    deviceType: b.readUInt32LE(28),
    maxStreams: b.readUInt32LE(32),
    activeStreams: b.readUInt32LE(36),
    protocolVersion: b.readUInt8(40),
    featureByte: b.readUInt8(41),
    phoneFeatures: b.readUInt16LE(42),
    maxConferences: b.readUInt32LE(44),
    activeConferences: b.readUInt32LE(48),
    ipV4AddressScope: b.readUInt32LE(64),
    maxNumberOfLines: b.readUInt32LE(68),
    ipV6AddressScope: b.readUInt32LE(88),
    bodySize: body.length,
  };
  const mac = body.length >= 58 ? decodeMac(b.subarray(52, 64)) : undefined;
  if (mac !== undefined) msg.macAddress = mac;
  if (body.length > 92) msg.loadInfo = readFixedString(b, 92, 32);
  return msg;
}

/** Encode a Register body of `msg.bodySize` bytes (default 124); see {@link decodeRegister}. */
export function encodeRegister(msg: RegisterInput): Buffer {
  const size = msg.bodySize ?? FULL_BODY;
  const b = Buffer.alloc(Math.max(size, FULL_BODY));
  writeFixedString(b, 0, 16, msg.deviceName);
  b.writeUInt32LE(msg.userId ?? 0, 16);
  b.writeUInt32LE(msg.instance ?? 1, 20);
  writeIpv4(b, 24, msg.stationIpAddr);
  b.writeUInt32LE(msg.deviceType, 28);
  b.writeUInt32LE(msg.maxStreams ?? 0, 32);
  b.writeUInt32LE(msg.activeStreams ?? 0, 36);
  b.writeUInt8(msg.protocolVersion ?? 0, 40);
  b.writeUInt8(msg.featureByte ?? 0, 41);
  b.writeUInt16LE(msg.phoneFeatures ?? 0, 42);
  b.writeUInt32LE(msg.maxConferences ?? 0, 44);
  b.writeUInt32LE(msg.activeConferences ?? 0, 48);
  if (msg.macAddress !== undefined) encodeMac(msg.macAddress).copy(b, 52);
  b.writeUInt32LE(msg.ipV4AddressScope ?? 0, 64);
  b.writeUInt32LE(msg.maxNumberOfLines ?? 0, 68);
  b.writeUInt32LE(msg.ipV6AddressScope ?? 0, 88);
  if (msg.loadInfo !== undefined) writeFixedString(b, 92, 32, msg.loadInfo);
  return b.subarray(0, size);
}

/** 12 bytes at offset 52: 6 binary bytes + 6 zero, or 12 ASCII hex chars; undefined if empty. */
function decodeMac(field: Buffer): string | undefined {
  const ascii = field.toString('latin1');
  if (/^[0-9A-Fa-f]{12}$/.test(ascii)) return ascii.toUpperCase();
  const binary = field.subarray(0, 6);
  if (binary.every((byte) => byte === 0)) return undefined;
  return binary.toString('hex').toUpperCase();
}

/** Encode a MAC (12 hex digits, separators `:` `-` `.` allowed) as 6 binary bytes. */
function encodeMac(mac: string): Buffer {
  const hex = mac.replace(/[:.-]/g, '');
  if (!/^[0-9A-Fa-f]{12}$/.test(hex)) throw new RangeError(`not a MAC address: ${JSON.stringify(mac)}`);
  return Buffer.from(hex, 'hex');
}
