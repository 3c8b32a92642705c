/**
 * SIP over WebSocket (RFC 7118): one WebSocket to /sip per case, subprotocol "sip", every input
 * one message. Every fifth goes as a text frame, the others binary: a text frame must be UTF-8
 * (RFC 6455 §5.6), and odd bytes in one close the WebSocket, which is an input too but ends the
 * case. Closed once the node has answered every message or been silent for `idleMs`.
 */
import WebSocket from 'ws';
import type { AnswerCounter, DeliveryStats, Driver } from './delivery.js';
import { ConnectionPace, emptyStats, noteServerErrors } from './delivery.js';

export interface WsDriverOptions {
  url: string;
  localAddresses: (string | undefined)[];
  parallel: number;
  idleMs: number;
  counter: () => AnswerCounter;
  /** Close as soon as there are as many answers as inputs (see TcpDriverOptions). */
  closeWhenAnswered?: boolean;
}

export class WsDriver implements Driver {
  readonly stats: DeliveryStats = emptyStats();
  private next = 0;
  private readonly connections: ConnectionPace;

  constructor(private readonly options: WsDriverOptions) {
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
    const localAddress = this.options.localAddresses[this.next++ % this.options.localAddresses.length];
    this.stats.cases++;
    this.stats.inputs += inputs.length;
    const count = this.options.counter();
    return new Promise((resolve) => {
      const ws = new WebSocket(this.options.url, 'sip', { localAddress, handshakeTimeout: 10_000 });
      let idle: NodeJS.Timeout | null = null;
      let opened = false;
      const arm = () => {
        if (idle) clearTimeout(idle);
        idle = setTimeout(() => ws.terminate(), this.options.idleMs);
      };
      ws.on('open', () => {
        opened = true;
        inputs.forEach((input, i) => ws.send(input, { binary: i % 5 !== 0 }));
        arm();
      });
      let answered = 0;
      ws.on('message', (data: Buffer) => {
        const before = this.stats.answers;
        noteServerErrors(this.stats, count(data, this.stats), inputs);
        answered += this.stats.answers - before;
        if (this.options.closeWhenAnswered && answered >= inputs.length) {
          if (idle) clearTimeout(idle);
          ws.terminate();
        } else arm();
      });
      ws.on('error', () => {
        if (!opened) this.stats.connectFailures++;
      });
      ws.on('close', () => {
        if (idle) clearTimeout(idle);
        resolve();
      });
    });
  }

  async close(): Promise<void> {}
}
