/**
 * Issue 16, slow detection (cluster.md §1.3, target T2): the primary hangs with its TCP
 * connections up (SIGSTOP). Each phone notices after three unanswered KeepAlives and registers on
 * its standby connection; when the primary runs again (SIGCONT) the phones fall back to it.
 * --keepalive-seconds 1 on both nodes keeps the test short (detection after about 3 s).
 */
import { afterAll, expect, it } from 'vitest';
import { Fleet } from '../../src/sim/fleet.js';
import type { ChildNode } from '../support/child-node.js';
import { createPostgresDatabase, postgresAvailable } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { eventually } from '../support/node.js';
import { freePort, sharedSecretKeyFile, startClusterNode } from './support.js';

const PHONES = 20;
const N1 = '127.0.77.5';
const N2 = '127.0.77.6';

let database: TestDatabase | undefined;
let fleet: Fleet | undefined;
const nodes: ChildNode[] = [];
const secret = sharedSecretKeyFile();
afterAll(async () => {
  fleet?.stop();
  for (const n of nodes) {
    n.child.kill('SIGCONT');
    await n.stop();
  }
  await database?.drop();
  secret.remove();
});

it(`${PHONES} SCCP phones leave a hung primary after three unanswered KeepAlives, and come back when it runs again`, async (ctx) => {
  if (!(await postgresAvailable())) ctx.skip();
  database = await createPostgresDatabase();
  const url = database.databaseUrl as string;
  const [p1, p2] = [await freePort(N1), await freePort(N2)];
  const flags = ['--keepalive-seconds', '1', '--sccp-workers', '0'];
  const n1 = await startClusterNode({ name: 'n1', address: N1, sccpPort: p1, flags }, url, secret.file);
  nodes.push(n1);
  nodes.push(await startClusterNode({ name: 'n2', address: N2, sccpPort: p2, flags }, url, secret.file));
  const s1 = `${N1}:${p1}`;
  const s2 = `${N2}:${p2}`;
  const f = (fleet = new Fleet({
    macStart: '00AC00000000',
    offset: 0,
    count: PHONES,
    model: '7940',
    tftp: null,
    callManagers: [
      { host: N1, sccpPort: p1, sipPort: 5060, priority: 0 },
      { host: N2, sccpPort: p2, sipPort: 5060, priority: 1 },
    ],
    rate: 50,
    localAddresses: ['127.0.78.2'],
    timing: { fallbackRetryMs: 1000 },
  }));
  f.start();
  await eventually(() => f.stats().byServer[s1] === PHONES, 60_000);

  n1.child.kill('SIGSTOP');
  await eventually(() => f.stats().byServer[s2] === PHONES, 30_000);
  expect(f.members.every((p) => p.snapshot.moved?.why === 'failover' && p.snapshot.moved.from === s1)).toBe(
    true,
  );

  n1.child.kill('SIGCONT');
  await eventually(() => f.stats().byServer[s1] === PHONES, 60_000);
  expect(f.members.every((p) => p.snapshot.moved?.why === 'fallback')).toBe(true);
}, 180_000);
