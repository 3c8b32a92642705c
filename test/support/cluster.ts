/**
 * Nodes of one cluster in the test's process: a fresh PostgreSQL database and a node per name on it,
 * every port picked by the system. `stop()` stops them all (last first) and drops the database.
 */
import type { ConfigInput } from '../../src/config.js';
import { createPostgresDatabase } from './databases.js';
import type { TestDatabase } from './databases.js';
import { startTestNode } from './node.js';
import type { TestNode } from './node.js';

export interface TestCluster {
  database: TestDatabase;
  /** In the order of the names given. */
  nodes: TestNode[];
  stop(): Promise<void>;
}

export async function startTestCluster(
  names: readonly string[],
  config: Partial<ConfigInput> = {},
): Promise<TestCluster> {
  const database = await createPostgresDatabase();
  const nodes: TestNode[] = [];
  const stop = async () => {
    for (const t of nodes.slice(1).reverse()) await t.stop();
    if (nodes[0]) await nodes[0].destroy();
    else await database.drop();
  };
  try {
    for (const nodeName of names)
      nodes.push(await startTestNode({ database, config: { ...config, nodeName } }));
  } catch (error) {
    await stop();
    throw error;
  }
  return { database, nodes, stop };
}
