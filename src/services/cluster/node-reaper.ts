import type { Logger } from 'pino';
import type { DeviceProtocol } from '../../core/device.js';
import { unregisteredEvent } from '../../core/registration-event.js';
import type { ReapedNode } from '../../store/cluster-repository.js';
import type { Store } from '../../store/store.js';
import { CHANNELS, statusPayloads } from './channels.js';

export interface NodeReaperDeps {
  store: Store;
  nodeName: string;
  /** How often to look (the heartbeat interval). */
  everyMs: number;
  /** A node whose heartbeat is older than this (database clock) is declared down. */
  downAfterMs: number;
  logger: Logger;
  /** Milliseconds since the epoch (tests pass their own). */
  now?: () => number;
}

/** The listener's longest reconnect backoff: other nodes may come back this much later than this one. */
const RECONNECT_SLACK_MS = 5000;

/**
 * Runs on every node of a PostgreSQL cluster; one at a time reaps (an advisory transaction lock):
 * a node silent longer than the down-after time is declared down, its registered phones are shown
 * unregistered with a registration event each, and the other nodes are told (openucm_nodes, and
 * openucm_status naming the phones) in the same transaction. This heartbeat check is the one poll.
 */
export class NodeReaper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failing = false;
  /**
   * Since when this node has reached the database without a break (null: not now; from the start:
   * no outage seen, so no grace). After an outage
   * every node's heartbeat is old; the others are given time to come back before any is declared
   * down, or a database restart would show the whole cluster's phones unregistered.
   */
  private inContactSince: number | null = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: NodeReaperDeps) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.reap().then(
        () => {
          this.running = null;
        },
        () => {
          this.running = null;
        },
      );
    }, this.deps.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One round; what it reaped (tests). */
  async reap(): Promise<ReapedNode[]> {
    const { store, nodeName, downAfterMs, logger } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    const grace = 2 * downAfterMs + RECONNECT_SLACK_MS;
    try {
      if (this.inContactSince === null || now - this.inContactSince < grace) {
        await store.cluster.liveness();
        this.inContactSince ??= now;
        this.failing = false;
        return [];
      }
      const reaped = await store.transaction(async (tx) => {
        const dead = await tx.cluster.reapSilentNodes(downAfterMs, nodeName);
        for (const d of dead) {
          const at = new Date(d.at);
          await tx.events.insertMany(
            d.phones.map((p) =>
              unregisteredEvent(
                {
                  at,
                  deviceName: p.name,
                  protocol: p.protocol as DeviceProtocol,
                  address: p.ipAddress ?? '',
                  node: d.node,
                },
                'node-down',
              ),
            ),
          );
          await tx.cluster.notify(
            CHANNELS.nodes,
            JSON.stringify({ node: d.node, state: 'down', phones: d.phones.length, by: nodeName }),
          );
          for (const payload of statusPayloads(
            null,
            d.phones.map((p) => p.name),
          ))
            await tx.cluster.notify(CHANNELS.status, payload);
        }
        return dead;
      });
      for (const d of reaped)
        logger.warn(
          { node: d.node, phones: d.phones.length, declaredDownAt: d.at },
          `node ${d.node} stopped answering (no heartbeat for over ${downAfterMs} ms); its ${d.phones.length} phones are shown unregistered until they register elsewhere. Check that node and its path to the database`,
        );
      if (this.failing) logger.info('the node reaper reads the cluster again');
      this.failing = false;
      return reaped;
    } catch (error) {
      this.inContactSince = null;
      if (!this.failing)
        logger.warn(
          { err: error },
          `could not check the other nodes' heartbeats (${(error as Error).message}); a node that dies meanwhile keeps its phones shown registered until this works again. Check the database`,
        );
      this.failing = true;
      return [];
    }
  }
}
