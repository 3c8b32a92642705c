import type { NodeLiveness } from '../../core/node-liveness.js';
import { nodeLiveness } from '../../core/node-liveness.js';
import type { Store } from '../../store/store.js';

/** Every node's liveness by name, by the database's clock where it has one (PostgreSQL). */
export async function livenessOfNodes(store: Store, downAfterMs: number): Promise<Map<string, NodeLiveness>> {
  const { now, nodes } = await store.cluster.liveness();
  const nowMs = now !== null ? Date.parse(now) : Date.now();
  return new Map(nodes.map((n) => [n.name, nodeLiveness(n, nowMs, downAfterMs)]));
}
