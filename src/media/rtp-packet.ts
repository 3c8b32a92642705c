/**
 * RTP (RFC 3550 §5.1) as the node sends it: version 2, no padding, extension or CSRC; payload type
 * 0 (PCMU) or 8 (PCMA, RFC 3551 §6); the marker on a stream's first packet (RFC 3551 §4.1: the
 * start of a talkspurt); the timestamp advancing by the samples of each packet at 8 kHz.
 */
import type { Codec } from '../core/call/codec.js';

export const RTP_HEADER_BYTES = 12;

/** RFC 3551 static payload types of the codecs the node streams. */
export const PAYLOAD_TYPE = { PCMU: 0, PCMA: 8 } as const;

export type StreamCodec = keyof typeof PAYLOAD_TYPE;

/** The codecs the node can stream (G.711 only: it never transcodes into others). */
export function isStreamCodec(codec: Codec): codec is StreamCodec {
  return codec === 'PCMU' || codec === 'PCMA';
}

export interface RtpHeader {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
}

export function writeRtpHeader(target: Buffer, header: RtpHeader): Buffer {
  target[0] = 0x80;
  target[1] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f);
  target.writeUInt16BE(header.sequence & 0xffff, 2);
  target.writeUInt32BE(header.timestamp >>> 0, 4);
  target.writeUInt32BE(header.ssrc >>> 0, 8);
  return target;
}

/** The header of an RTP packet, or null when it is not RTP version 2. */
export function readRtpHeader(packet: Buffer): RtpHeader | null {
  if (packet.length < RTP_HEADER_BYTES || packet[0] >> 6 !== 2) return null;
  return {
    payloadType: packet[1] & 0x7f,
    marker: (packet[1] & 0x80) !== 0,
    sequence: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
  };
}

/** One outgoing stream's sequence, timestamp and marker: each packet's header in turn. */
export class RtpSequencer {
  private first = true;

  constructor(
    readonly payloadType: number,
    readonly ssrc: number,
    private sequence: number,
    private timestamp: number,
  ) {}

  /** The next packet's header; `samples` is what the packet carries (160 for 20 ms at 8 kHz). */
  next(samples: number): RtpHeader {
    const header = {
      payloadType: this.payloadType,
      marker: this.first,
      sequence: this.sequence,
      timestamp: this.timestamp,
      ssrc: this.ssrc,
    };
    this.first = false;
    this.sequence = (this.sequence + 1) & 0xffff;
    this.timestamp = (this.timestamp + samples) >>> 0;
    return header;
  }

  /** Frames that were never sent (the sender fell behind): the timestamp moves on, the sequence does not. */
  skip(samples: number): void {
    this.timestamp = (this.timestamp + samples) >>> 0;
  }
}
