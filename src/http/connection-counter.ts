import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { AddressSlots } from '../protocols/address-slots.js';
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
  /** The connections counted, with the address each took its slot for (released once). */
  private readonly sockets = new Map<Socket, string>();
  /** The same connections by "address port": over HTTPS an upgrade hands over the TLS socket, not the one counted. */
  private readonly byPeer = new Map<string, Socket>();
  private readonly slots: AddressSlots<'httpMaxConnections' | 'httpMaxConnectionsPerAddress'>;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly report: LimitReporter,
  ) {
    this.slots = new AddressSlots({
      total: { max: limits.total, limit: 'httpMaxConnections' },
      perAddress: { max: limits.perAddress, limit: 'httpMaxConnectionsPerAddress' },
    });
  }

  /** Counts the connections of `server` from now on. */
  attach(server: Server, handedOffPath?: string): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
    // Only when something takes upgrades: a listener alone would make Node hand them over to nobody.
    if (handedOffPath !== undefined && server.listenerCount('upgrade') > 0) {
      server.on('upgrade', (request: IncomingMessage, socket: Socket) => {
        if (new URL(request.url ?? '/', 'http://x').pathname !== handedOffPath) return;
        this.release(this.sockets.has(socket) ? socket : (this.byPeer.get(peerOf(socket)) ?? socket));
      });
    }
  }

  get count(): number {
    return this.slots.held;
  }

  private admit(socket: Socket): void {
    const address = socket.remoteAddress ?? '';
    const refused = this.slots.take(address);
    if (refused !== null) {
      this.report.reached(
        refused,
        { address },
        refused === 'httpMaxConnections'
          ? `closed a new administration HTTP connection from ${address}: ${this.limits.total} are open in all (--http-max-connections)`
          : `closed a new administration HTTP connection from ${address}: it holds ${this.slots.heldBy(address)} already (--http-max-connections-per-address)`,
      );
      socket.destroy();
      return;
    }
    this.sockets.set(socket, address);
    this.byPeer.set(peerOf(socket), socket);
    socket.once('close', () => this.release(socket));
  }

  private release(socket: Socket): void {
    const address = this.sockets.get(socket);
    if (address === undefined) return;
    this.sockets.delete(socket);
    if (this.byPeer.get(peerOf(socket)) === socket) this.byPeer.delete(peerOf(socket));
    this.slots.release(address);
  }
}

function peerOf(socket: Socket): string {
  return `${socket.remoteAddress ?? ''} ${socket.remotePort ?? ''}`;
}
