import { readFixedString, writeFixedString } from '../fixed-string.js';
import { decodeU32Body, encodeU32Body } from '../u32-body.js';
import { zeroFill } from '../zero-fill.js';

/** LineStatReq (0x000B, phone → server): asks for one line button's details. */
export interface LineStatReq {
  type: 'LineStatReq';
  /** Line instance, 1-based. */
  lineNumber: number;
}

/** LineStat (0x0092, server → phone): a line's number and labels. */
export interface LineStat {
  type: 'LineStat';
  lineNumber: number;
  /** The directory number, e.g. `1000` (≤ 23 characters). */
  lineDirNumber: string;
  /** ≤ 39 characters. */
  lineFullyQualifiedDisplayName: string;
  /** Label shown next to the button, ≤ 39 characters. */
  lineTextLabel: string;
  /** Bitmask. */
  lineDisplayOptions: number;
}

// Reference §2: LineStatReq body u32 lineNumber.
export function decodeLineStatReq(body: Buffer): LineStatReq {
  return { type: 'LineStatReq', lineNumber: decodeU32Body(body) };
}

export function encodeLineStatReq(msg: Omit<LineStatReq, 'type'>): Buffer {
  return encodeU32Body(msg.lineNumber);
}

// Reference §3.8: u32 lineNumber @0, char[24] lineDirNumber @4, char[40] lineFullyQualifiedDisplayName
// @28, char[40] lineTextLabel @68, u32 lineDisplayOptions @108; 112 bytes.
const LINE_STAT_BODY = 112;

export function decodeLineStat(body: Buffer): LineStat {
  const b = zeroFill(body, LINE_STAT_BODY);
  return {
    type: 'LineStat',
    lineNumber: b.readUInt32LE(0),
    lineDirNumber: readFixedString(b, 4, 24),
    lineFullyQualifiedDisplayName: readFixedString(b, 28, 40),
    lineTextLabel: readFixedString(b, 68, 40),
    lineDisplayOptions: b.readUInt32LE(108),
  };
}

export function encodeLineStat(msg: Omit<LineStat, 'type'>): Buffer {
  const b = Buffer.alloc(LINE_STAT_BODY);
  b.writeUInt32LE(msg.lineNumber, 0);
  writeFixedString(b, 4, 24, msg.lineDirNumber);
  writeFixedString(b, 28, 40, msg.lineFullyQualifiedDisplayName);
  writeFixedString(b, 68, 40, msg.lineTextLabel);
  b.writeUInt32LE(msg.lineDisplayOptions >>> 0, 108);
  return b;
}
