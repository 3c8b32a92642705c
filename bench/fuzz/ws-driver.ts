/**
 * SIP over WebSocket (RFC 7118): one WebSocket to /sip per case, subprotocol "sip", every input
 * one message. Every fifth goes as a text frame, the others binary: a text frame must be UTF-8
 * (RFC 6455 §5.6), and odd bytes in one close the WebSocket, which is an input too but ends the
 * case.
 */
import WebSocket from 'ws';
import type { ConnectionDriverOptions } from './connection-driver.js';
import { ConnectionDriver } from './connection-driver.js';

export interface WsDriverOptions extends ConnectionDriverOptions {
  url: string;
}

export class WsDriver extends ConnectionDriver {
  constructor(private readonly options: WsDriverOptions) {
    super(options);
  }

  protected connection(inputs: Buffer[], localAddress: string | undefined): Promise<void> {
    return new Promise((resolve) => {
      const ws = new WebSocket(this.options.url, 'sip', { localAddress, handshakeTimeout: 10_000 });
      let opened = false;
      const watch = this.watch(inputs, () => ws.terminate());
      ws.on('open', () => {
        opened = true;
        inputs.forEach((input, i) => ws.send(input, { binary: i % 5 !== 0 }));
        watch.arm();
      });
      ws.on('message', (data: Buffer) => {
        if (watch.answered(data)) ws.terminate();
        else watch.arm();
      });
      ws.on('error', () => {
        if (!opened) this.stats.connectFailures++;
      });
      ws.on('close', () => {
        watch.clear();
        resolve();
      });
    });
  }
}
