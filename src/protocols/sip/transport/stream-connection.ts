/**
 * One SIP connection over a byte stream, TCP or TLS (RFC 3261 §18): a flow framed by
 * Content-Length. Keep-alive pings get their pong (RFC 5626 §3.5.1); a stream that cannot be
 * framed any more is answered (when it can be) and closed. TLS is the same once its handshake is
 * done: only the socket differs.
 */
import type net from 'node:net';
import { buildResponse } from '../serializer.js';
import { SipStreamFramer } from '../stream-framer.js';
import type { SipFlow } from './flow.js';
import { formatAddress, plainIp } from './flow.js';
import type { ConnectionOptions } from './connection-options.js';

const CRLF = Buffer.from('\r\n');

/** The stream transports: SIP over TCP, and over TLS on TCP. */
export type StreamTransport = 'TCP' | 'TLS';

class StreamFlow implements SipFlow {
  readonly reliable = true;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;

  constructor(
    private readonly socket: net.Socket,
    readonly transport: StreamTransport,
    readonly connectionId: number,
    private readonly options: ConnectionOptions,
  ) {
    this.remoteAddress = plainIp(socket.remoteAddress ?? '');
    this.remotePort = socket.remotePort ?? 0;
    this.localAddress = plainIp(socket.localAddress ?? '');
    this.localPort = socket.localPort ?? 0;
  }

  /**
   * Never throws: a connection that is gone is counted as a failed send. A peer that does not read
   * while its unsent bytes pass the limit is disconnected: the node never buffers without bound.
   */
  send(data: Buffer): boolean {
    const { failures, maxQueuedBytes, reporter } = this.options;
    if (!this.isOpen()) {
      failures.failed(
        this.transport,
        formatAddress(this.remoteAddress, this.remotePort),
        'connection closed',
      );
      return false;
    }
    try {
      this.socket.write(data);
    } catch (error) {
      failures.failed(this.transport, formatAddress(this.remoteAddress, this.remotePort), error);
      return false;
    }
    if (this.socket.writableLength > maxQueuedBytes) {
      const where = formatAddress(this.remoteAddress, this.remotePort);
      reporter.reached(
        'sipMaxQueuedBytes',
        { address: this.remoteAddress },
        `closed the SIP ${this.transport} connection from ${where}: it does not read what the node sends (${this.socket.writableLength} bytes waiting, --sip-max-queued-bytes ${maxQueuedBytes})`,
      );
      this.socket.destroy();
    }
    return true;
  }

  /** RFC 3261 §18.2.2: "If the "sent-protocol" is a reliable transport protocol ... the response MUST be sent using the existing connection". */
  respond(data: Buffer): boolean {
    return this.send(data);
  }

  isOpen(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }
}

/**
 * Serves SIP on an admitted connection (for TLS: once its handshake is done) until it closes;
 * `onClose` runs once it has (the caller releases what the connection held).
 */
export function serveStream(
  socket: net.Socket,
  transport: StreamTransport,
  options: ConnectionOptions,
  onClose: () => void,
): void {
  const { sink, logger, limits, reporter } = options;
  const flow = new StreamFlow(socket, transport, options.nextConnectionId(), options);
  const address = flow.remoteAddress;
  const framer = new SipStreamFramer(limits);
  const waitMs = options.firstMessageTimeoutMs;
  let quiet = true;
  // The first message, and every message once begun, must be complete within waitMs, however slowly its
  // bytes trickle in: a peer cannot hold the connection open with a byte now and then.
  const overdue = () => {
    const where = formatAddress(flow.remoteAddress, flow.remotePort);
    reporter.reached(
      'sipFirstMessageTimeoutSeconds',
      { address },
      quiet
        ? `closed the SIP ${transport} connection from ${where}: no complete SIP request within ${waitMs / 1000} s of connecting (--sip-first-message-timeout-seconds)`
        : `closed the SIP ${transport} connection from ${where}: a SIP message took longer than ${waitMs / 1000} s to arrive (--sip-first-message-timeout-seconds)`,
    );
    socket.destroy();
  };
  let deadline: NodeJS.Timeout | undefined = setTimeout(overdue, waitMs);
  socket.on('data', (chunk: Buffer) => {
    for (const event of framer.push(chunk)) {
      // A message may close the connection (a peer that does not read): the rest is not served.
      if (socket.destroyed) return;
      switch (event.type) {
        case 'message':
          if (quiet) {
            quiet = false;
            // Silence after the first message is a registered phone between refreshes: only idleness ends it.
            socket.setTimeout(options.idleTimeoutMs, () => {
              logger.debug(
                { address: formatAddress(flow.remoteAddress, flow.remotePort) },
                `closing idle SIP ${transport} connection`,
              );
              socket.destroy();
            });
          }
          clearTimeout(deadline);
          deadline = undefined;
          sink.message(event.result, flow);
          break;
        case 'ping':
          // RFC 5626 §4.4.1: the server answers a double-CRLF ping with a single CRLF pong.
          flow.send(CRLF);
          break;
        case 'pong':
          break;
        case 'error': {
          const e = event.error;
          logger.info(
            { address: formatAddress(flow.remoteAddress, flow.remotePort), code: e.code },
            `closing SIP ${transport} connection: ${e.message}. The peer's byte stream cannot be cut into SIP messages`,
          );
          if (e.canRespond && e.request !== undefined) {
            try {
              flow.send(buildResponse(e.request, e.status, e.reason));
            } catch {
              // The partial request may lack what a response needs: close without one.
            }
          }
          socket.end();
          setTimeout(() => socket.destroy(), 1000).unref();
          return;
        }
      }
    }
    if (deadline === undefined && framer.bufferedBytes > 0 && !socket.destroyed)
      deadline = setTimeout(overdue, waitMs);
  });
  socket.on('close', () => {
    clearTimeout(deadline);
    onClose();
    sink.flowClosed(flow);
  });
}

/**
 * Listens on `port` (TCP or TLS server); resolves with the actual port. An error before listening
 * (a port taken) is the caller's to handle (with port 0 another pair is tried); once listening,
 * errors are logged.
 */
export function listenStream(
  server: net.Server,
  host: string,
  port: number,
  logger: { error(obj: object, msg: string): void },
  transport: StreamTransport,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ host, port, backlog: 1024 }, () => {
      server.off('error', onError);
      server.on('error', (error) => logger.error({ err: error }, `SIP ${transport} listener error`));
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
