import type { LimitSpec } from './limit.js';

/** Limits of the node's own media (src/media/): music on hold, the conference bridge. */
export const mediaLimits = {
  mohMaxStreams: {
    default: 1000,
    min: 0,
    max: 100_000,
    help: 'held phones a node streams music on hold to at once (one G.711 stream, 64 kbit/s, each); one more held phone hears silence. 0: no music on hold, held phones hear silence',
  },
  mohMaxAudioSourceBytes: {
    default: 16 * 1024 * 1024,
    min: 1024,
    max: 256 * 1024 * 1024,
    help: 'bytes of an uploaded music on hold audio source (WAV); 16 MiB is about 17 minutes of 8 kHz 16-bit audio',
  },
  conferenceMax: {
    default: 100,
    min: 0,
    max: 10_000,
    help: 'ad hoc conferences a node mixes at once (three G.711 streams in and out, 64 kbit/s each way, per conference); one more Confrn is refused and the controller keeps its calls. 0: no conferences',
  },
} satisfies Record<string, LimitSpec>;
