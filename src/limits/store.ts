import type { LimitSpec } from './limit.js';

/** Limits of what a node holds in memory for its database (src/services/status-writer.ts). */
export const storeLimits = {
  databaseMaxQueuedEvents: {
    default: 100_000,
    min: 100,
    max: 10_000_000,
    help: 'registration events, and as many call detail records, held in memory while the database is slow or down; past it the oldest are dropped (counted and logged), never a status',
  },
} satisfies Record<string, LimitSpec>;
