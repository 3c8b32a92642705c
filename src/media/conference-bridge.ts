/**
 * The node's ad hoc conference bridge (issue #15): the media endpoint every conference party talks
 * to. The mixing runs in a worker thread (bridge-thread.ts); here, on the main thread, only the
 * bookkeeping: which conferences are open, the limit on them (--conference-max: one more is
 * refused, logged and counted), and the address each party's phone must send its RTP to.
 */
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Codec } from '../core/call/codec.js';
import type { MediaTarget } from '../core/call/media.js';
import { startThread } from '../runtime/entry-script.js';
import type { LimitContext, LimitReporter } from '../services/limit-log.js';
import type { BridgeReply, BridgeRequest, BridgeStats } from './bridge-protocol.js';
import { isStreamCodec } from './rtp-packet.js';

export interface ConferenceBridgeOptions {
  /** Address the parties' sockets bind (the node's --bind). */
  bind: string;
  /** The address phones reach the node at (advertised): each party's phone is pointed at it. */
  address: string;
  /** --conference-max; 0: no conferences (no thread is started). */
  maxConferences: number;
  limits: LimitReporter;
  logger: Logger;
}

export class ConferenceBridge {
  /** Open conferences and their parties. */
  private readonly conferences = new Map<number, Set<number>>();
  private readonly waiting = new Map<number, (reply: BridgeReply) => void>();
  private nextRequest = 1;
  private nextConference = 1;

  private constructor(
    private readonly options: ConferenceBridgeOptions,
    private readonly worker: Worker | null,
  ) {
    worker?.on('message', (reply: BridgeReply) => {
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
    worker?.on('error', (error: Error) =>
      options.logger.error(
        { err: error },
        `conference bridge stopped (${error.message}); conference parties hear silence until the node restarts`,
      ),
    );
  }

  static start(options: ConferenceBridgeOptions): ConferenceBridge {
    if (options.maxConferences === 0) return new ConferenceBridge(options, null);
    const worker = startThread(import.meta.url, 'bridge-thread', { workerData: { bind: options.bind } });
    options.logger.info(
      { address: options.address, maxConferences: options.maxConferences },
      'conference bridge',
    );
    return new ConferenceBridge(options, worker);
  }

  /**
   * A new conference, or null when the node mixes its limit already (--conference-max): the
   * refusal is logged and counted; `who` names the controller's phone.
   */
  open(who: LimitContext): number | null {
    const { maxConferences, limits } = this.options;
    if (!this.worker || this.conferences.size >= maxConferences) {
      limits.reached(
        'conferenceMax',
        who,
        `${who.device ?? 'a phone'} asked for a conference and was refused: the node mixes ${maxConferences} conferences at once, its limit (--conference-max); raise it if the node has the CPU and bandwidth (about 200 kbit/s each way per conference)`,
      );
      return null;
    }
    const id = this.nextConference++;
    this.conferences.set(id, new Set());
    return id;
  }

  /**
   * A party joins: the address its phone must send RTP to (the bridge's port for it). Only G.711
   * is mixed; a phone in another codec is refused (the caller keeps it out of the conference).
   */
  async join(conference: number, party: number, codec: Codec): Promise<MediaTarget> {
    const parties = this.conferences.get(conference);
    if (!parties || !this.worker) throw new Error(`conference ${conference} is not open`);
    if (!isStreamCodec(codec))
      throw new Error(`the conference bridge mixes G.711 only (PCMU, PCMA); party ${party} talks ${codec}`);
    const id = this.nextRequest++;
    const answer = new Promise<BridgeReply>((resolve) => this.waiting.set(id, resolve));
    this.post({ type: 'join', id, conference, party, codec });
    const reply = await answer;
    if (reply.type !== 'joined')
      throw new Error(
        `the conference bridge could not open a UDP port on ${this.options.bind}: ${reply.type === 'join-failed' ? reply.message : reply.type}`,
      );
    if (this.conferences.get(conference) !== parties) {
      // The conference ended while the port was being opened: the thread must not keep it.
      this.post({ type: 'leave', conference, party });
      throw new Error(`conference ${conference} ended while party ${party} joined`);
    }
    parties.add(party);
    return { address: this.options.address, port: reply.port };
  }

  /** Where the party's phone receives (from its media answer): the bridge starts sending it the mix. */
  sendTo(conference: number, party: number, to: MediaTarget): void {
    if (this.conferences.get(conference)?.has(party)) this.post({ type: 'send-to', conference, party, to });
  }

  /** The party leaves; the others go on hearing each other. */
  leave(conference: number, party: number): void {
    const parties = this.conferences.get(conference);
    if (!parties?.delete(party)) return;
    this.post({ type: 'leave', conference, party });
  }

  /** The conference ends: every party left still in it leaves. */
  end(conference: number): void {
    const parties = this.conferences.get(conference);
    if (!parties) return;
    for (const party of parties) this.post({ type: 'leave', conference, party });
    this.conferences.delete(conference);
  }

  /** Conferences open now. */
  get size(): number {
    return this.conferences.size;
  }

  /** The mixer thread's counts: frames in and out, skipped mixes, late wake-ups. */
  async stats(): Promise<BridgeStats | null> {
    if (!this.worker) return null;
    const id = this.nextRequest++;
    const answer = new Promise<BridgeReply>((resolve) => this.waiting.set(id, resolve));
    this.post({ type: 'stats', id });
    const reply = await answer;
    return reply.type === 'stats' ? reply.stats : null;
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }

  private post(message: BridgeRequest): void {
    this.worker?.postMessage(message);
  }
}
