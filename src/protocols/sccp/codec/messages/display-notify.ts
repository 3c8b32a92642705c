import { readFixedString, writeFixedString } from '../fixed-string.js';
import { zeroFill } from '../zero-fill.js';

/** DisplayNotify (0x0114, server → phone): a transient status-line text. */
export interface DisplayNotify {
  type: 'DisplayNotify';
  /** Seconds; 0 = until replaced. */
  displayTimeout: number;
  /** ≤ 31 characters. */
  text: string;
}

// Reference §2: DisplayNotify body u32 displayTimeout @0, char[32] text @4.
const DISPLAY_NOTIFY_BODY = 36;

export function decodeDisplayNotify(body: Buffer): DisplayNotify {
  const b = zeroFill(body, DISPLAY_NOTIFY_BODY);
  return { type: 'DisplayNotify', displayTimeout: b.readUInt32LE(0), text: readFixedString(b, 4, 32) };
}

export function encodeDisplayNotify(msg: Omit<DisplayNotify, 'type'>): Buffer {
  const b = Buffer.alloc(DISPLAY_NOTIFY_BODY);
  b.writeUInt32LE(msg.displayTimeout, 0);
  writeFixedString(b, 4, 32, msg.text);
  return b;
}
