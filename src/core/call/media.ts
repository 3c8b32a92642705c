import type { Codec } from './codec.js';
import type { SrtpDescription, SrtpKey } from './srtp.js';
import { sameKey } from './srtp.js';

/** SDP media direction (RFC 3264 §6.1); SCCP channels are always both ways. */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/**
 * Where and how one phone receives RTP, whichever protocol said so: an SCCP phone's
 * OpenReceiveChannelAck, or the c=/m= lines of a SIP phone's SDP.
 */
export interface MediaDescription {
  /** IPv4 address (dotted) the phone receives on. */
  address: string;
  port: number;
  /** What the phone can receive, most preferred first. */
  codecs: readonly Codec[];
  direction: MediaDirection;
  /** Milliseconds of audio per packet the phone asked for (SDP a=ptime), when it said. */
  packetMs?: number;
  /** Its SDES crypto lines (RFC 4568), when it offered or answered any. */
  srtp?: SrtpDescription;
}

/** Where a phone is told to send its RTP. */
export interface MediaTarget {
  address: string;
  port: number;
  /** The SRTP key the other phone sends with, when the call is encrypted: the phone decrypts with it. */
  srtp?: SrtpKey;
}

/**
 * A SIP phone puts a call on hold by offering sendonly or inactive (RFC 3264 §8.4), or with the
 * older RFC 2543 form c=0.0.0.0 (7940/7960 SIP 6.x/7.x do).
 */
export function isHoldOffer(media: MediaDescription): boolean {
  return media.direction === 'sendonly' || media.direction === 'inactive' || media.address === '0.0.0.0';
}

export function sameTarget(a: MediaTarget | null, b: MediaTarget | null): boolean {
  return a !== null && b !== null && a.address === b.address && a.port === b.port && sameKey(a.srtp, b.srtp);
}
