/**
 * SIP over WebSocket (RFC 7118): one SIP message per WebSocket message, answered on the same
 * connection, for browser softphones (JsSIP, SIP.js).
 */
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { type SipLimits, parseMessage } from '../parser.js';
import type { SipFlow } from './flow.js';
import { formatAddress, plainIp } from './flow.js';
import type { InboundSink } from './inbound.js';
import type { SendFailures } from './send-failures.js';

/** RFC 7118 §4: the WebSocket subprotocol for SIP is named "sip" (Sec-WebSocket-Protocol). */
export const SIP_WEBSOCKET_PROTOCOL = 'sip';

class WebSocketFlow implements SipFlow {
  readonly transport = 'WS' as const;
  readonly reliable = true;

  constructor(
    private readonly socket: WebSocket,
    private readonly failures: SendFailures,
    readonly connectionId: number,
    readonly remoteAddress: string,
    readonly remotePort: number,
    readonly localAddress: string,
    readonly localPort: number,
  ) {}

  /** Never throws: a connection that is gone is counted as a failed send. */
  send(data: Buffer): boolean {
    const where = formatAddress(this.remoteAddress, this.remotePort);
    if (!this.isOpen()) {
      this.failures.failed('WS', where, 'connection closed');
      return false;
    }
    try {
      // RFC 7118 §4 (SIP encoding): one SIP message per WebSocket message, in a text or a binary frame; text here.
      this.socket.send(data.toString('utf8'));
      return true;
    } catch (error) {
      this.failures.failed('WS', where, error);
      return false;
    }
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

export class WebSocketTransport {
  private readonly sockets = new Set<WebSocket>();

  constructor(
    private readonly options: {
      sink: InboundSink;
      logger: Logger;
      failures: SendFailures;
      limits?: Partial<SipLimits>;
      nextConnectionId(): number;
    },
  ) {}

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Takes over an upgraded connection that agreed on the `sip` subprotocol. */
  accept(socket: WebSocket, peer: WebSocketPeer): void {
    const { sink, logger, limits } = this.options;
    const flow = new WebSocketFlow(
      socket,
      this.options.failures,
      this.options.nextConnectionId(),
      plainIp(peer.remoteAddress),
      peer.remotePort,
      plainIp(peer.localAddress),
      peer.localPort,
    );
    this.sockets.add(socket);
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const bytes = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data);
      sink.message(parseMessage(bytes, limits), flow);
    });
    socket.on('error', (error) =>
      logger.debug(
        { err: error, address: formatAddress(flow.remoteAddress, flow.remotePort) },
        'SIP WebSocket error',
      ),
    );
    socket.on('close', () => {
      this.sockets.delete(socket);
      sink.flowClosed(flow);
    });
  }

  stop(): void {
    for (const socket of this.sockets) socket.terminate();
  }
}
