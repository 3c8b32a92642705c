import { zeroFill } from '../zero-fill.js';

/** One soft key set: which template keys show, in order, in one call state. */
export interface SoftKeySetDefinition {
  /** 1-based indices into the soft key template (0 = empty slot); at most 16. */
  templateIndex: number[];
  /** Parallel u16 "info" indices (chan_skinny sends 300 + templateIndex); at most 16. */
  infoIndex: number[];
}

/** SoftKeySetRes (0x0109, server → phone): the soft key sets, indexed by {@link SoftKeySetIndex}. */
export interface SoftKeySetRes {
  type: 'SoftKeySetRes';
  softKeySetOffset: number;
  softKeySetCount: number;
  totalSoftKeySetCount: number;
  /** The first `softKeySetCount` sets; trailing empty slots of each set are trimmed. */
  sets: SoftKeySetDefinition[];
}

/** What {@link encodeSoftKeySetRes} needs; offset defaults to 0 and both counts to sets.length. */
export type SoftKeySetResInput = Pick<SoftKeySetRes, 'sets'> &
  Partial<Pick<SoftKeySetRes, 'softKeySetOffset' | 'softKeySetCount' | 'totalSoftKeySetCount'>>;

/** Sets in the array, and keys per set (reference §3.14). */
export const SOFT_KEY_SETS = 16;
export const SOFT_KEYS_PER_SET = 16;

// Reference §3.14: u32 softKeySetOffset @0, u32 softKeySetCount @4, u32 totalSoftKeySetCount @8,
// then 16 × {u8 templateIndex[16], u16 infoIndex[16]} (48 bytes each) from @12; full body 780 bytes.
const HEADER = 12;
const SET_BYTES = SOFT_KEYS_PER_SET + 2 * SOFT_KEYS_PER_SET;

/** Decodes min(softKeySetCount, 16, sets present in the body) sets. */
export function decodeSoftKeySetRes(body: Buffer): SoftKeySetRes {
  const b = zeroFill(body, HEADER);
  const softKeySetCount = b.readUInt32LE(4);
  const present = Math.max(0, Math.floor((body.length - HEADER) / SET_BYTES));
  const sets: SoftKeySetDefinition[] = [];
  for (let s = 0; s < Math.min(softKeySetCount, SOFT_KEY_SETS, present); s++) {
    const at = HEADER + s * SET_BYTES;
    const templateIndex: number[] = [];
    const infoIndex: number[] = [];
    for (let k = 0; k < SOFT_KEYS_PER_SET; k++) {
      templateIndex.push(b.readUInt8(at + k));
      infoIndex.push(b.readUInt16LE(at + SOFT_KEYS_PER_SET + 2 * k));
    }
    let used = SOFT_KEYS_PER_SET;
    while (used > 0 && templateIndex[used - 1] === 0 && infoIndex[used - 1] === 0) used--;
    sets.push({ templateIndex: templateIndex.slice(0, used), infoIndex: infoIndex.slice(0, used) });
  }
  return {
    type: 'SoftKeySetRes',
    softKeySetOffset: b.readUInt32LE(0),
    softKeySetCount,
    totalSoftKeySetCount: b.readUInt32LE(8),
    sets,
  };
}

/** Encodes the full 16-set array (780 bytes) like chan-sccp and chan_skinny; unused slots are zero. */
export function encodeSoftKeySetRes(msg: SoftKeySetResInput): Buffer {
  if (msg.sets.length > SOFT_KEY_SETS)
    throw new RangeError(`SoftKeySetRes holds at most ${SOFT_KEY_SETS} sets`);
  const b = Buffer.alloc(HEADER + SOFT_KEY_SETS * SET_BYTES);
  b.writeUInt32LE(msg.softKeySetOffset ?? 0, 0);
  b.writeUInt32LE(msg.softKeySetCount ?? msg.sets.length, 4);
  b.writeUInt32LE(msg.totalSoftKeySetCount ?? msg.sets.length, 8);
  msg.sets.forEach((set, s) => {
    if (set.templateIndex.length > SOFT_KEYS_PER_SET || set.infoIndex.length > SOFT_KEYS_PER_SET) {
      throw new RangeError(`a soft key set holds at most ${SOFT_KEYS_PER_SET} keys`);
    }
    const at = HEADER + s * SET_BYTES;
    set.templateIndex.forEach((index, k) => b.writeUInt8(index, at + k));
    set.infoIndex.forEach((index, k) => b.writeUInt16LE(index, at + SOFT_KEYS_PER_SET + 2 * k));
  });
  return b;
}

/** SelectSoftKeys (0x0110, server → phone): which set (and which keys of it) to show. */
export interface SelectSoftKeys {
  type: 'SelectSoftKeys';
  lineInstance: number;
  callReference: number;
  /** See {@link SoftKeySetIndex}. */
  softKeySetIndex: number;
  /** Bit i enables key i of the set; 0xFFFFFFFF shows all. */
  validKeyMask: number;
}

// Reference §2: SelectSoftKeys body u32 lineInstance, u32 callReference, u32 softKeySetIndex, u32 validKeyMask.
const SELECT_SOFT_KEYS_BODY = 16;

export function decodeSelectSoftKeys(body: Buffer): SelectSoftKeys {
  const b = zeroFill(body, SELECT_SOFT_KEYS_BODY);
  return {
    type: 'SelectSoftKeys',
    lineInstance: b.readUInt32LE(0),
    callReference: b.readUInt32LE(4),
    softKeySetIndex: b.readUInt32LE(8),
    validKeyMask: b.readUInt32LE(12),
  };
}

export function encodeSelectSoftKeys(msg: Omit<SelectSoftKeys, 'type'>): Buffer {
  const b = Buffer.alloc(SELECT_SOFT_KEYS_BODY);
  b.writeUInt32LE(msg.lineInstance, 0);
  b.writeUInt32LE(msg.callReference, 4);
  b.writeUInt32LE(msg.softKeySetIndex, 8);
  b.writeUInt32LE(msg.validKeyMask >>> 0, 12);
  return b;
}
