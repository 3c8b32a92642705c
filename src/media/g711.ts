/**
 * G.711 (ITU-T, 1988): 16-bit linear PCM to and from 8-bit µ-law (PCMU, RTP payload type 0) and
 * A-law (PCMA, payload type 8), the segment-and-quantisation algorithm of the Recommendation as in
 * its reference implementation (Sun's g711.c). Encoding goes through 64 KiB tables built once, so
 * that streaming costs one lookup per sample.
 */

const ULAW_BIAS = 0x84;
const ULAW_CLIP = 32635;
/** Upper ends of A-law's eight segments, on the 13-bit magnitude. */
const ALAW_SEGMENT_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

/** One linear sample (−32768…32767) as µ-law. */
export function linearToUlaw(sample: number): number {
  let value = sample | 0;
  const sign = value < 0 ? 0x80 : 0;
  if (sign) value = -value;
  if (value > ULAW_CLIP) value = ULAW_CLIP;
  value += ULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (value & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (value >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

/** One linear sample (−32768…32767) as A-law. */
export function linearToAlaw(sample: number): number {
  let value = (sample | 0) >> 3;
  let mask: number;
  if (value >= 0) mask = 0xd5;
  else {
    mask = 0x55;
    value = -value - 1;
  }
  let segment = 0;
  while (segment < 8 && value > ALAW_SEGMENT_END[segment]) segment++;
  if (segment >= 8) return 0x7f ^ mask;
  const quantised = segment < 2 ? (value >> 1) & 0x0f : (value >> segment) & 0x0f;
  return ((segment << 4) | quantised) ^ mask;
}

export function alawToLinear(code: number): number {
  const a = (code & 0xff) ^ 0x55;
  let magnitude = (a & 0x0f) << 4;
  const segment = (a & 0x70) >> 4;
  if (segment === 0) magnitude += 8;
  else if (segment === 1) magnitude += 0x108;
  else magnitude = (magnitude + 0x108) << (segment - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

export type G711Law = 'ulaw' | 'alaw';

const tables = new Map<G711Law, Uint8Array>();

function encodeTable(law: G711Law): Uint8Array {
  let table = tables.get(law);
  if (!table) {
    table = new Uint8Array(65536);
    const encode = law === 'ulaw' ? linearToUlaw : linearToAlaw;
    for (let i = 0; i < 65536; i++) table[i] = encode(i - 32768);
    tables.set(law, table);
  }
  return table;
}

/** Encodes linear samples; the result has one byte per sample. */
export function encodeG711(samples: Int16Array, law: G711Law): Uint8Array {
  const table = encodeTable(law);
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = table[samples[i] + 32768];
  return out;
}

const decodeTables: Record<G711Law, Int16Array> = {
  ulaw: Int16Array.from({ length: 256 }, (_, code) => ulawToLinear(code)),
  alaw: Int16Array.from({ length: 256 }, (_, code) => alawToLinear(code)),
};

export function decodeG711(codes: Uint8Array, law: G711Law): Int16Array {
  const table = decodeTables[law];
  const out = new Int16Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = table[codes[i]];
  return out;
}
