/**
 * SIP over TLS (RFC 3261 §26.3.1, port 5061): SIP over TCP with a TLS handshake in front, the
 * node's own certificate (TlsIdentitySource), TLS 1.2 and later only. A connection is admitted
 * under the TCP caps before its handshake; the handshake has a deadline and one source address
 * may have only so many under way, since each costs the node public-key work.
 */
import type net from 'node:net';
import tls from 'node:tls';
import type { TlsIdentity, TlsIdentitySource } from '../../../core/tls-identity.js';
import { AddressSlots } from '../../address-slots.js';
import { formatAddress, plainIp } from './flow.js';
import type { ConnectionOptions } from './connection-options.js';
import { listenStream, serveStream } from './stream-connection.js';

export interface TlsTransportOptions extends ConnectionOptions {
  host: string;
  identity: TlsIdentitySource;
  /** A handshake not done within this is abandoned (ms). */
  handshakeTimeoutMs: number;
  /** Handshakes one source address may have under way at once. */
  maxHandshakesPerAddress: number;
}

/** RFC 8996 deprecates TLS 1.0 and 1.1; RFC 3261 §26.3.1 asks for TLS on SIPS. */
const MIN_VERSION = 'TLSv1.2';

function secureContext(identity: TlsIdentity): tls.SecureContext {
  return tls.createSecureContext({ key: identity.key, cert: identity.cert, minVersion: MIN_VERSION });
}

export class TlsTransport {
  private readonly server: tls.Server;
  /** Raw connections admitted (under way or secured), so that stop() can close them. */
  private readonly sockets = new Set<net.Socket>();
  private readonly handshakes: AddressSlots<'sipMaxTlsHandshakesPerAddress'>;
  private readonly unsubscribe: () => void;
  /** Admitted connections by peer (endpoint()): whether each is still in its handshake. */
  private readonly underWay = new Map<string, { handshaking: boolean }>();
  /** Handshakes that failed since the node started (a wrong version, a client that gave up, a timeout). */
  failedHandshakes = 0;

  constructor(private readonly options: TlsTransportOptions) {
    this.handshakes = new AddressSlots({
      perAddress: { max: options.maxHandshakesPerAddress, limit: 'sipMaxTlsHandshakesPerAddress' },
    });
    this.server = tls.createServer({
      ...this.contextOptions(options.identity.current()),
      handshakeTimeout: options.handshakeTimeoutMs,
      noDelay: true,
      keepAlive: true,
    });
    this.server.on('connection', (socket: net.Socket) => this.admit(socket));
    this.server.on('secureConnection', (socket: tls.TLSSocket) => this.secured(socket));
    this.server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: tls.TLSSocket) =>
      this.handshakeFailed(error, socket),
    );
    // A certificate the administrator replaces is presented from the next handshake on, without a restart.
    this.unsubscribe = options.identity.onChange((identity) => {
      try {
        this.server.setSecureContext(this.contextOptions(identity));
        options.logger.info('SIP TLS presents the replaced certificate from the next handshake on');
      } catch (error) {
        options.logger.error(
          { err: error },
          'SIP TLS cannot use the replaced certificate and key (they do not make a TLS context); it keeps presenting the previous one',
        );
      }
    });
  }

  private contextOptions(identity: TlsIdentity): tls.SecureContextOptions {
    // Checked here so that a bad key or certificate fails with its reason, not at the first handshake.
    secureContext(identity);
    return { key: identity.key, cert: identity.cert, minVersion: MIN_VERSION };
  }

  /** Listens on `port`; resolves with the actual port. */
  start(port: number): Promise<number> {
    return listenStream(this.server, this.options.host, port, this.options.logger, 'TLS');
  }

  /** The port listened on (0 before start). */
  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** A raw TCP connection, before its handshake: admitted under the caps or closed at once. */
  private admit(socket: net.Socket): void {
    const { logger, connections, reporter } = this.options;
    socket.on('error', (error) => logger.debug({ err: error }, 'SIP TLS socket error'));
    const address = plainIp(socket.remoteAddress ?? '');
    if (!connections.admit('TLS', address)) {
      socket.destroy();
      return;
    }
    if (this.handshakes.refusal(address) !== null) {
      connections.release('TLS', address);
      reporter.reached(
        'sipMaxTlsHandshakesPerAddress',
        { address },
        `closed a SIP TLS connection from ${address} before its handshake: that address has ` +
          `${this.options.maxHandshakesPerAddress} handshakes under way already; raise ` +
          '--sip-max-tls-handshakes-per-address if many phones behind one address (NAT) reconnect at once',
      );
      socket.destroy();
      return;
    }
    this.handshakes.take(address);
    this.sockets.add(socket);
    const state = { handshaking: true };
    const key = endpoint(socket);
    this.underWay.set(key, state);
    socket.on('close', () => {
      if (state.handshaking) this.handshakes.release(address);
      state.handshaking = false;
      if (this.underWay.get(key) === state) this.underWay.delete(key);
      this.sockets.delete(socket);
      connections.release('TLS', address);
    });
  }

  /** The handshake is done: the connection serves SIP like a TCP one. */
  private secured(socket: tls.TLSSocket): void {
    const state = this.underWay.get(endpoint(socket));
    if (state?.handshaking) {
      state.handshaking = false;
      this.handshakes.release(plainIp(socket.remoteAddress ?? ''));
    }
    socket.on('error', (error) => this.options.logger.debug({ err: error }, 'SIP TLS socket error'));
    // The raw socket's close releases the connection slot; the TLS socket's tells the SIP core.
    serveStream(socket, 'TLS', this.options, () => undefined);
  }

  private handshakeFailed(error: NodeJS.ErrnoException, socket: tls.TLSSocket): void {
    this.failedHandshakes++;
    const address = plainIp(socket.remoteAddress ?? '');
    const where = formatAddress(address, socket.remotePort ?? 0);
    if (error.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') {
      this.options.reporter.reached(
        'sipTlsHandshakeTimeoutSeconds',
        { address },
        `closed the SIP TLS connection from ${where}: its TLS handshake was not done within ` +
          `${this.options.handshakeTimeoutMs / 1000} s (--sip-tls-handshake-timeout-seconds)`,
      );
    } else {
      this.options.logger.info(
        { address: where, code: error.code },
        `SIP TLS handshake with ${where} failed: ${error.message}. A phone must speak TLS 1.2 or later ` +
          "and accept the node's certificate (System > Certificate Management)",
      );
    }
    socket.destroy();
  }

  stop(): Promise<void> {
    this.unsubscribe();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }
}

/** A connection's peer, `ip|port`: the same for the raw socket and the TLS socket over it. */
function endpoint(socket: net.Socket): string {
  return `${socket.remoteAddress ?? ''}|${socket.remotePort ?? 0}`;
}
