import { readFixedString, writeFixedString } from '../fixed-string.js';
import { zeroFill } from '../zero-fill.js';

/** FeatureStatReq (0x0034, phone → server): asks about one feature button. */
export interface FeatureStatReq {
  type: 'FeatureStatReq';
  featureIndex: number;
  featureCapabilities: number;
}

/** FeatureStat (0x011F, server → phone). */
export interface FeatureStat {
  type: 'FeatureStat';
  /** "instance": the button's index. */
  featureIndex: number;
  /** "buttonType": a {@link ButtonDefinition} code. */
  featureId: number;
  /** ≤ 39 characters. */
  featureTextLabel: string;
  featureStatus: number;
}

// Reference §2: FeatureStatReq body u32 featureIndex, u32 featureCapabilities.
export function decodeFeatureStatReq(body: Buffer): FeatureStatReq {
  const b = zeroFill(body, 8);
  return { type: 'FeatureStatReq', featureIndex: b.readUInt32LE(0), featureCapabilities: b.readUInt32LE(4) };
}

export function encodeFeatureStatReq(msg: Omit<FeatureStatReq, 'type'>): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(msg.featureIndex, 0);
  b.writeUInt32LE(msg.featureCapabilities, 4);
  return b;
}

// Reference §2: FeatureStat body u32 instance @0, u32 buttonType @4, char[40] label @8, u32 status @48.
const FEATURE_STAT_BODY = 52;

export function decodeFeatureStat(body: Buffer): FeatureStat {
  const b = zeroFill(body, FEATURE_STAT_BODY);
  return {
    type: 'FeatureStat',
    featureIndex: b.readUInt32LE(0),
    featureId: b.readUInt32LE(4),
    featureTextLabel: readFixedString(b, 8, 40),
    featureStatus: b.readUInt32LE(48),
  };
}

export function encodeFeatureStat(msg: Omit<FeatureStat, 'type'>): Buffer {
  const b = Buffer.alloc(FEATURE_STAT_BODY);
  b.writeUInt32LE(msg.featureIndex, 0);
  b.writeUInt32LE(msg.featureId, 4);
  writeFixedString(b, 8, 40, msg.featureTextLabel);
  b.writeUInt32LE(msg.featureStatus, 48);
  return b;
}
