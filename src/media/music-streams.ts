/**
 * The music on hold streams of one sender: per held phone its target, codec and RTP sequence, and
 * its place in the looped audio. Each `frame()` sends every stream its next 20 ms; the thread that
 * owns the socket calls it on the pacer's cadence (streamer-thread.ts). No clock, no socket here.
 */
import { randomInt } from 'node:crypto';
import { encodeG711 } from './g711.js';
import type { StreamCodec } from './rtp-packet.js';
import { PAYLOAD_TYPE, RTP_HEADER_BYTES, RtpSequencer, writeRtpHeader } from './rtp-packet.js';

/** 20 ms at 8 kHz: every packet the node sends carries this much (a 79xx plays any packet size). */
export const FRAME_SAMPLES = 160;
export const FRAME_MS = 20;

export interface StreamTarget {
  address: string;
  port: number;
}

export interface StreamRequest {
  leg: number;
  to: StreamTarget;
  codec: StreamCodec;
}

interface Stream {
  to: StreamTarget;
  codec: StreamCodec;
  rtp: RtpSequencer;
  /** Byte offset of the next frame in the codec's loop. */
  at: number;
}

export type SendPacket = (packet: Buffer[], to: StreamTarget) => void;

export class MusicStreams {
  private readonly streams = new Map<number, Stream>();
  private loops: Record<StreamCodec, Buffer> = { PCMU: Buffer.alloc(0), PCMA: Buffer.alloc(0) };
  framesSent = 0;
  framesSkipped = 0;

  constructor(
    private readonly send: SendPacket,
    samples: Int16Array,
  ) {
    this.setSource(samples);
  }

  /** The audio every stream plays from its next loop on; streams keep their place (wrapped). */
  setSource(samples: Int16Array): void {
    // Whole frames only: the loop is padded with silence to a multiple of 20 ms.
    const padded = new Int16Array(Math.max(1, Math.ceil(samples.length / FRAME_SAMPLES)) * FRAME_SAMPLES);
    padded.set(samples);
    const bytes = (law: 'ulaw' | 'alaw') => {
      const encoded = encodeG711(padded, law);
      return Buffer.from(encoded.buffer, encoded.byteOffset, encoded.length);
    };
    this.loops = { PCMU: bytes('ulaw'), PCMA: bytes('alaw') };
    for (const stream of this.streams.values()) stream.at %= this.loops[stream.codec].length;
  }

  /** Starts (or re-points) the leg's stream; a new target keeps the sequence and the place in the music. */
  start(request: StreamRequest): void {
    const current = this.streams.get(request.leg);
    if (current && current.codec === request.codec) {
      current.to = request.to;
      return;
    }
    const rtp = new RtpSequencer(
      PAYLOAD_TYPE[request.codec],
      randomInt(1, 0x1_0000_0000),
      randomInt(0, 0x10000),
      randomInt(0, 0x1_0000_0000),
    );
    this.streams.set(request.leg, { to: request.to, codec: request.codec, rtp, at: 0 });
  }

  stop(leg: number): boolean {
    return this.streams.delete(leg);
  }

  get size(): number {
    return this.streams.size;
  }

  /** Sends every stream its next frame. */
  frame(): void {
    for (const stream of this.streams.values()) {
      const loop = this.loops[stream.codec];
      const header = writeRtpHeader(Buffer.allocUnsafe(RTP_HEADER_BYTES), stream.rtp.next(FRAME_SAMPLES));
      const payload = loop.subarray(stream.at, stream.at + FRAME_SAMPLES);
      stream.at = (stream.at + FRAME_SAMPLES) % loop.length;
      this.send([header, payload], stream.to);
      this.framesSent++;
    }
  }

  /** `frames` the sender could not send in time: dropped, the music and the timestamps move on. */
  skip(frames: number): void {
    for (const stream of this.streams.values()) {
      const loop = this.loops[stream.codec];
      for (let i = 0; i < frames; i++) stream.rtp.skip(FRAME_SAMPLES);
      stream.at = (stream.at + frames * FRAME_SAMPLES) % loop.length;
      this.framesSkipped += frames;
    }
  }
}
