import type { LimitSpec } from './limit.js';

/** Limits of the administration HTTP server (UI, REST API, event stream) and of HTTP provisioning. */
export const httpLimits = {
  httpRequestTimeoutSeconds: {
    default: 300,
    min: 1,
    max: 3600,
    help: 'seconds an administration HTTP request (headers and body) may take to arrive; firmware uploads need minutes',
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
} satisfies Record<string, LimitSpec>;
