/** Messages between MusicOnHoldEngine (main thread) and its streamer thread. */
import type { StreamRequest } from './music-streams.js';

export interface StreamerSetup {
  /** Address and port the music socket binds (port 0: one the system picks). */
  bind: string;
  port: number;
  samples: Int16Array;
}

export type StreamerRequest =
  | ({ type: 'start' } & StreamRequest)
  | { type: 'stop'; leg: number }
  | { type: 'source'; samples: Int16Array }
  | { type: 'stats'; id: number };

export interface StreamerStats {
  streams: number;
  framesSent: number;
  /** Frames dropped because the sender fell more than a few frames behind. */
  framesSkipped: number;
  sendErrors: number;
  ticks: number;
  /** Wake-ups more than 60 ms late (beyond what a phone's jitter buffer hides). */
  lateTicks: number;
  /** The latest a frame was sent since the previous stats query, ms after it was due. */
  maxLateMs: number;
}

export type StreamerReply =
  | { type: 'ready'; port: number }
  | { type: 'error'; message: string }
  | { type: 'stats'; id: number; stats: StreamerStats };
