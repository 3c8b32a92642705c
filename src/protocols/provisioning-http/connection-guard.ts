/**
 * What one HTTP provisioning client may hold and how long it may take: connections per source
 * address and in all, the time for a request to arrive, the time a response may wait for the
 * client to take data. Each refusal is answered as HTTP says (503, 408, 400) where the client can
 * still read it, the connection is closed, and the limit is reported.
 */
import type http from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { LimitName } from '../../limits/index.js';
import type { LimitReporter } from '../../services/limit-log.js';
import { AddressSlots } from '../address-slots.js';

export interface ConnectionLimits {
  requestTimeoutSeconds: number;
  idleTimeoutSeconds: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
}

type ConnectionRefusal = 'provisioningHttpMaxConnections' | 'provisioningHttpMaxConnectionsPerAddress';

/** Node checks request deadlines on this period (its default is 30 s, far above our 10 s deadline). */
const DEADLINE_CHECK_MS = 1000;

/** A raw response for a connection the HTTP layer never gets to answer, and its closing. */
function refuse(socket: Socket, status: string, text: string): void {
  if (socket.writable) {
    const body = `${text}\n`;
    socket.write(
      `HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Retry-After: 10\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  // Closed once the answer has left, whether or not the client reads or closes its side.
  socket.destroySoon();
}

export class ConnectionGuard {
  private readonly slots: AddressSlots<ConnectionRefusal>;
  /** Connections answered 503: whatever they send is not served. */
  private readonly refused = new WeakSet<Socket>();

  /**
   * `answering` says whether a request is being answered on a connection: only then is a client
   * that goes idle worth reporting (a kept-alive connection between requests is closed quietly).
   */
  constructor(
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
    private readonly reporter: LimitReporter | undefined,
    private readonly answering: (socket: Socket) => boolean,
  ) {
    this.slots = new AddressSlots<ConnectionRefusal>({
      total: { max: limits.maxConnections, limit: 'provisioningHttpMaxConnections' },
      perAddress: { max: limits.maxConnectionsPerAddress, limit: 'provisioningHttpMaxConnectionsPerAddress' },
    });
  }

  /** The options of http.createServer that carry the request deadline. */
  serverOptions(): http.ServerOptions {
    const requestMs = this.limits.requestTimeoutSeconds * 1000;
    return {
      requestTimeout: requestMs,
      headersTimeout: requestMs,
      connectionsCheckingInterval: Math.min(DEADLINE_CHECK_MS, requestMs),
      keepAliveTimeout: Math.min(5000, this.limits.idleTimeoutSeconds * 1000),
    };
  }

  /** Connections open now. */
  get connections(): number {
    return this.slots.held;
  }

  attach(server: http.Server): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) =>
      this.clientError(error, socket),
    );
    server.setTimeout(this.limits.idleTimeoutSeconds * 1000, (socket: Socket) => this.idle(socket));
  }

  /** False for a connection refused at a limit: its requests are not served. */
  admitted(socket: Socket): boolean {
    return !this.refused.has(socket);
  }

  /** A client over a limit of its own making; says so, closes its connection. */
  reached(limit: LimitName, socket: Socket, message: string): void {
    this.reporter?.reached(limit, { address: socket.remoteAddress ?? 'unknown' }, message);
  }

  private admit(socket: Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    const refusal = this.slots.take(address);
    if (refusal !== null) {
      const detail =
        refusal === 'provisioningHttpMaxConnectionsPerAddress'
          ? `it already holds ${this.slots.heldBy(address)} (--provisioning-http-max-connections-per-address; raise it if many phones share this address behind NAT)`
          : `${this.slots.held} connections are open (--provisioning-http-max-connections)`;
      this.reached(
        refusal,
        socket,
        `HTTP provisioning connection from ${address} refused with 503: ${detail}`,
      );
      this.refused.add(socket);
      refuse(socket, '503 Service Unavailable', 'Too many connections; retry later');
      return;
    }
    socket.once('close', () => this.slots.release(address));
  }

  private clientError(error: NodeJS.ErrnoException, socket: Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    switch (error.code) {
      case 'ERR_HTTP_REQUEST_TIMEOUT':
        this.reached(
          'provisioningHttpRequestTimeoutSeconds',
          socket,
          `HTTP provisioning connection from ${address} closed: its request did not arrive within ${this.limits.requestTimeoutSeconds} s (--provisioning-http-request-timeout-seconds; a stalled client or a slow-headers attack)`,
        );
        refuse(socket, '408 Request Timeout', 'Request timeout');
        return;
      case 'HPE_HEADER_OVERFLOW':
        this.log.debug({ peer: address }, 'provisioning HTTP: request headers too large; answered 431');
        refuse(socket, '431 Request Header Fields Too Large', 'Request headers too large');
        return;
      case 'ECONNRESET':
      case 'EPIPE':
        socket.destroy();
        return;
      default:
        // Malformed requests: one line at debug, a fuzzer or a scanner must not fill the log.
        this.log.debug(
          { peer: address, code: error.code, err: error.message },
          'provisioning HTTP: malformed request; answered 400',
        );
        refuse(socket, '400 Bad Request', 'Bad request');
    }
  }

  private idle(socket: Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    if (this.answering(socket)) {
      this.reached(
        'provisioningHttpIdleTimeoutSeconds',
        socket,
        `HTTP provisioning response to ${address} cut off: the client took no data for ${this.limits.idleTimeoutSeconds} s (--provisioning-http-idle-timeout-seconds; a stalled phone or a slow-read attack); its file is closed`,
      );
    }
    socket.destroy();
  }
}
