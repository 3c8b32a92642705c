/**
 * Two openucm nodes as processes (`openucm start`, as an operator runs them) sharing one
 * PostgreSQL database, each on its own loopback address (cluster.md §3.e), for failover tests and
 * the failover benchmark. A node can be killed (-9) and started again on the same address and port.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Fleet } from '../../src/sim/fleet.js';
import type { FleetSpec } from '../../src/sim/fleet.js';
import { startChildNode } from '../support/child-node.js';
import type { ChildNode } from '../support/child-node.js';

export interface NodeSpec {
  name: string;
  address: string;
  sccpPort: number;
  /** More flags, e.g. ['--fallback-pace', '10']. */
  flags?: string[];
}

/** A port free on `address` now (for a node that must come back on the same one). */
export function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen({ host: address, port: 0 }, () => {
      const a = probe.address();
      probe.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** A secret key file both nodes share (nodes sharing a database need the same one). */
export function sharedSecretKeyFile(): { file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-failover-'));
  return {
    file: path.join(dir, 'secret.key'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Starts one node of the pair. */
export function startClusterNode(
  spec: NodeSpec,
  databaseUrl: string,
  secretKeyFile: string,
): Promise<ChildNode> {
  return startChildNode([
    '--bind',
    spec.address,
    '--node-name',
    spec.name,
    '--sccp-port',
    String(spec.sccpPort),
    '--database-url',
    databaseUrl,
    '--secret-key-file',
    secretKeyFile,
    ...(spec.flags ?? []),
  ]);
}

/** kill -9: the kernel closes its sockets (phones see the connection drop at once). */
export async function killHard(node: ChildNode): Promise<void> {
  if (!node.alive()) return;
  const exited = new Promise<void>((resolve) => node.child.once('exit', () => resolve()));
  node.child.kill('SIGKILL');
  await exited;
}

/** A counter or gauge of `node`'s /metrics (summed over label sets containing `labels`); the node listens on `address`. */
export async function metricOf(
  node: ChildNode,
  address: string,
  name: string,
  labels?: string,
): Promise<number> {
  const auth = `Basic ${Buffer.from('CCMAdministrator:child-node-secret').toString('base64')}`;
  const text = await (
    await fetch(`http://${address}:${node.ports.http}/metrics`, { headers: { authorization: auth } })
  ).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    if (labels !== undefined && !line.includes(labels)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Where one node of the pair takes SCCP phones. */
export interface SccpEndpoint {
  host: string;
  sccpPort: number;
}

/**
 * 7940s (SCCP, no TFTP: their group is given) whose Unified CM group is `n1`, then `n2`, as the
 * failover tests and the failover benchmark run them; started by the caller.
 */
export function twoNodeFleet(
  spec: Pick<FleetSpec, 'macStart' | 'count' | 'rate' | 'localAddresses' | 'timing'> & {
    n1: SccpEndpoint;
    n2: SccpEndpoint;
  },
): Fleet {
  const { n1, n2, ...rest } = spec;
  return new Fleet({
    ...rest,
    offset: 0,
    model: '7940',
    tftp: null,
    callManagers: [
      { host: n1.host, sccpPort: n1.sccpPort, sipPort: 5060, priority: 0 },
      { host: n2.host, sccpPort: n2.sccpPort, sipPort: 5060, priority: 1 },
    ],
  });
}

/** GET `path` of the REST API of `node`, which listens on `address` (as an operator's script would). */
export async function apiOf<T>(node: ChildNode, address: string, path: string): Promise<T> {
  const auth = `Basic ${Buffer.from('CCMAdministrator:child-node-secret').toString('base64')}`;
  const response = await fetch(`http://${address}:${node.ports.http}/api/v1${path}`, {
    headers: { authorization: auth },
  });
  return (await response.json()) as T;
}
