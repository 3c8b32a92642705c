import type { Logger } from 'pino';
import type { RemoteCommands } from '../remote-commands.js';
import { CHANNELS } from './channels.js';
import type { NodeLiveness } from '../../core/node-liveness.js';
import { livenessOfNodes } from './liveness-of-nodes.js';
import type { Config } from '../../config.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import type { LiveEvents } from '../live-events.js';
import type { LiveRegistry } from '../live-registry.js';
import type { StatusWriter } from '../status-writer.js';
import type { ClusterBus } from './cluster-bus.js';
import { InProcessClusterBus } from './cluster-bus.js';
import { ClusterPropagation } from './cluster-propagation.js';
import { NodeReaper } from './node-reaper.js';
import { PostgresClusterBus } from './postgres-cluster-bus.js';

/** What a node hears of its cluster, and the pieces that act on it. */
export interface NodeCluster {
  bus: ClusterBus;
  /** Wires the bus to the node's live state once that exists. */
  propagate(deps: {
    live: LiveEvents;
    registry: LiveRegistry;
    statusWriter: StatusWriter;
    clock: Clock;
  }): void;
  /** The configuration version applied (openucm_config_version), and other nodes' changes applied. */
  configVersion(): { version: number; applied: number };
  /** Heartbeat interval and down-after time in force. */
  timings: { heartbeatMs: number; downAfterMs: number };
  /** Every node's liveness by name (the nodes resource). */
  liveness(): Promise<Map<string, NodeLiveness>>;
  /** Reset/Restart of a phone another node holds (openucm_command). */
  commands: RemoteCommands;
  stop(): Promise<void>;
}

/** The down-after time must leave room for a late beat or two; refused with the flags to change. */
export function clusterTimings(
  config: Pick<Config, 'clusterHeartbeatMilliseconds' | 'clusterDownAfterMilliseconds'>,
): {
  heartbeatMs: number;
  downAfterMs: number;
} {
  const heartbeatMs = config.clusterHeartbeatMilliseconds;
  const downAfterMs = config.clusterDownAfterMilliseconds;
  if (downAfterMs < 2 * heartbeatMs)
    throw new Error(
      `--cluster-down-after-milliseconds ${downAfterMs} is less than twice --cluster-heartbeat-milliseconds ${heartbeatMs}: one late heartbeat would get a running node declared down. Raise the first or lower the second`,
    );
  return { heartbeatMs, downAfterMs };
}

/**
 * On PostgreSQL: the listener connection (heartbeat, LISTEN, resync), the reaper, and the
 * propagation of what they hear into the node's LiveEvents. Alone on SQLite: nothing to hear.
 */
export async function composeCluster(deps: {
  config: Config;
  store: Store;
  logger: Logger;
}): Promise<NodeCluster> {
  const { config, store, logger } = deps;
  const timings = clusterTimings(config);
  const postgres = store.database.flavor === 'postgres' && config.databaseUrl !== undefined;
  const bus: ClusterBus = postgres
    ? new PostgresClusterBus({
        url: config.databaseUrl!,
        nodeName: config.nodeName,
        heartbeatMs: timings.heartbeatMs,
        downAfterMs: timings.downAfterMs,
        connectTimeoutSeconds: config.databaseConnectTimeoutSeconds,
        keepaliveSeconds: config.databaseKeepaliveSeconds,
        logger,
      })
    : new InProcessClusterBus();
  await bus.start();
  const reaper = postgres
    ? new NodeReaper({
        store,
        nodeName: config.nodeName,
        everyMs: timings.heartbeatMs,
        downAfterMs: timings.downAfterMs,
        logger,
      })
    : null;
  reaper?.start();
  let propagation: ClusterPropagation | null = null;
  return {
    bus,
    timings,
    propagate: (p) => {
      propagation = new ClusterPropagation({ ...p, bus, store, nodeName: config.nodeName, logger });
      propagation.start();
    },
    configVersion: () => propagation?.configVersion() ?? { version: 0, applied: 0 },
    liveness: () => livenessOfNodes(store, timings.downAfterMs),
    commands: {
      send: (to, device, action) =>
        bus.send(CHANNELS.command, JSON.stringify({ to, device, action, from: config.nodeName })),
    },
    stop: async () => {
      propagation?.stop();
      await reaper?.stop();
      await bus.stop();
    },
  };
}
