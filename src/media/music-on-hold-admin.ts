import type { AudioSourceInfo, AudioSourceStore } from './audio-source-store.js';
import type { MusicOnHoldEngine } from './music-on-hold-engine.js';

/** What Media Resources > Music On Hold shows and changes: the audio source, and the streams now. */
export interface MusicOnHoldStatus {
  audioSource: AudioSourceInfo;
  /** Held phones hearing music now, and the limit (--moh-max-streams; 0: music on hold is off). */
  streams: number;
  maxStreams: number;
  /** Where held phones receive from: the node's address and music port; null when off. */
  source: { address: string; port: number } | null;
}

export class MusicOnHoldAdmin {
  constructor(
    private readonly engine: MusicOnHoldEngine,
    private readonly store: AudioSourceStore,
    private audioSource: AudioSourceInfo,
    private readonly maxStreams: number,
  ) {}

  status(): MusicOnHoldStatus {
    return {
      audioSource: this.audioSource,
      streams: this.engine.streams,
      maxStreams: this.maxStreams,
      source: this.engine.source,
    };
  }

  /** Stores the WAV file (durably, before answering) and plays it from now on. */
  async upload(content: Buffer): Promise<MusicOnHoldStatus> {
    const { samples, info } = await this.store.save(content);
    this.engine.setSource(samples);
    this.audioSource = info;
    return this.status();
  }

  /** Back to the default tone. */
  async reset(): Promise<MusicOnHoldStatus> {
    await this.store.remove();
    const { samples, info } = await this.store.load();
    this.engine.setSource(samples);
    this.audioSource = info;
    return this.status();
  }
}
