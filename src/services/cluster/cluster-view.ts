import type { NodeCluster } from './compose-cluster.js';

/** What the API and /metrics show of the cluster: each node's liveness, this node's bus and config version. */
export type ClusterView = Pick<NodeCluster, 'configVersion' | 'timings' | 'liveness'> & {
  bus: Pick<NodeCluster['bus'], 'state'>;
};
