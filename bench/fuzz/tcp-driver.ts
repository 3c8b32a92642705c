/**
 * One TCP connection per case, many at once. The first input goes alone and the driver waits for
 * the node's first answer (a phone waits for RegisterAck before its startup requests); then the
 * rest go back to back (pipelined). The connection ends when the node closes it or has been
 * silent for `idleMs`; the fuzzer does not half-close first, so answers that take a database
 * round trip are still written to an open connection.
 */
import net from 'node:net';
import type { AnswerCounter, DeliveryStats, Driver } from './delivery.js';
import { emptyStats, noteServerErrors } from './delivery.js';

export interface TcpDriverOptions {
  host: string;
  port: number;
  localAddresses: (string | undefined)[];
  /** Connections open at once. */
  parallel: number;
  /** How long the first input may wait for its answer before the rest is sent anyway. */
  answerWaitMs: number;
  /** Silence of the node, once everything is sent, after which the fuzzer closes the connection. */
  idleMs: number;
  /** A new answer counter for each connection. */
  counter: () => AnswerCounter;
}

export class TcpDriver implements Driver {
  readonly stats: DeliveryStats = emptyStats();
  private next = 0;

  constructor(private readonly options: TcpDriverOptions) {}

  async open(): Promise<void> {}

  async deliver(cases: Buffer[][]): Promise<void> {
    let index = 0;
    const worker = async () => {
      while (index < cases.length) await this.one(cases[index++]);
    };
    await Promise.all(Array.from({ length: Math.min(this.options.parallel, cases.length) }, worker));
  }

  private one(inputs: Buffer[]): Promise<void> {
    const { host, port, localAddresses, idleMs, answerWaitMs } = this.options;
    const localAddress = localAddresses[this.next++ % localAddresses.length];
    this.stats.cases++;
    this.stats.inputs += inputs.length;
    const count = this.options.counter();
    return new Promise((resolve) => {
      const socket = net.connect({ host, port, localAddress, noDelay: true });
      let connected = false;
      let rest = inputs.length > 1 ? Buffer.concat(inputs.slice(1)) : null;
      let idle: NodeJS.Timeout | null = null;
      const sendRest = () => {
        if (!rest) return false;
        if (!socket.destroyed) socket.write(rest);
        rest = null;
        return true;
      };
      const arm = () => {
        if (idle) clearTimeout(idle);
        idle = setTimeout(
          () => {
            if (sendRest()) arm();
            else socket.destroy();
          },
          rest ? answerWaitMs : idleMs,
        );
      };
      socket.on('connect', () => {
        connected = true;
        socket.write(inputs[0]);
        arm();
      });
      socket.on('data', (chunk: Buffer) => {
        noteServerErrors(this.stats, count(chunk, this.stats), inputs);
        sendRest();
        arm();
      });
      socket.on('error', () => {
        if (!connected) this.stats.connectFailures++;
      });
      socket.on('close', () => {
        if (idle) clearTimeout(idle);
        resolve();
      });
      // A connect that never completes (a full backlog) is given up too.
      setTimeout(() => {
        if (!connected) {
          this.stats.connectFailures++;
          socket.destroy();
        }
      }, 10_000);
    });
  }

  async close(): Promise<void> {}
}
