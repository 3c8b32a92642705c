import { readFixedString, writeFixedString } from '../fixed-string.js';
import { decodeU32Body, encodeU32Body } from '../u32-body.js';
import { zeroFill } from '../zero-fill.js';

/** IpPort (0x0002, phone → server): the phone's RTP port. */
export interface IpPort {
  type: 'IpPort';
  rtpMediaPort: number;
}

/** HeadsetStatus (0x002B, phone → server). */
export interface HeadsetStatus {
  type: 'HeadsetStatus';
  /** 1 on, 2 off (reference §7). */
  mode: number;
}

/** RegisterAvailableLines (0x002D, phone → server); no reply. */
export interface RegisterAvailableLines {
  type: 'RegisterAvailableLines';
  maxNumOfAvailLines: number;
}

/** Alarm (0x0020, phone → server): a diagnostic the phone reports. */
export interface Alarm {
  type: 'Alarm';
  /** 0 critical, 1 warning, 2 informational, 4 unknown, 7 major, 8 minor, 10 marginal, 20 trace. */
  severity: number;
  /** Up to 79 characters. */
  text: string;
  parm1: number;
  parm2: number;
}

// Reference §2: IpPort body u32 rtpMediaPort.
export function decodeIpPort(body: Buffer): IpPort {
  return { type: 'IpPort', rtpMediaPort: decodeU32Body(body) };
}

export function encodeIpPort(msg: Omit<IpPort, 'type'>): Buffer {
  return encodeU32Body(msg.rtpMediaPort);
}

// Reference §2: HeadsetStatus body u32 mode.
export function decodeHeadsetStatus(body: Buffer): HeadsetStatus {
  return { type: 'HeadsetStatus', mode: decodeU32Body(body) };
}

export function encodeHeadsetStatus(msg: Omit<HeadsetStatus, 'type'>): Buffer {
  return encodeU32Body(msg.mode);
}

// Reference §3.16: RegisterAvailableLines body u32 maxNumOfAvailLines.
export function decodeRegisterAvailableLines(body: Buffer): RegisterAvailableLines {
  return { type: 'RegisterAvailableLines', maxNumOfAvailLines: decodeU32Body(body) };
}

export function encodeRegisterAvailableLines(msg: Omit<RegisterAvailableLines, 'type'>): Buffer {
  return encodeU32Body(msg.maxNumOfAvailLines);
}

// Reference §2: Alarm body u32 severity @0, char[80] text @4, u32 parm1 @84, u32 parm2 @88.
const ALARM_BODY = 92;

export function decodeAlarm(body: Buffer): Alarm {
  const b = zeroFill(body, ALARM_BODY);
  return {
    type: 'Alarm',
    severity: b.readUInt32LE(0),
    text: readFixedString(b, 4, 80),
    parm1: b.readUInt32LE(84),
    parm2: b.readUInt32LE(88),
  };
}

export function encodeAlarm(msg: Omit<Alarm, 'type'>): Buffer {
  const b = Buffer.alloc(ALARM_BODY);
  b.writeUInt32LE(msg.severity, 0);
  writeFixedString(b, 4, 80, msg.text);
  b.writeUInt32LE(msg.parm1, 84);
  b.writeUInt32LE(msg.parm2, 88);
  return b;
}
