/** The HTTP side of SIP over WebSocket: `GET /sip` upgraded with subprotocol `sip` (RFC 7118). */
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { WebSocketPeer } from './websocket-transport.js';
import { SIP_WEBSOCKET_PROTOCOL } from './websocket-transport.js';

/** Takes an upgraded SIP WebSocket (the SIP server's WebSocketTransport.accept). */
export type SipWebSocketAcceptor = (socket: WebSocket, peer: WebSocketPeer) => void;

export const SIP_WEBSOCKET_PATH = '/sip';

/** Largest WebSocket message accepted: one SIP message of the parser's default limit, plus framing slack. */
const MAX_PAYLOAD = 65536 + 1024;

/** Registers `GET /sip` on the HTTP app; WebSocket connections there are handed to `accept`. */
export async function registerSipWebSocketRoute(
  app: FastifyInstance,
  accept: SipWebSocketAcceptor,
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
      },
    },
    (socket, request) => {
      const raw = request.socket;
      accept(socket, {
        remoteAddress: raw.remoteAddress ?? '',
        remotePort: raw.remotePort ?? 0,
        localAddress: raw.localAddress ?? '',
        localPort: raw.localPort ?? 0,
      });
    },
  );
}
