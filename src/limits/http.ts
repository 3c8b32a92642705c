import type { LimitSpec } from './limit.js';

/** Limits of the administration HTTP server (UI, REST API, event stream) and of HTTP provisioning. */
export const httpLimits = {
  httpRequestTimeoutSeconds: {
    default: 300,
    min: 1,
    max: 3600,
    help: 'seconds an administration HTTP request (headers and body) may take to arrive; firmware uploads need minutes',
  },
  httpHeadersTimeoutSeconds: {
    default: 20,
    min: 1,
    max: 3600,
    help: 'seconds the headers of an administration HTTP request may take to arrive (at most the request timeout)',
  },
  httpKeepAliveTimeoutSeconds: {
    default: 72,
    min: 1,
    max: 3600,
    help: 'seconds an idle keep-alive connection waits for its next request (above the 60 s of common proxies)',
  },
  httpIdleTimeoutSeconds: {
    default: 120,
    min: 30,
    max: 86_400,
    help: 'seconds a connection may pass with nothing sent or received (a client that stopped reading); event streams send a heartbeat well within it',
  },
  httpMaxConnectionsPerAddress: {
    default: 256,
    min: 0,
    max: 1_000_000,
    help: 'administration HTTP connections one source address may hold at once, /sip WebSockets aside (0: no limit)',
  },
  httpMaxConnections: {
    default: 2048,
    min: 1,
    max: 1_000_000,
    help: 'administration HTTP connections held at once in all, /sip WebSockets aside',
  },
  httpMaxEventStreamsPerUser: {
    default: 16,
    min: 1,
    max: 10_000,
    help: 'open event streams (GET /api/v1/events) per user',
  },
  httpMaxEventStreams: {
    default: 256,
    min: 1,
    max: 100_000,
    help: 'open event streams in all',
  },
  httpMaxImportBytes: {
    default: 64 * 1024 * 1024,
    min: 1024,
    max: 4 * 1024 * 1024 * 1024,
    help: 'bytes of one CSV import (POST /api/v1/phones/import); 64 MiB holds about 500,000 phones',
  },
} satisfies Record<string, LimitSpec>;
