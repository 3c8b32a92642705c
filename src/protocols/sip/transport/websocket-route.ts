/** The HTTP side of SIP over WebSocket: `GET /sip` upgraded with subprotocol `sip` (RFC 7118). */
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { WebSocketPeer } from './websocket-transport.js';
import { SIP_WEBSOCKET_PROTOCOL } from './websocket-transport.js';

/** A refusal of a WebSocket upgrade: its HTTP status and what to tell the client. */
export interface WebSocketRefusal {
  readonly status: 403 | 503;
  readonly message: string;
}

/** The SIP server's side of `/sip`. */
export interface SipWebSocketAcceptor {
  /** null when a WebSocket from `peer` with `origin` may be upgraded; otherwise why not (already reported). */
  refusal(peer: WebSocketPeer, origin: string | undefined): WebSocketRefusal | null;
  /** Takes an upgraded SIP WebSocket. */
  accept(socket: WebSocket, peer: WebSocketPeer): void;
}

/** How long a client refused at a connection cap should wait (RFC 9110 §10.2.3 Retry-After, seconds). */
const RETRY_AFTER_SECONDS = 30;

export const SIP_WEBSOCKET_PATH = '/sip';

/** Largest WebSocket message accepted: one SIP message of the parser's default limit, plus framing slack. */
const MAX_PAYLOAD = 65536 + 1024;

/** Registers `GET /sip` on the HTTP app; WebSocket connections there are handed to `acceptor`. */
export async function registerSipWebSocketRoute(
  app: FastifyInstance,
  acceptor: SipWebSocketAcceptor,
): Promise<void> {
  if (!app.hasDecorator('websocketServer')) {
    await app.register(fastifyWebsocket, {
      options: {
        maxPayload: MAX_PAYLOAD,
        handleProtocols: (protocols: Set<string>) =>
          protocols.has(SIP_WEBSOCKET_PROTOCOL)
            ? SIP_WEBSOCKET_PROTOCOL
            : (protocols.values().next().value ?? false),
      },
    });
  }
  app.get(
    SIP_WEBSOCKET_PATH,
    {
      websocket: true,
      schema: { hide: true },
      preValidation: async (request, reply) => {
        if (!request.ws) {
          return reply
            .code(426)
            .header('upgrade', 'websocket')
            .send({
              error: 'validation',
              message: `${SIP_WEBSOCKET_PATH} is SIP over WebSocket (RFC 7118): open a WebSocket with subprotocol "sip"`,
            });
        }
        // RFC 7118 §4.1 (handshake): the client offers the subprotocol "sip"; without it there is no SIP to speak.
        const offered = String(request.headers['sec-websocket-protocol'] ?? '')
          .split(',')
          .map((p) => p.trim().toLowerCase());
        if (!offered.includes(SIP_WEBSOCKET_PROTOCOL)) {
          return reply.code(400).send({
            error: 'validation',
            field: 'Sec-WebSocket-Protocol',
            message:
              'SIP over WebSocket needs the subprotocol "sip" (RFC 7118 §4.1): add it to Sec-WebSocket-Protocol',
          });
        }
        // RFC 6455 §10.2: "servers ... MAY use the |Origin| header field to ... reject connections from origins
        // they do not wish to accept"; caps are checked here too, so a refused client costs no upgrade.
        const origin = request.headers.origin;
        const refusal = acceptor.refusal(
          peerOf(request.raw.socket),
          typeof origin === 'string' ? origin : undefined,
        );
        if (refusal !== null) {
          if (refusal.status === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
          return reply
            .code(refusal.status)
            .send({ error: refusal.status === 403 ? 'forbidden' : 'unavailable', message: refusal.message });
        }
      },
    },
    (socket, request) => acceptor.accept(socket, peerOf(request.socket)),
  );
}

function peerOf(raw: Socket): WebSocketPeer {
  return {
    remoteAddress: raw.remoteAddress ?? '',
    remotePort: raw.remotePort ?? 0,
    localAddress: raw.localAddress ?? '',
    localPort: raw.localPort ?? 0,
  };
}
