/**
 * One TCP connection per case, many at once: the case's inputs are written back to back
 * (pipelined; a Skinny session queues what arrives while its Register is decided, an HTTP or SIP
 * server answers in order). The fuzzer does not half-close, so answers that take a database round
 * trip still find the connection open; it closes once the node has been silent for `idleMs`, or
 * when the node closes first.
 */
import net from 'node:net';
import type { AnswerCounter, DeliveryStats, Driver } from './delivery.js';
import { ConnectionPace, emptyStats, noteServerErrors } from './delivery.js';

export interface TcpDriverOptions {
  host: string;
  port: number;
  localAddresses: (string | undefined)[];
  /** Connections open at once, at most (the pace starts lower and follows the node). */
  parallel: number;
  /** Silence of the node, once everything is written, after which the fuzzer closes the connection. */
  idleMs: number;
  /** A new answer counter for each connection. */
  counter: () => AnswerCounter;
  /**
   * Close as soon as there are as many answers as inputs (HTTP and SIP answer each request in
   * order), instead of waiting for the idle time on a connection the node keeps alive.
   */
  closeWhenAnswered?: boolean;
}

/** How long a connect may take (a full accept backlog) before the case is given up. */
const CONNECT_TIMEOUT_MS = 10_000;

export class TcpDriver implements Driver {
  readonly stats: DeliveryStats = emptyStats();
  private next = 0;
  private readonly connections: ConnectionPace;

  constructor(private readonly options: TcpDriverOptions) {
    this.connections = new ConnectionPace(options.parallel);
  }

  pace(probeMs: number): void {
    this.connections.probed(probeMs);
  }

  async open(): Promise<void> {}

  async deliver(cases: Buffer[][]): Promise<void> {
    let index = 0;
    const worker = async () => {
      while (index < cases.length) await this.one(cases[index++]);
    };
    await Promise.all(Array.from({ length: Math.min(this.connections.current, cases.length) }, worker));
  }

  private one(inputs: Buffer[]): Promise<void> {
    const { host, port, localAddresses, idleMs } = this.options;
    const localAddress = localAddresses[this.next++ % localAddresses.length];
    this.stats.cases++;
    this.stats.inputs += inputs.length;
    const count = this.options.counter();
    return new Promise((resolve) => {
      const socket = net.connect({ host, port, localAddress, noDelay: true });
      let connected = false;
      let idle: NodeJS.Timeout = setTimeout(() => {
        this.stats.connectFailures++;
        socket.destroy();
      }, CONNECT_TIMEOUT_MS);
      const arm = () => {
        clearTimeout(idle);
        idle = setTimeout(() => socket.destroy(), idleMs);
      };
      socket.on('connect', () => {
        connected = true;
        socket.write(inputs.length === 1 ? inputs[0] : Buffer.concat(inputs));
        arm();
      });
      let answered = 0;
      socket.on('data', (chunk: Buffer) => {
        const before = this.stats.answers;
        noteServerErrors(this.stats, count(chunk, this.stats), inputs);
        answered += this.stats.answers - before;
        if (this.options.closeWhenAnswered && answered >= inputs.length) {
          clearTimeout(idle);
          socket.destroy();
        } else arm();
      });
      socket.on('error', () => {
        if (!connected) this.stats.connectFailures++;
      });
      socket.on('close', () => {
        clearTimeout(idle);
        resolve();
      });
    });
  }

  async close(): Promise<void> {}
}
