import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { LimitReporter } from '../services/limit-log.js';

export interface ConnectionLimits {
  /** 0: no limit. */
  perAddress: number;
  total: number;
}

/**
 * Caps the administration HTTP connections per source address and in all: a connection over a
 * cap is closed as it arrives (before anything is read from it), reported and counted. A
 * connection upgraded to a WebSocket at `handedOffPath` (`/sip`) leaves the count: the SIP server
 * bounds its own.
 */
export class ConnectionCounter {
  private readonly sockets = new Map<Socket, string>();
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly report: LimitReporter,
  ) {}

  /** Counts the connections of `server` from now on. */
  attach(server: Server, handedOffPath?: string): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
    // Only when something takes upgrades: a listener alone would make Node hand them over to nobody.
    if (handedOffPath !== undefined && server.listenerCount('upgrade') > 0) {
      server.on('upgrade', (request: IncomingMessage, socket: Socket) => {
        if (new URL(request.url ?? '/', 'http://x').pathname === handedOffPath) this.release(socket);
      });
    }
  }

  get count(): number {
    return this.sockets.size;
  }

  private admit(socket: Socket): void {
    const address = socket.remoteAddress ?? '';
    const mine = this.byAddress.get(address) ?? 0;
    const { perAddress, total } = this.limits;
    if (this.sockets.size >= total) {
      this.report.reached(
        'httpMaxConnections',
        { address },
        `closed a new administration HTTP connection from ${address}: ${total} are open in all (--http-max-connections)`,
      );
      socket.destroy();
      return;
    }
    if (perAddress > 0 && mine >= perAddress) {
      this.report.reached(
        'httpMaxConnectionsPerAddress',
        { address },
        `closed a new administration HTTP connection from ${address}: it holds ${mine} already (--http-max-connections-per-address)`,
      );
      socket.destroy();
      return;
    }
    this.sockets.set(socket, address);
    this.byAddress.set(address, mine + 1);
    socket.once('close', () => this.release(socket));
  }

  private release(socket: Socket): void {
    const address = this.sockets.get(socket);
    if (address === undefined) return;
    this.sockets.delete(socket);
    const left = (this.byAddress.get(address) ?? 1) - 1;
    if (left === 0) this.byAddress.delete(address);
    else this.byAddress.set(address, left);
  }
}
