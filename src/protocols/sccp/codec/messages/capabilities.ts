import { zeroFill } from '../zero-fill.js';

/** Reference §3.6: codec ids (subset). */
export const PayloadCapability = {
  G711Alaw64k: 2,
  G711Ulaw64k: 4,
  G722_64k: 6,
  G7231: 9,
  G728: 10,
  G729: 11,
  G729AnnexA: 12,
  G729AnnexB: 15,
  G729AnnexAwAnnexB: 16,
  G7221_32k: 40,
  G7221_24k: 41,
  Ilbc: 86,
  Rfc2833DynPayload: 257,
} as const;

/** One codec the phone offers. */
export interface MediaCapability {
  /** Codec id (see {@link PayloadCapability}). */
  payloadCapability: number;
  /** Milliseconds of audio per RTP packet. */
  maxFramesPerPacket: number;
  /** G.723.1 (id 9) only: 1 = 5.3k, 2 = 6.3k. */
  g723BitRate?: number;
  /** Other codecs: the four bytes of the union's second form. */
  codecMode?: number;
  dynamicPayload?: number;
  codecParam1?: number;
  codecParam2?: number;
}

/** CapabilitiesRes (0x0010, phone → server): the phone's codecs. */
export interface CapabilitiesRes {
  type: 'CapabilitiesRes';
  capabilities: MediaCapability[];
}

/** Most entries a CapabilitiesRes carries (reference §3.6: N ≤ 18). */
export const MAX_CAPABILITIES = 18;

// Reference §3.6: u32 capCount @0, then capCount × 16-byte entries from @4: u32 payloadCapability,
// u32 maxFramesPerPacket, 8-byte union (G.723.1: u32 g723BitRate; others: u8 codecMode,
// u8 dynamicPayload, u8 codecParam1, u8 codecParam2, 4 unused bytes).
const ENTRY_BYTES = 16;

/** Decodes min(capCount, 18, entries present in the body) entries. */
export function decodeCapabilitiesRes(body: Buffer): CapabilitiesRes {
  const b = zeroFill(body, 4);
  const present = Math.floor((body.length - 4) / ENTRY_BYTES);
  const count = Math.max(0, Math.min(b.readUInt32LE(0), MAX_CAPABILITIES, present));
  const capabilities: MediaCapability[] = [];
  for (let i = 0; i < count; i++) {
    const at = 4 + i * ENTRY_BYTES;
    const cap: MediaCapability = {
      payloadCapability: b.readUInt32LE(at),
      maxFramesPerPacket: b.readUInt32LE(at + 4),
    };
    if (cap.payloadCapability === PayloadCapability.G7231) {
      cap.g723BitRate = b.readUInt32LE(at + 8);
    } else {
      cap.codecMode = b.readUInt8(at + 8);
      cap.dynamicPayload = b.readUInt8(at + 9);
      cap.codecParam1 = b.readUInt8(at + 10);
      cap.codecParam2 = b.readUInt8(at + 11);
    }
    capabilities.push(cap);
  }
  return { type: 'CapabilitiesRes', capabilities };
}

/** Encodes capCount + one entry per capability (no padding to 18). Throws beyond 18. */
export function encodeCapabilitiesRes(msg: Omit<CapabilitiesRes, 'type'>): Buffer {
  if (msg.capabilities.length > MAX_CAPABILITIES) {
    throw new RangeError(`CapabilitiesRes holds at most ${MAX_CAPABILITIES} entries`);
  }
  const b = Buffer.alloc(4 + msg.capabilities.length * ENTRY_BYTES);
  b.writeUInt32LE(msg.capabilities.length, 0);
  msg.capabilities.forEach((cap, i) => {
    const at = 4 + i * ENTRY_BYTES;
    b.writeUInt32LE(cap.payloadCapability, at);
    b.writeUInt32LE(cap.maxFramesPerPacket, at + 4);
    if (cap.payloadCapability === PayloadCapability.G7231) {
      b.writeUInt32LE(cap.g723BitRate ?? 0, at + 8);
    } else {
      b.writeUInt8(cap.codecMode ?? 0, at + 8);
      b.writeUInt8(cap.dynamicPayload ?? 0, at + 9);
      b.writeUInt8(cap.codecParam1 ?? 0, at + 10);
      b.writeUInt8(cap.codecParam2 ?? 0, at + 11);
    }
  });
  return b;
}
