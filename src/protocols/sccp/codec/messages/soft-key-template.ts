import { readFixedString, writeFixedString } from '../fixed-string.js';
import { zeroFill } from '../zero-fill.js';

/** One soft key of the template: what it shows and the event the phone sends when pressed. */
export interface SoftKeyDefinition {
  /** Plain text (≤ 15 characters) or the localized-label escape `\x80` + code. */
  label: string;
  /** SoftKeyEvent number (see {@link SoftKeyEvent} in soft-keys.ts). */
  event: number;
}

/** SoftKeyTemplateRes (0x0108, server → phone): every soft key the phone may show. */
export interface SoftKeyTemplateRes {
  type: 'SoftKeyTemplateRes';
  softKeyOffset: number;
  softKeyCount: number;
  totalSoftKeyCount: number;
  /** The first `softKeyCount` definitions. */
  softKeys: SoftKeyDefinition[];
}

/** What {@link encodeSoftKeyTemplateRes} needs; offset defaults to 0 and both counts to softKeys.length. */
export type SoftKeyTemplateResInput = Pick<SoftKeyTemplateRes, 'softKeys'> &
  Partial<Pick<SoftKeyTemplateRes, 'softKeyOffset' | 'softKeyCount' | 'totalSoftKeyCount'>>;

/** Slots in the template array (reference §3.13). */
export const SOFT_KEY_TEMPLATE_SLOTS = 32;

// Reference §3.13: u32 softKeyOffset @0, u32 softKeyCount @4, u32 totalSoftKeyCount @8, then
// 32 × {char[16] label, u32 event} (20 bytes each) from @12; full body 652 bytes.
const HEADER = 12;
const ENTRY_BYTES = 20;

/** Decodes min(softKeyCount, 32, entries present in the body) definitions. */
export function decodeSoftKeyTemplateRes(body: Buffer): SoftKeyTemplateRes {
  const b = zeroFill(body, HEADER);
  const softKeyCount = b.readUInt32LE(4);
  const present = Math.max(0, Math.floor((body.length - HEADER) / ENTRY_BYTES));
  const softKeys: SoftKeyDefinition[] = [];
  for (let i = 0; i < Math.min(softKeyCount, SOFT_KEY_TEMPLATE_SLOTS, present); i++) {
    const at = HEADER + i * ENTRY_BYTES;
    softKeys.push({ label: readFixedString(b, at, 16), event: b.readUInt32LE(at + 16) });
  }
  return {
    type: 'SoftKeyTemplateRes',
    softKeyOffset: b.readUInt32LE(0),
    softKeyCount,
    totalSoftKeyCount: b.readUInt32LE(8),
    softKeys,
  };
}

/** Encodes the full 32-slot array (652 bytes) like chan-sccp and chan_skinny; unused slots are zero. */
export function encodeSoftKeyTemplateRes(msg: SoftKeyTemplateResInput): Buffer {
  if (msg.softKeys.length > SOFT_KEY_TEMPLATE_SLOTS) {
    throw new RangeError(`SoftKeyTemplateRes holds at most ${SOFT_KEY_TEMPLATE_SLOTS} soft keys`);
  }
  const b = Buffer.alloc(HEADER + SOFT_KEY_TEMPLATE_SLOTS * ENTRY_BYTES);
  b.writeUInt32LE(msg.softKeyOffset ?? 0, 0);
  b.writeUInt32LE(msg.softKeyCount ?? msg.softKeys.length, 4);
  b.writeUInt32LE(msg.totalSoftKeyCount ?? msg.softKeys.length, 8);
  msg.softKeys.forEach((key, i) => {
    const at = HEADER + i * ENTRY_BYTES;
    writeFixedString(b, at, 16, key.label);
    b.writeUInt32LE(key.event, at + 16);
  });
  return b;
}
