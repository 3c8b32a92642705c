/**
 * A phone's RTP endpoint for the simulator: receives on a UDP port of its own address and, once
 * told where, sends G.711 µ-law (RFC 3551 PT 0) in 20 ms packets with a real RTP header
 * (RFC 3550: version 2, sequence, timestamp, SSRC). It counts what arrives and from where, so
 * that one-way audio shows. Protocol-neutral: SCCP and SIP sim phones use it alike.
 */
import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { decodeG711, encodeG711 } from '../media/g711.js';
import { heardTones, toneFrame } from '../media/tones.js';

export interface RtpTarget {
  address: string;
  port: number;
}

export interface RtpStats {
  sent: number;
  received: number;
  /** Where packets came from ("ip:port"), in order of first arrival. */
  receivedFrom: string[];
  /**
   * Per source ("ip:port"): packets and the payload type of the last one. Music on hold shows as
   * packets from the node's music address while the call is held.
   */
  sources: Record<string, { packets: number; payloadType: number }>;
  /** Where the phone sends now, or null. */
  sendingTo: string | null;
  /** Which of the test tones (LISTEN_TONES, Hz) the phone hears in its last 500 ms: a conference party's others. */
  tonesHeard: number[];
}

/** The tones a sim phone listens for (and may send with --tone-hz): far enough apart for Goertzel on 500 ms. */
export const LISTEN_TONES = [500, 800, 1200, 1700] as const;

const PACKET_MS = 20;
/** 8 kHz × 20 ms of µ-law: one byte per sample. */
const SAMPLES = 160;
const PCMU = 0;
/** µ-law digital silence. */
const SILENCE = 0xff;
const PCMA = 8;
/** Received audio kept for tone detection: the last 500 ms. */
const HEARD_FRAMES = 25;

export class RtpStream {
  private readonly socket: dgram.Socket;
  private timer: NodeJS.Timeout | null = null;
  private target: RtpTarget | null = null;
  private sequence = randomInt(0, 0x10000);
  private timestamp = randomInt(0, 0x1_0000_0000);
  private readonly ssrc = randomInt(1, 0x1_0000_0000);
  private readonly from = new Map<string, { packets: number; payloadType: number }>();
  private counts = { sent: 0, received: 0 };
  /** The sine this phone sends instead of silence (--tone-hz), and where in it the next frame starts. */
  private tone: { hz: number; at: number } | null = null;
  private heard: Int16Array[] = [];

  private constructor(
    socket: dgram.Socket,
    readonly address: string,
    readonly port: number,
  ) {
    this.socket = socket;
    socket.on('message', (packet, peer) => {
      // RTP version 2 only: anything else on the port is not audio.
      if (packet.length < 12 || packet[0] >> 6 !== 2) return;
      this.counts.received++;
      const source = `${peer.address}:${peer.port}`;
      const seen = this.from.get(source);
      if (seen) {
        seen.packets++;
        seen.payloadType = packet[1] & 0x7f;
      } else this.from.set(source, { packets: 1, payloadType: packet[1] & 0x7f });
      const payloadType = packet[1] & 0x7f;
      if ((payloadType === PCMU || payloadType === PCMA) && packet.length === 12 + SAMPLES) {
        if (this.heard.length >= HEARD_FRAMES) this.heard.shift();
        this.heard.push(decodeG711(packet.subarray(12), payloadType === PCMU ? 'ulaw' : 'alaw'));
      }
    });
  }

  /** Binds a UDP port (chosen by the system) on `address`: where the phone receives. */
  static open(address: string, toneHz?: number): Promise<RtpStream> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', reject);
      socket.bind({ address, port: 0 }, () => {
        socket.off('error', reject);
        socket.on('error', () => undefined);
        const stream = new RtpStream(socket, address, socket.address().port);
        if (toneHz !== undefined) stream.setTone(toneHz);
        resolve(stream);
      });
    });
  }

  /** Sends to `target` from now on (a new target replaces the old one). */
  start(target: RtpTarget): void {
    this.target = target;
    if (this.timer) return;
    this.timer = setInterval(() => this.sendOne(), PACKET_MS);
    this.sendOne();
  }

  /** Stops sending; the port stays open. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.target = null;
  }

  /** Sends a sine of `hz` from now on (null: silence again): a conference party others can recognise. */
  setTone(hz: number | null): void {
    this.tone = hz === null ? null : { hz, at: 0 };
  }

  /** Forgets what was heard so far: tonesHeard() then tells only what arrives from now on. */
  clearHeard(): void {
    this.heard = [];
  }

  /** Frames of received G.711 audio kept (at most 25, the last 500 ms). */
  get heardFrames(): number {
    return this.heard.length;
  }

  /** Which of `candidates` (Hz) the phone heard in its last 500 ms of received audio. */
  tonesHeard(candidates: readonly number[]): number[] {
    return heardTones(Int16Array.from(this.heard.flatMap((frame) => [...frame])), candidates);
  }

  close(): void {
    this.stop();
    this.socket.close();
  }

  get stats(): RtpStats {
    const t = this.target;
    return {
      ...this.counts,
      receivedFrom: [...this.from.keys()],
      sources: Object.fromEntries([...this.from].map(([source, seen]) => [source, { ...seen }])),
      sendingTo: t ? `${t.address}:${t.port}` : null,
      tonesHeard: this.tonesHeard(LISTEN_TONES),
    };
  }

  private sendOne(): void {
    const target = this.target;
    if (!target) return;
    const packet = Buffer.alloc(12 + SAMPLES, SILENCE);
    if (this.tone) {
      packet.set(encodeG711(toneFrame(this.tone.hz, this.tone.at), 'ulaw'), 12);
      this.tone.at += SAMPLES;
    }
    packet[0] = 0x80; // version 2, no padding, no extension, no CSRC
    packet[1] = PCMU; // marker 0
    packet.writeUInt16BE(this.sequence, 2);
    packet.writeUInt32BE(this.timestamp >>> 0, 4);
    packet.writeUInt32BE(this.ssrc >>> 0, 8);
    this.sequence = (this.sequence + 1) & 0xffff;
    this.timestamp = (this.timestamp + SAMPLES) >>> 0;
    this.socket.send(packet, target.port, target.address, (error) => {
      if (!error) this.counts.sent++;
    });
  }
}
