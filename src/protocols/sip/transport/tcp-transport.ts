/**
 * SIP over TCP (RFC 3261 §18): each connection is one flow (stream-connection.ts), admitted
 * under the node's connection caps.
 */
import net from 'node:net';
import { plainIp } from './flow.js';
import type { ConnectionOptions } from './connection-options.js';
import { listenStream, serveStream } from './stream-connection.js';

export interface TcpTransportOptions extends ConnectionOptions {
  host: string;
}

export class TcpTransport {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly options: TcpTransportOptions) {
    this.server = net.createServer({ noDelay: true, keepAlive: true }, (socket) => this.accept(socket));
  }

  /** Listens on `port`; resolves with the actual port. */
  start(port: number): Promise<number> {
    return listenStream(this.server, this.options.host, port, this.options.logger, 'TCP');
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  private accept(socket: net.Socket): void {
    const { logger, connections } = this.options;
    socket.on('error', (error) => logger.debug({ err: error }, 'SIP TCP socket error'));
    const address = plainIp(socket.remoteAddress ?? '');
    // A connection over a cap is closed at once: it never costs a buffer or a timer.
    if (!connections.admit('TCP', address)) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    serveStream(socket, 'TCP', this.options, () => {
      this.sockets.delete(socket);
      connections.release('TCP', address);
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }
}
