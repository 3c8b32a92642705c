import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';

/** How often a running node writes its heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 10_000;

/**
 * A node whose last heartbeat is younger than this is taken to be running: three missed beats.
 * A node killed without stopping therefore counts as running for this long after its last one.
 */
export const HEARTBEAT_FRESH_MS = 3 * HEARTBEAT_INTERVAL_MS;

/** The nodes whose heartbeat says they are running at `now`, with the age of that heartbeat. */
export function runningNodes(
  heartbeats: readonly { name: string; at: Date | null }[],
  now: Date,
): { name: string; ageMs: number }[] {
  return heartbeats
    .filter((h): h is { name: string; at: Date } => h.at !== null)
    .map((h) => ({ name: h.name, ageMs: Math.max(0, now.getTime() - h.at.getTime()) }))
    .filter((h) => h.ageMs < HEARTBEAT_FRESH_MS);
}

/**
 * Writes this node's heartbeat into the store while it runs and clears it when it stops, so that
 * tools working on the store from outside (`openucm restore`) can tell whether a node uses it.
 */
export class NodeHeartbeat {
  private timer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(private readonly deps: { store: Store; nodeName: string; clock: Clock; logger: Logger }) {}

  async start(): Promise<void> {
    await this.deps.store.nodes.heartbeat(this.deps.nodeName, this.deps.clock());
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.deps.store.nodes.heartbeat(this.deps.nodeName, null);
  }

  private async beat(): Promise<void> {
    const { store, nodeName, clock, logger } = this.deps;
    try {
      await store.nodes.heartbeat(nodeName, clock());
      if (this.failing) logger.info({ node: nodeName }, 'heartbeat written again');
      this.failing = false;
    } catch (error) {
      if (!this.failing)
        logger.warn(
          { err: error, node: nodeName },
          'could not write this node\'s heartbeat; "openucm restore" may take the node for stopped. Check the database',
        );
      this.failing = true;
    }
  }
}
