import type { Codec } from '../../core/call/codec.js';
import type { MediaTarget } from '../../core/call/media.js';

/** One held phone's music: where it receives and in which codec. */
export interface MusicStream {
  /** The held leg's id: one stream per held leg. */
  leg: number;
  deviceName: string;
  to: MediaTarget;
  codec: Codec;
  packetMs: number;
}

/**
 * The node's music on hold as the call service drives it (src/media implements it in a worker
 * thread; a cluster may implement it elsewhere). The service starts a stream when a held phone
 * says where it receives and stops it on resume, on the phone's own hold and when the call ends.
 */
export interface MusicOnHold {
  /** Where held phones receive the music from (the node's RTP address and port); null: none served. */
  readonly source: MediaTarget | null;
  /** Streams to a held phone (a new target for the same leg replaces the old); false when refused at its limit. */
  start(stream: MusicStream): boolean;
  /** Stops the leg's stream; nothing when it has none. */
  stop(leg: number): void;
}
