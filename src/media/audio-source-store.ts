/**
 * Media Resources > Music On Hold Audio Source: the uploaded WAV file, kept with the node's data
 * (`<data dir>/moh/audio-source.wav`) and played from the next hold on; the default tone while
 * there is none.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { defaultTone, parseWav, SAMPLE_RATE } from './audio-source.js';

export interface AudioSourceInfo {
  /** `default-tone` until a file is uploaded. */
  kind: 'default-tone' | 'uploaded';
  seconds: number;
  uploadedAt: string | null;
}

export class AudioSourceStore {
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly logger: Logger,
  ) {
    this.file = path.join(dataDir, 'moh', 'audio-source.wav');
  }

  /** The samples to play: the stored file, or the default tone when there is none or it is unreadable. */
  async load(): Promise<{ samples: Int16Array; info: AudioSourceInfo }> {
    try {
      const [content, stat] = await Promise.all([fs.readFile(this.file), fs.stat(this.file)]);
      const samples = parseWav(content);
      return {
        samples,
        info: {
          kind: 'uploaded',
          seconds: samples.length / SAMPLE_RATE,
          uploadedAt: stat.mtime.toISOString(),
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.logger.warn(
          { file: this.file },
          `music on hold plays the default tone: the stored audio source ${this.file} cannot be played (${(error as Error).message}); upload another under Media Resources > Music On Hold Audio Source`,
        );
      const samples = defaultTone();
      return {
        samples,
        info: { kind: 'default-tone', seconds: samples.length / SAMPLE_RATE, uploadedAt: null },
      };
    }
  }

  /** Checks the file (parseWav throws AudioSourceError naming the rule), then stores it durably. */
  async save(content: Buffer): Promise<{ samples: Int16Array; info: AudioSourceInfo }> {
    const samples = parseWav(content);
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    const handle = await fs.open(temporary, 'w');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, this.file);
    return {
      samples,
      info: { kind: 'uploaded', seconds: samples.length / SAMPLE_RATE, uploadedAt: new Date().toISOString() },
    };
  }

  /** Back to the default tone. */
  async remove(): Promise<void> {
    await fs.rm(this.file, { force: true });
  }
}
