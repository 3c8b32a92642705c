/**
 * SIP over WebSocket (RFC 7118): one SIP message per WebSocket message, answered on the same
 * connection, for browser softphones (JsSIP, SIP.js).
 */
import type { WebSocket } from 'ws';
import { parseMessage } from '../parser.js';
import type { SipFlow } from './flow.js';
import { formatAddress, plainIp } from './flow.js';
import type { ConnectionOptions } from './connection-options.js';

/** RFC 7118 §4: the WebSocket subprotocol for SIP is named "sip" (Sec-WebSocket-Protocol). */
export const SIP_WEBSOCKET_PROTOCOL = 'sip';

class WebSocketFlow implements SipFlow {
  readonly transport = 'WS' as const;
  readonly reliable = true;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: WebSocketTransportOptions,
    readonly connectionId: number,
    readonly remoteAddress: string,
    readonly remotePort: number,
    readonly localAddress: string,
    readonly localPort: number,
  ) {}

  /**
   * Never throws: a connection that is gone is counted as a failed send. A peer that does not read
   * while its unsent bytes pass the limit is disconnected: the node never buffers without bound.
   */
  send(data: Buffer): boolean {
    const { failures, maxQueuedBytes, reporter } = this.options;
    const where = formatAddress(this.remoteAddress, this.remotePort);
    if (!this.isOpen()) {
      failures.failed('WS', where, 'connection closed');
      return false;
    }
    try {
      // RFC 7118 §4 (SIP encoding): one SIP message per WebSocket message, in a text or a binary frame; text here.
      this.socket.send(data.toString('utf8'));
    } catch (error) {
      failures.failed('WS', where, error);
      return false;
    }
    if (this.socket.bufferedAmount > maxQueuedBytes) {
      reporter.reached(
        'sipMaxQueuedBytes',
        { address: this.remoteAddress },
        `closed the SIP WebSocket connection from ${where}: it does not read what the node sends (${this.socket.bufferedAmount} bytes waiting, --sip-max-queued-bytes ${maxQueuedBytes})`,
      );
      this.socket.terminate();
    }
    return true;
  }

  /** RFC 7118 §5: WebSocket is a reliable, connection-oriented SIP transport: responses go back on the connection. */
  respond(data: Buffer): boolean {
    return this.send(data);
  }

  isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }
}

export interface WebSocketPeer {
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
}

export type WebSocketTransportOptions = ConnectionOptions;

/** RFC 6455 §7.4.1: 1013 "Try Again Later" (IANA registry): the server is at a limit. */
const TRY_AGAIN_LATER = 1013;

export class WebSocketTransport {
  private readonly sockets = new Set<WebSocket>();

  constructor(private readonly options: WebSocketTransportOptions) {}

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Takes over an upgraded connection that agreed on the `sip` subprotocol. */
  accept(socket: WebSocket, peer: WebSocketPeer): void {
    const { sink, logger, limits, connections, reporter } = this.options;
    const address = plainIp(peer.remoteAddress);
    socket.on('error', (error) =>
      logger.debug({ err: error, address: formatAddress(address, peer.remotePort) }, 'SIP WebSocket error'),
    );
    // Checked before the upgrade too; two upgrades at once may both have passed that check.
    if (!connections.admit('WS', address)) {
      socket.close(TRY_AGAIN_LATER, 'connection limit reached');
      setTimeout(() => socket.terminate(), 1000).unref();
      return;
    }
    const flow = new WebSocketFlow(
      socket,
      this.options,
      this.options.nextConnectionId(),
      address,
      peer.remotePort,
      plainIp(peer.localAddress),
      peer.localPort,
    );
    this.sockets.add(socket);
    const waitMs = this.options.firstMessageTimeoutMs;
    const where = formatAddress(address, peer.remotePort);
    // Until its first message the connection has waitMs (a byte now and then does not extend it); then
    // only idleness closes it, as for a registered phone between refreshes.
    let timer = setTimeout(() => {
      reporter.reached(
        'sipFirstMessageTimeoutSeconds',
        { address },
        `closed the SIP WebSocket connection from ${where}: no SIP message within ${waitMs / 1000} s of connecting (--sip-first-message-timeout-seconds)`,
      );
      socket.terminate();
    }, waitMs);
    let quiet = true;
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      if (quiet) {
        quiet = false;
        clearTimeout(timer);
        timer = setTimeout(() => {
          logger.debug({ address: where }, 'closing idle SIP WebSocket connection');
          socket.terminate();
        }, this.options.idleTimeoutMs);
      } else {
        timer.refresh();
      }
      const bytes = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data);
      sink.message(parseMessage(bytes, limits), flow);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      this.sockets.delete(socket);
      connections.release('WS', address);
      sink.flowClosed(flow);
    });
  }

  stop(): void {
    for (const socket of this.sockets) socket.terminate();
  }
}
