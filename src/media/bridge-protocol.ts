/** Messages between ConferenceBridge (main thread) and its mixer thread (bridge-thread.ts). */
import type { MediaTarget } from '../core/call/media.js';
import type { StreamCodec } from './rtp-packet.js';

export interface BridgeSetup {
  /** Address each party's socket binds (the node's --bind); ports are picked by the system. */
  bind: string;
}

export type BridgeRequest =
  /** A party joins a conference (the first one opens it): the thread binds the party's socket. */
  | { type: 'join'; id: number; conference: number; party: number; codec: StreamCodec }
  /** Where the party's phone receives: the mix is sent there from the party's socket. */
  | { type: 'send-to'; conference: number; party: number; to: MediaTarget }
  /** The party leaves (its socket closes); the last one to leave ends the conference. */
  | { type: 'leave'; conference: number; party: number }
  | { type: 'stats'; id: number };

export interface BridgeStats {
  conferences: number;
  parties: number;
  /** 20 ms frames taken from the parties' RTP. */
  framesReceived: number;
  /** RTP packets that were not a 20 ms frame in the party's codec, or came from another address. */
  framesRejected: number;
  framesSent: number;
  /** Mix frames dropped because the thread fell more than a few frames behind (lost for every party). */
  framesSkipped: number;
  sendErrors: number;
  ticks: number;
  /** Wake-ups more than 60 ms late (beyond what a phone's jitter buffer hides). */
  lateTicks: number;
  /** The latest a mix was sent since the previous stats query, ms after it was due. */
  maxLateMs: number;
}

export type BridgeReply =
  | { type: 'joined'; id: number; port: number }
  | { type: 'join-failed'; id: number; message: string }
  | { type: 'stats'; id: number; stats: BridgeStats };
