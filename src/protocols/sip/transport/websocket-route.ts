/** The HTTP side of SIP over WebSocket: `GET /sip` upgraded with subprotocol `sip` (RFC 7118). */
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { closePipelinedUpgrades } from './pipelined-upgrades.js';
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

/**
 * Takes WebSocket upgrades on the HTTP app. Called before any route is registered, so that its hooks
 * reach every route: an upgrade that is refused (401, 403, 404, …) then has its socket destroyed once
 * the refusal is sent. A socket that Node handed over for an upgrade has no HTTP timeouts any more;
 * left open, each refused upgrade would hold a file descriptor and a place in the per-address count
 * for as long as the client liked.
 */
export async function installWebSocketUpgrades(app: FastifyInstance): Promise<void> {
  await app.register(fastifyWebsocket, {
    // Errors on an upgraded socket (a bad frame, a reset) are the client's: one debug line each, so
    // that a flood of bad WebSockets does not flood the log. Anything else is a bug and says so.
    errorHandler: (error, socket, request) => {
      const clients = typeof (error as NodeJS.ErrnoException).code === 'string';
      if (clients) request.log.debug({ err: error }, 'WebSocket closed after a protocol or socket error');
      else request.log.error({ err: error, url: request.url }, 'WebSocket handler failed; closed it');
      socket.terminate();
    },
    options: {
      maxPayload: MAX_PAYLOAD,
      handleProtocols: (protocols: Set<string>) =>
        protocols.has(SIP_WEBSOCKET_PROTOCOL)
          ? SIP_WEBSOCKET_PROTOCOL
          : (protocols.values().next().value ?? false),
    },
  });
  closePipelinedUpgrades(app.server, (request) =>
    app.log.debug(
      { address: request.socket.remoteAddress, url: request.url },
      'closed a connection that pipelined a WebSocket upgrade behind a request still being answered',
    ),
  );
  // Only /sip speaks WebSocket: an upgrade anywhere else is refused before authentication or any other
  // work (nothing is upgraded to be closed again, nothing is logged per attempt).
  app.addHook('onRequest', async (request, reply) => {
    if (!request.ws || request.routeOptions.url === SIP_WEBSOCKET_PATH) return;
    return reply.code(404).send({
      error: 'not-found',
      message: `no WebSocket here: SIP over WebSocket (RFC 7118) is at ${SIP_WEBSOCKET_PATH}`,
    });
  });
}

/**
 * Registers `GET /sip` on the HTTP app; WebSocket connections there are handed to `acceptor`.
 * installWebSocketUpgrades must have run first.
 */
export function registerSipWebSocketRoute(app: FastifyInstance, acceptor: SipWebSocketAcceptor): void {
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
