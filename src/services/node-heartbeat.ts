import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';

/**
 * How often a node alone on SQLite writes its heartbeat. Not faster: SQLite's online backup starts
 * over whenever another connection writes, and a backup taking longer than one beat would never end.
 * (A PostgreSQL cluster beats every clusterHeartbeatMilliseconds, 1 s by default.)
 */
export const HEARTBEAT_INTERVAL_MS = 10_000;

/** The longest heartbeat interval a node may be configured with. */
export const MAX_HEARTBEAT_INTERVAL_MS = 10_000;

/**
 * A node whose last heartbeat is younger than this is taken to be running by tools that do not know
 * its settings (`openucm restore`): three missed beats at the longest interval. A node killed
 * without stopping therefore counts as running for this long after its last one. (The cluster
 * itself declares a node down sooner: clusterDownAfterMilliseconds, docs/cluster.md.)
 */
export const HEARTBEAT_FRESH_MS = 3 * MAX_HEARTBEAT_INTERVAL_MS;

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
 * A node alone on SQLite uses this; on PostgreSQL the cluster bus beats from its listener
 * connection with the database's clock (services/cluster/postgres-cluster-bus.ts).
 */
export class NodeHeartbeat {
  private timer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(
    private readonly deps: {
      store: Store;
      nodeName: string;
      clock: Clock;
      logger: Logger;
      intervalMs?: number;
    },
  ) {}

  async start(): Promise<void> {
    await this.deps.store.nodes.heartbeat(this.deps.nodeName, this.deps.clock());
    this.timer = setInterval(() => void this.beat(), this.deps.intervalMs ?? HEARTBEAT_INTERVAL_MS);
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
