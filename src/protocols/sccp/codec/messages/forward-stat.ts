import { readFixedString, writeFixedString } from '../fixed-string.js';
import { decodeU32Body, encodeU32Body } from '../u32-body.js';
import { zeroFill } from '../zero-fill.js';

/** ForwardStatReq (0x0009, phone → server). */
export interface ForwardStatReq {
  type: 'ForwardStatReq';
  lineNumber: number;
}

/** ForwardStat (0x0090, server → phone): call-forward state of one line. */
export interface ForwardStat {
  type: 'ForwardStat';
  activeForward: number;
  lineNumber: number;
  forwardAllActive: number;
  forwardAllNumber: string;
  forwardBusyActive: number;
  forwardBusyNumber: string;
  forwardNoAnswerActive: number;
  forwardNoAnswerNumber: string;
  /** 92 below protocol 18 (char[24] numbers), 95 from protocol 18 (char[25]). */
  bodySize: 92 | 95;
}

/**
 * What {@link encodeForwardStat} needs; bodySize defaults to 92 (the reference's §3.12 totals
 * 108 / 115 do not add up; Wireshark and FreeSWITCH use 92 / 95).
 */
export type ForwardStatInput = Omit<ForwardStat, 'type' | 'bodySize'> & {
  bodySize?: ForwardStat['bodySize'];
};

// Reference §2: ForwardStatReq body u32 lineNumber.
export function decodeForwardStatReq(body: Buffer): ForwardStatReq {
  return { type: 'ForwardStatReq', lineNumber: decodeU32Body(body) };
}

export function encodeForwardStatReq(msg: Omit<ForwardStatReq, 'type'>): Buffer {
  return encodeU32Body(msg.lineNumber);
}

// Reference §3.12: u32 activeForward, u32 lineNumber, u32 forwardAllActive, char[N] fwdAllNumber,
// u32 forwardBusyActive, char[N] fwdBusyNumber, u32 forwardNoAnswerActive, char[N] fwdNoAnswerNumber;
// N = 24 below protocol 18, 25 from 18. The reference's totals (108 / 115) do not add up: the
// fields make 92 / 95 bytes, which is what Wireshark (handle_ForwardStatMessage) and FreeSWITCH
// (struct forward_stat_message) use.
function layout(bodySize: 92 | 95) {
  const n = bodySize === 92 ? 24 : 25;
  return {
    n,
    allNumber: 12,
    busyActive: 12 + n,
    busyNumber: 16 + n,
    noAnswerActive: 16 + 2 * n,
    noAnswerNumber: 20 + 2 * n,
  };
}

/**
 * Decodes the char[25] form when the body has at least 95 bytes (96 with padding), else the
 * char[24] form. (Wireshark picks by header version ≥ 18 instead; the body size says the same.)
 */
export function decodeForwardStat(body: Buffer): ForwardStat {
  const bodySize = body.length >= 95 ? 95 : 92;
  const b = zeroFill(body, bodySize);
  const at = layout(bodySize);
  return {
    type: 'ForwardStat',
    activeForward: b.readUInt32LE(0),
    lineNumber: b.readUInt32LE(4),
    forwardAllActive: b.readUInt32LE(8),
    forwardAllNumber: readFixedString(b, at.allNumber, at.n),
    forwardBusyActive: b.readUInt32LE(at.busyActive),
    forwardBusyNumber: readFixedString(b, at.busyNumber, at.n),
    forwardNoAnswerActive: b.readUInt32LE(at.noAnswerActive),
    forwardNoAnswerNumber: readFixedString(b, at.noAnswerNumber, at.n),
    bodySize,
  };
}

export function encodeForwardStat(msg: ForwardStatInput): Buffer {
  const bodySize = msg.bodySize === 95 ? 95 : 92;
  const at = layout(bodySize);
  const b = Buffer.alloc(bodySize);
  b.writeUInt32LE(msg.activeForward, 0);
  b.writeUInt32LE(msg.lineNumber, 4);
  b.writeUInt32LE(msg.forwardAllActive, 8);
  writeFixedString(b, at.allNumber, at.n, msg.forwardAllNumber);
  b.writeUInt32LE(msg.forwardBusyActive, at.busyActive);
  writeFixedString(b, at.busyNumber, at.n, msg.forwardBusyNumber);
  b.writeUInt32LE(msg.forwardNoAnswerActive, at.noAnswerActive);
  writeFixedString(b, at.noAnswerNumber, at.n, msg.forwardNoAnswerNumber);
  return b;
}
