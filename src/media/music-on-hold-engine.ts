/**
 * The node's music on hold (issue #15), the MusicOnHold port of the call service: one UDP socket
 * at the node's address, a streamer worker thread that paces every held phone's G.711 stream, and
 * the limit on streams (--moh-max-streams: one more held phone hears silence, logged and counted).
 */
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { MediaTarget } from '../core/call/media.js';
import { startThread } from '../runtime/entry-script.js';
import type { MusicOnHold, MusicStream } from '../services/calls/music-on-hold.js';
import type { LimitReporter } from '../services/limit-log.js';
import { isStreamCodec } from './rtp-packet.js';
import type { StreamerReply, StreamerRequest, StreamerStats } from './streamer-protocol.js';

export interface MusicOnHoldOptions {
  /** Address the socket binds (the node's --bind). */
  bind: string;
  /** The address phones reach the node at (advertised): held phones are told it. */
  address: string;
  /** --moh-rtp-port; 0 picks one. */
  port: number;
  /** --moh-max-streams; 0: no music on hold. */
  maxStreams: number;
  samples: Int16Array;
  limits: LimitReporter;
  logger: Logger;
}

export class MusicOnHoldEngine implements MusicOnHold {
  private readonly legs = new Set<number>();
  private readonly waiting = new Map<number, (stats: StreamerStats) => void>();
  private nextQuery = 1;

  private constructor(
    private readonly options: MusicOnHoldOptions,
    private readonly worker: Worker | null,
    readonly source: MediaTarget | null,
  ) {
    worker?.on('message', (reply: StreamerReply) => {
      if (reply.type === 'stats') {
        this.waiting.get(reply.id)?.(reply.stats);
        this.waiting.delete(reply.id);
      } else if (reply.type === 'error')
        options.logger.error(
          `music on hold: its socket failed (${reply.message}); held phones may hear silence until the node restarts`,
        );
    });
  }

  /** Binds the music socket in its thread; with --moh-max-streams 0, serves none and starts nothing. */
  static async start(options: MusicOnHoldOptions): Promise<MusicOnHoldEngine> {
    if (options.maxStreams === 0) return new MusicOnHoldEngine(options, null, null);
    const worker = startThread(import.meta.url, 'streamer-thread', {
      workerData: { bind: options.bind, port: options.port, samples: options.samples },
    });
    const port = await new Promise<number>((resolve, reject) => {
      const failed = (error: Error) => reject(error);
      worker.once('error', failed);
      worker.on('message', function ready(reply: StreamerReply) {
        if (reply.type === 'error') {
          worker.off('message', ready);
          void worker.terminate();
          reject(
            new Error(
              `music on hold cannot listen on UDP ${options.bind}:${options.port} (${reply.message}): choose another port with --moh-rtp-port / OPENUCM_MOH_RTP_PORT`,
            ),
          );
        }
        if (reply.type !== 'ready') return;
        worker.off('message', ready);
        worker.off('error', failed);
        resolve(reply.port);
      });
    });
    worker.on('error', (error: Error) =>
      options.logger.error(
        { err: error },
        `music on hold stopped (${error.message}); held phones hear silence`,
      ),
    );
    options.logger.info({ address: options.address, port, maxStreams: options.maxStreams }, 'music on hold');
    return new MusicOnHoldEngine(options, worker, { address: options.address, port });
  }

  start(stream: MusicStream): boolean {
    const { limits, logger, maxStreams } = this.options;
    if (!this.worker) return false;
    if (!isStreamCodec(stream.codec)) {
      logger.warn(
        { device: stream.deviceName, codec: stream.codec },
        `${stream.deviceName} is held in ${stream.codec}: music on hold is streamed in G.711 only (PCMU, PCMA), so it hears silence`,
      );
      return false;
    }
    if (!this.legs.has(stream.leg) && this.legs.size >= maxStreams) {
      limits.reached(
        'mohMaxStreams',
        { device: stream.deviceName, address: stream.to.address },
        `${stream.deviceName} is held but hears silence: the node streams music on hold to ${maxStreams} held phones, its limit (--moh-max-streams); raise it if the node has the bandwidth (64 kbit/s each)`,
      );
      return false;
    }
    this.legs.add(stream.leg);
    this.post({ type: 'start', leg: stream.leg, to: stream.to, codec: stream.codec });
    return true;
  }

  stop(leg: number): void {
    if (!this.legs.delete(leg)) return;
    this.post({ type: 'stop', leg });
  }

  /** Streams playing now. */
  get streams(): number {
    return this.legs.size;
  }

  /** What held phones hear from now on (each stream keeps its place, wrapped into the new audio). */
  setSource(samples: Int16Array): void {
    this.post({ type: 'source', samples });
  }

  /** The streamer's counts: frames sent and skipped, late wake-ups. */
  stats(): Promise<StreamerStats | null> {
    if (!this.worker) return Promise.resolve(null);
    const id = this.nextQuery++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.post({ type: 'stats', id });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }

  private post(message: StreamerRequest): void {
    this.worker?.postMessage(message);
  }
}
