/**
 * Audio codecs the phones share, by one name, with their Skinny and RTP numbers (calls.md §1.3:
 * Skinny numbers from Wireshark = FreeSWITCH = the CDR codec table; payload types RFC 3551).
 * The node never transcodes: a call uses one codec both phones have, or it is refused.
 */
export type Codec = 'PCMU' | 'PCMA' | 'G722' | 'G723' | 'G729';

interface CodecFacts {
  /** Media_PayloadType in OpenReceiveChannel/StartMediaTransmission, and the CDR's payloadCapability. */
  skinny: number;
  /** Static RTP payload type. */
  payloadType: number;
  /** SDP rtpmap encoding name. */
  sdpName: string;
}

export const CODECS: Record<Codec, CodecFacts> = {
  PCMU: { skinny: 4, payloadType: 0, sdpName: 'PCMU' },
  PCMA: { skinny: 2, payloadType: 8, sdpName: 'PCMA' },
  G722: { skinny: 6, payloadType: 9, sdpName: 'G722' },
  G723: { skinny: 9, payloadType: 4, sdpName: 'G723' },
  // G.729 and Annex A interwork (one payload type); annex B (VAD) is an fmtp detail of the leg.
  G729: { skinny: 11, payloadType: 18, sdpName: 'G729' },
};

/** Skinny Media_PayloadType numbers that name one of the codecs above (11/12 G.729 and annex A, 15/16 with annex B). */
const SKINNY: Record<number, Codec> = {
  2: 'PCMA',
  4: 'PCMU',
  6: 'G722',
  9: 'G723',
  11: 'G729',
  12: 'G729',
  15: 'G729',
  16: 'G729',
};

/** The codec of a Skinny capability number, or null for one the node cannot offer (wideband, video…). */
export function codecOfSkinny(value: number): Codec | null {
  return SKINNY[value] ?? null;
}

/** The codec of an SDP rtpmap encoding name (case-insensitive), or null when it is none of ours. */
export function codecOfSdpName(name: string): Codec | null {
  const upper = name.toUpperCase();
  const found = (Object.keys(CODECS) as Codec[]).find((codec) => CODECS[codec].sdpName === upper);
  return found ?? null;
}

/**
 * The codec two phones will talk with: the first of `preferred` (the caller's list, in its order)
 * that `other` also has; null when they share none — the call is then refused, not transcoded.
 */
export function chooseCodec(preferred: readonly Codec[], other: readonly Codec[]): Codec | null {
  return preferred.find((codec) => other.includes(codec)) ?? null;
}
