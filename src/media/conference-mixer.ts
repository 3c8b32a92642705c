/**
 * The ad hoc conference bridge's mix (issue #15, not wired to the Confrn key yet): each party sends
 * G.711 RTP to the bridge; every 20 ms each party is sent the sum of the others' latest frames,
 * clipped to 16 bits, in its own codec — never its own voice. Pure and clock-free: the thread that
 * owns the sockets feeds packets in and calls `tick()` on its pacer's cadence.
 */
import { decodeG711, encodeG711 } from './g711.js';
import type { G711Law } from './g711.js';
import { FRAME_SAMPLES } from './music-streams.js';
import type { StreamCodec } from './rtp-packet.js';
import { PAYLOAD_TYPE, readRtpHeader, RTP_HEADER_BYTES, RtpSequencer, writeRtpHeader } from './rtp-packet.js';

const LAW: Record<StreamCodec, G711Law> = { PCMU: 'ulaw', PCMA: 'alaw' };
/** Frames kept per party: a little jitter absorbed, and never more delay than 60 ms. */
const MAX_QUEUED = 3;

interface Party {
  codec: StreamCodec;
  queue: Int16Array[];
  rtp: RtpSequencer;
}

/** Each output = clip(sum of all − own): one pass for the sum, one per party. */
export function mixFrames(frames: readonly (Int16Array | null)[]): Int16Array[] {
  const total = new Int32Array(FRAME_SAMPLES);
  for (const frame of frames) if (frame) for (let i = 0; i < FRAME_SAMPLES; i++) total[i] += frame[i];
  return frames.map((own) => {
    const out = new Int16Array(FRAME_SAMPLES);
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const value = total[i] - (own ? own[i] : 0);
      out[i] = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
    }
    return out;
  });
}

export class ConferenceMixer {
  private readonly parties = new Map<number, Party>();

  /** A party joins in its codec; `ssrc` names the stream the bridge sends it. */
  join(party: number, codec: StreamCodec, ssrc: number): void {
    this.parties.set(party, { codec, queue: [], rtp: new RtpSequencer(PAYLOAD_TYPE[codec], ssrc, 0, 0) });
  }

  leave(party: number): void {
    this.parties.delete(party);
  }

  /** An RTP packet from a party; anything but a 20 ms frame in its codec is dropped (no transcoding of others). */
  receive(party: number, packet: Buffer): boolean {
    const member = this.parties.get(party);
    const header = readRtpHeader(packet);
    if (!member || !header || header.payloadType !== PAYLOAD_TYPE[member.codec]) return false;
    const payload = packet.subarray(RTP_HEADER_BYTES);
    if (payload.length !== FRAME_SAMPLES) return false;
    if (member.queue.length >= MAX_QUEUED) member.queue.shift();
    member.queue.push(decodeG711(payload, LAW[member.codec]));
    return true;
  }

  /** One 20 ms step: the RTP packet each party is sent now. */
  tick(): Map<number, Buffer> {
    const ids = [...this.parties.keys()];
    const members = ids.map((id) => this.parties.get(id)!);
    const mixed = mixFrames(members.map((member) => member.queue.shift() ?? null));
    const out = new Map<number, Buffer>();
    members.forEach((member, i) => {
      const packet = Buffer.allocUnsafe(RTP_HEADER_BYTES + FRAME_SAMPLES);
      writeRtpHeader(packet, member.rtp.next(FRAME_SAMPLES));
      packet.set(encodeG711(mixed[i], LAW[member.codec]), RTP_HEADER_BYTES);
      out.set(ids[i], packet);
    });
    return out;
  }
}
