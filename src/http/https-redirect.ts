import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { inSubnet } from '../core/subnet.js';
import type { Subnet } from '../core/subnet.js';

/** Paths the plain port keeps answering itself: supervisors and load balancers poll them without TLS. */
export const PLAIN_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

const HOST_NAME =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?|\[[0-9A-Fa-f:.]+\])$/;

export interface RedirectOptions {
  /** The HTTPS application: /healthz and /readyz are answered by it. */
  app: FastifyInstance;
  /** The HTTPS port the redirect names. */
  httpsPort: () => number;
  /** Clients served in full on the plain port (--http-plain-networks): by default this machine only. */
  plainNetworks: readonly Subnet[];
  /** The host named when the request's Host is missing or not a host name. */
  fallbackHost: string;
  /** Timeouts of the administration HTTP server (README: Security and limits). */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  idleTimeoutMs: number;
}

/** The host of a Host header ("name", "1.2.3.4", "[::1]"), its port dropped; null when it is not one. */
export function hostOf(header: string | undefined): string | null {
  if (!header) return null;
  const host = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':')[0];
  return HOST_NAME.test(host) ? host : null;
}

/**
 * The plain HTTP listener of `--http-mode redirect`: every request is sent to the same path on
 * HTTPS with 308 (RFC 9110 15.4.9: the method and body are kept), except /healthz and /readyz,
 * which the HTTPS application answers here too, and except requests from --http-plain-networks
 * (by default this machine's loopback, where nothing crosses a network): the application serves
 * those in full, WebSocket upgrades included, so local scripts keep the plain port they knew.
 */
export function createRedirectServer(options: RedirectOptions): http.Server {
  const server = http.createServer(
    {
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: Math.min(options.headersTimeoutMs, options.requestTimeoutMs),
    },
    (request, response) => void answer(options, request, response),
  );
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  server.setTimeout(options.idleTimeoutMs);
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (servedPlain(options, request)) options.app.server.emit('upgrade', request, socket, head);
    else
      socket.end(
        `HTTP/1.1 308 Permanent Redirect\r\nlocation: ${locationOf(options, request)}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
      );
  });
  return server;
}

/** The same path on HTTPS, on the host the client named (or the node's own address). */
function locationOf(options: RedirectOptions, request: IncomingMessage): string {
  const target = request.url ?? '/';
  const port = options.httpsPort();
  const host = hostOf(request.headers.host) ?? options.fallbackHost;
  const authority = port === 443 ? host : `${host}:${port}`;
  return `https://${authority}${target.startsWith('/') ? target : '/'}`;
}

function servedPlain(options: RedirectOptions, request: IncomingMessage): boolean {
  const address = request.socket.remoteAddress;
  return address !== undefined && options.plainNetworks.some((subnet) => inSubnet(address, subnet));
}

async function answer(options: RedirectOptions, request: IncomingMessage, response: ServerResponse) {
  if (servedPlain(options, request)) {
    options.app.routing(request, response);
    return;
  }
  const target = request.url ?? '/';
  const pathname = target.split('?')[0];
  if ((request.method === 'GET' || request.method === 'HEAD') && PLAIN_PATHS.has(pathname)) {
    try {
      const reply = await options.app.inject({ method: request.method, url: target });
      response.writeHead(reply.statusCode, {
        'content-type': String(reply.headers['content-type'] ?? 'application/json'),
        'cache-control': 'no-store',
      });
      response.end(request.method === 'HEAD' ? undefined : reply.rawPayload);
    } catch {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end('{"status":"not ready"}');
    }
    return;
  }
  const location = locationOf(options, request);
  // The request's body is not read: the client sends it again to the new location.
  response.writeHead(308, {
    location,
    'content-type': 'text/plain; charset=utf-8',
    connection: request.readableEnded ? 'keep-alive' : 'close',
  });
  response.end(`this node serves its administration over HTTPS: ${location}\n`);
}
