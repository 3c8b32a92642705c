/**
 * One TCP connection per case: the case's inputs are written back to back (pipelined; a Skinny
 * session queues what arrives while its Register is decided, an HTTP or SIP server answers in
 * order). The fuzzer does not half-close, so answers that take a database round trip still find
 * the connection open.
 */
import net from 'node:net';
import type { ConnectionDriverOptions } from './connection-driver.js';
import { ConnectionDriver } from './connection-driver.js';

export interface TcpDriverOptions extends ConnectionDriverOptions {
  host: string;
  port: number;
}

/** How long a connect may take (a full accept backlog) before the case is given up. */
const CONNECT_TIMEOUT_MS = 10_000;

export class TcpDriver extends ConnectionDriver {
  constructor(private readonly options: TcpDriverOptions) {
    super(options);
  }

  protected connection(inputs: Buffer[], localAddress: string | undefined): Promise<void> {
    const { host, port } = this.options;
    return new Promise((resolve) => {
      const socket = net.connect({ host, port, localAddress, noDelay: true });
      let connected = false;
      const watch = this.watch(inputs, () => socket.destroy());
      const connectTimer = setTimeout(() => {
        this.stats.connectFailures++;
        socket.destroy();
      }, CONNECT_TIMEOUT_MS);
      socket.on('connect', () => {
        connected = true;
        clearTimeout(connectTimer);
        socket.write(inputs.length === 1 ? inputs[0] : Buffer.concat(inputs));
        watch.arm();
      });
      socket.on('data', (chunk: Buffer) => {
        if (watch.answered(chunk)) socket.destroy();
        else watch.arm();
      });
      socket.on('error', () => {
        if (!connected) this.stats.connectFailures++;
      });
      socket.on('close', () => {
        clearTimeout(connectTimer);
        watch.clear();
        resolve();
      });
    });
  }
}
