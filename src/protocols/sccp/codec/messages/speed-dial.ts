import { readFixedString, writeFixedString } from '../fixed-string.js';
import { decodeU32Body, encodeU32Body } from '../u32-body.js';
import { zeroFill } from '../zero-fill.js';

/** SpeedDialStatReq (0x000A, phone → server). */
export interface SpeedDialStatReq {
  type: 'SpeedDialStatReq';
  /** 1-based speed-dial index. */
  speedDialNumber: number;
}

/** SpeedDialStat (0x0091, server → phone); empty strings for an unconfigured speed dial. */
export interface SpeedDialStat {
  type: 'SpeedDialStat';
  speedDialNumber: number;
  /** ≤ 23 characters. */
  speedDialDirNumber: string;
  /** ≤ 39 characters. */
  speedDialDisplayName: string;
}

// Reference §2: SpeedDialStatReq body u32 speedDialNumber.
export function decodeSpeedDialStatReq(body: Buffer): SpeedDialStatReq {
  return { type: 'SpeedDialStatReq', speedDialNumber: decodeU32Body(body) };
}

export function encodeSpeedDialStatReq(msg: Omit<SpeedDialStatReq, 'type'>): Buffer {
  return encodeU32Body(msg.speedDialNumber);
}

// Reference §2: SpeedDialStat body u32 number @0, char[24] dirNumber @4, char[40] displayName @28.
const SPEED_DIAL_STAT_BODY = 68;

export function decodeSpeedDialStat(body: Buffer): SpeedDialStat {
  const b = zeroFill(body, SPEED_DIAL_STAT_BODY);
  return {
    type: 'SpeedDialStat',
    speedDialNumber: b.readUInt32LE(0),
    speedDialDirNumber: readFixedString(b, 4, 24),
    speedDialDisplayName: readFixedString(b, 28, 40),
  };
}

export function encodeSpeedDialStat(msg: Omit<SpeedDialStat, 'type'>): Buffer {
  const b = Buffer.alloc(SPEED_DIAL_STAT_BODY);
  b.writeUInt32LE(msg.speedDialNumber, 0);
  writeFixedString(b, 4, 24, msg.speedDialDirNumber);
  writeFixedString(b, 28, 40, msg.speedDialDisplayName);
  return b;
}
