/**
 * Issue 16: two nodes (processes) sharing PostgreSQL, each on its own loopback address, and 60
 * simulated 7940s with both in their call-manager group. kill -9 of the primary: every phone
 * registers on the secondary over the standby connection it kept; the primary comes back: the
 * phones fall back at its --fallback-pace (some are told RegisterTokenReject and wait).
 */
import { afterAll, expect, it } from 'vitest';
import type { Fleet } from '../../src/sim/fleet.js';
import type { ChildNode } from '../support/child-node.js';
import { createPostgresDatabase, postgresAvailable } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { eventually } from '../support/node.js';
import {
  freePort,
  killHard,
  metricOf,
  sharedSecretKeyFile,
  startClusterNode,
  twoNodeFleet,
} from './support.js';

const PHONES = 60;
const PACE = 10;
const N1 = '127.0.77.1';
const N2 = '127.0.77.2';

let database: TestDatabase | undefined;
let fleet: Fleet | undefined;
const nodes: ChildNode[] = [];
const secret = sharedSecretKeyFile();
afterAll(async () => {
  fleet?.stop();
  for (const n of nodes) await n.stop();
  await database?.drop();
  secret.remove();
});

it(`${PHONES} SCCP phones fail over to n2 over their standby connections when n1 is killed, and fall back at n1's pace`, async (ctx) => {
  if (!(await postgresAvailable())) ctx.skip();
  database = await createPostgresDatabase();
  const url = database.databaseUrl as string;
  const [p1, p2] = [await freePort(N1), await freePort(N2)];
  // n1 paces the fallback across its SCCP worker processes (the pace is node-wide).
  const n1Spec = {
    name: 'n1',
    address: N1,
    sccpPort: p1,
    flags: ['--sccp-workers', '2', '--fallback-pace', String(PACE)],
  };
  let n1 = await startClusterNode(n1Spec, url, secret.file);
  nodes.push(n1);
  const n2 = await startClusterNode(
    { name: 'n2', address: N2, sccpPort: p2, flags: ['--sccp-workers', '0'] },
    url,
    secret.file,
  );
  nodes.push(n2);
  const s1 = `${N1}:${p1}`;
  const s2 = `${N2}:${p2}`;

  const f = (fleet = twoNodeFleet({
    macStart: '00AB00000000',
    count: PHONES,
    n1: { host: N1, sccpPort: p1 },
    n2: { host: N2, sccpPort: p2 },
    rate: 100,
    localAddresses: ['127.0.78.1'],
    timing: { fallbackRetryMs: 1000 },
  }));
  f.start();
  await eventually(() => f.stats().byServer[s1] === PHONES, 60_000);
  // n2 holds a standby connection of every phone (each worker-less node counts its own).
  await eventually(
    async () => (await metricOf(n2, N2, 'openucm_sccp_standby_connections')) === PHONES,
    20_000,
  );
  expect(f.stats().moves).toBe(0);

  // kill -9: the kernel resets n1's connections; each phone registers on its standby at once.
  const killedAt = Date.now();
  await killHard(n1);
  await eventually(() => f.stats().byServer[s2] === PHONES, 30_000);
  const failoverMs = Date.now() - killedAt;
  const moved = f.members.map((p) => p.snapshot.moved);
  expect(moved.every((m) => m?.why === 'failover' && m.from === s1 && m.to === s2)).toBe(true);
  expect(f.stats().byState.registered).toBe(PHONES);

  // n1 returns on its address and port: the phones ask it for tokens and come back at its pace.
  const restartedAt = Date.now();
  n1 = await startClusterNode(n1Spec, url, secret.file);
  nodes.push(n1);
  await eventually(() => f.stats().byServer[s1] === PHONES, 60_000);
  const fallbackMs = Date.now() - restartedAt;
  const stats = f.stats();
  // More phones than one second's pace asked at once: some were told to wait.
  expect(stats.tokenRejects).toBeGreaterThan(0);
  expect(await metricOf(n1, N1, 'openucm_limit_refusals_total', 'limit="fallbackPace"')).toBeGreaterThan(0);
  expect(await metricOf(n1, N1, 'openucm_sccp_fallback_tokens', 'answer="granted"')).toBeGreaterThanOrEqual(
    PHONES,
  );
  expect(f.members.every((p) => p.snapshot.moved?.why === 'fallback' && p.snapshot.moved.to === s1)).toBe(
    true,
  );
  // Back home, each keeps a standby connection to n2 again.
  await eventually(
    async () => (await metricOf(n2, N2, 'openucm_sccp_standby_connections')) === PHONES,
    20_000,
  );
  console.log(
    `failover of ${PHONES} phones: ${failoverMs} ms; fallback at ${PACE}/s: ${fallbackMs} ms after n1 started (incl. its start), ${stats.tokenRejects} token rejects`,
  );
}, 240_000);
