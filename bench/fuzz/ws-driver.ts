/**
 * SIP over WebSocket (RFC 7118): one WebSocket to /sip per case, subprotocol "sip", every input
 * one message (text and binary frames alternate). Like the TCP driver, the first message goes
 * alone, the rest after the node's first answer, and the socket closes once the node is silent.
 */
import WebSocket from 'ws';
import type { AnswerCounter, DeliveryStats, Driver } from './delivery.js';
import { emptyStats, noteServerErrors } from './delivery.js';

export interface WsDriverOptions {
  url: string;
  localAddresses: (string | undefined)[];
  parallel: number;
  /** How long the first input may wait for its answer before the rest is sent anyway. */
  answerWaitMs: number;
  /** Silence of the node, once everything is sent, after which the fuzzer closes the connection. */
  idleMs: number;
  counter: () => AnswerCounter;
}

export class WsDriver implements Driver {
  readonly stats: DeliveryStats = emptyStats();
  private next = 0;

  constructor(private readonly options: WsDriverOptions) {}

  async open(): Promise<void> {}

  async deliver(cases: Buffer[][]): Promise<void> {
    let index = 0;
    const worker = async () => {
      while (index < cases.length) await this.one(cases[index++]);
    };
    await Promise.all(Array.from({ length: Math.min(this.options.parallel, cases.length) }, worker));
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
      let restSent = inputs.length < 2;
      // Text frames must be UTF-8 (RFC 6455 §5.6): odd bytes in a text frame are an input too.
      const send = (input: Buffer, i: number) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(input, { binary: i % 2 === 1 });
      };
      const sendRest = () => {
        if (restSent) return false;
        restSent = true;
        inputs.slice(1).forEach((input, i) => send(input, i + 1));
        return true;
      };
      const arm = () => {
        if (idle) clearTimeout(idle);
        idle = setTimeout(
          () => {
            if (sendRest()) arm();
            else ws.terminate();
          },
          restSent ? this.options.idleMs : this.options.answerWaitMs,
        );
      };
      ws.on('open', () => {
        opened = true;
        send(inputs[0], 0);
        arm();
      });
      ws.on('message', (data: Buffer) => {
        noteServerErrors(this.stats, count(data, this.stats), inputs);
        sendRest();
        arm();
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
