/**
 * What the TCP and WebSocket drivers share: one connection per case from the fuzzer's addresses
 * in turn, as many at once as the pace allows, answers counted on each, and the rule for when a
 * connection is done (every input answered, or the node silent for `idleMs`).
 */
import type { AnswerCounter, DeliveryStats, Driver } from './delivery.js';
import { ConnectionPace, emptyStats, noteServerErrors } from './delivery.js';

export interface ConnectionDriverOptions {
  localAddresses: (string | undefined)[];
  /** Connections open at once, at most (the pace starts lower and follows the node). */
  parallel: number;
  /** Silence of the node, once everything is sent, after which the fuzzer closes the connection. */
  idleMs: number;
  /** A new answer counter for each connection. */
  counter: () => AnswerCounter;
  /**
   * Close as soon as there are as many answers as inputs (HTTP and SIP answer each request in
   * order), instead of waiting for the idle time on a connection the node keeps alive.
   */
  closeWhenAnswered?: boolean;
}

/**
 * The longest a connection may stay, answers or not: a live event stream (GET /api/v1/events)
 * keeps sending while the fuzzer's own inputs make events, and would never fall idle.
 */
const MAX_CONNECTION_MS = 10_000;

/** One connection's life, seen by the subclass: when to close it, and what came back. */
export interface ConnectionWatch {
  /** (Re)starts the idle timer; `close` runs when it fires. */
  arm(): void;
  /** Counts an answer chunk; returns true when the connection is done (closeWhenAnswered). */
  answered(chunk: Buffer): boolean;
  clear(): void;
}

export abstract class ConnectionDriver implements Driver {
  readonly stats: DeliveryStats = emptyStats();
  private next = 0;
  private readonly connections: ConnectionPace;

  constructor(private readonly common: ConnectionDriverOptions) {
    this.connections = new ConnectionPace(common.parallel);
  }

  pace(probeMs: number): void {
    this.connections.probed(probeMs);
  }

  async open(): Promise<void> {}

  async close(): Promise<void> {}

  async deliver(cases: Buffer[][]): Promise<void> {
    let index = 0;
    const worker = async () => {
      while (index < cases.length) {
        const inputs = cases[index++];
        const localAddress = this.common.localAddresses[this.next++ % this.common.localAddresses.length];
        this.stats.cases++;
        this.stats.inputs += inputs.length;
        await this.connection(inputs, localAddress);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.connections.current, cases.length) }, worker));
  }

  /** Sends one case on a connection of its own; resolves once the connection is closed. */
  protected abstract connection(inputs: Buffer[], localAddress: string | undefined): Promise<void>;

  /** The idle timer and answer count of one connection; `close` ends it. */
  protected watch(inputs: Buffer[], close: () => void): ConnectionWatch {
    const count = this.common.counter();
    let idle: NodeJS.Timeout | null = null;
    const lifetime = setTimeout(close, MAX_CONNECTION_MS);
    let answers = 0;
    return {
      arm: () => {
        if (idle) clearTimeout(idle);
        idle = setTimeout(close, this.common.idleMs);
      },
      answered: (chunk) => {
        const before = this.stats.answers;
        noteServerErrors(this.stats, count(chunk, this.stats), inputs);
        answers += this.stats.answers - before;
        return this.common.closeWhenAnswered === true && answers >= inputs.length;
      },
      clear: () => {
        if (idle) clearTimeout(idle);
        clearTimeout(lifetime);
      },
    };
  }
}
