import type { Logger } from 'pino';
import { RegisteredLineRepository } from '../../store/registered-line-repository.js';
import type { Store } from '../../store/store.js';
import type { ClusterLocator } from '../calls/cluster-locator.js';
import type { ClusterBus, ConfigNotification, NodeNotification, StatusNotification } from './cluster-bus.js';
import { TrunkPeers } from './trunk-peers.js';

/** What calls between nodes hear of the cluster: the other nodes, and where their phones' DNs are. */
export interface NodeTrunk {
  peers: TrunkPeers;
  stop(): void;
}

/**
 * Feeds the intra-cluster trunk from the cluster bus (docs/cluster-calls.md): the running nodes
 * (TrunkPeers) and the DNs registered on each (the ClusterLocator), read whole at start and after
 * each listener reconnect, and by the devices each openucm_status notification names in between.
 */
export async function composeTrunk(deps: {
  bus: ClusterBus;
  store: Store;
  locator: ClusterLocator;
  nodeName: string;
  logger: Logger;
}): Promise<NodeTrunk> {
  const { bus, store, locator, nodeName, logger } = deps;
  const lines = new RegisteredLineRepository(store.database.db);
  const peers = new TrunkPeers({
    self: nodeName,
    logger,
    load: async () => {
      const [nodes, liveness] = await Promise.all([store.nodes.list(), store.cluster.liveness()]);
      const alive = new Map(liveness.nodes.map((n) => [n.name, n.heartbeatAt !== null && n.downAt === null]));
      return nodes.map((n) => ({
        name: n.name,
        address: n.endpoint?.address ?? null,
        sipPort: n.endpoint?.sipPort ?? null,
        running: alive.get(n.name) ?? false,
      }));
    },
  });
  const readAll = async (why: string) => {
    try {
      locator.replaceAll(await lines.registeredElsewhere(nodeName));
    } catch (error) {
      logger.warn(
        { err: error },
        `could not read where the other nodes' phones are registered (${why}: ${(error as Error).message}); calls to them fail until the next status change or reconnect`,
      );
    }
  };
  const onStatus = (n: StatusNotification) => {
    if (!Array.isArray(n.names)) return;
    lines.ofDevices(n.names).then(
      (rows) => locator.apply(rows),
      (error: unknown) =>
        logger.warn(
          { err: error, devices: n.names.length },
          `could not read where ${n.names.length} phones are registered now (${(error as Error).message}); calls to them may fail until the next change`,
        ),
    );
  };
  const onNodes = (n: NodeNotification) => {
    if (n.state === 'down') locator.nodeDown(n.node);
    void peers.reload();
  };
  const onConfig = (n: ConfigNotification) => {
    if (n.what === 'node') void peers.reload();
  };
  const onResync = () => {
    void peers.reload();
    void readAll('after the cluster listener reconnected');
  };
  bus.events.on('status', onStatus);
  bus.events.on('nodes', onNodes);
  bus.events.on('config', onConfig);
  bus.events.on('resync', onResync);
  await Promise.all([peers.reload(), readAll('at start')]);
  return {
    peers,
    stop: () => {
      bus.events.off('status', onStatus);
      bus.events.off('nodes', onNodes);
      bus.events.off('config', onConfig);
      bus.events.off('resync', onResync);
    },
  };
}
