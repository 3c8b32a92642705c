/**
 * Issue 16, slow detection (cluster.md §1.3, target T2): the primary hangs with its TCP
 * connections up (SIGSTOP). Each phone notices after three unanswered KeepAlives and registers on
 * its standby connection; n2 declares n1 down and shows every phone registered on n2. When n1 runs
 * again (SIGCONT) it learns it was declared down and re-asserts only the phones it still holds: it
 * never shows a phone registered on n1 that is not (owner-guarded statuses); the phones fall back
 * by RegisterTokenRequest at n1's --fallback-pace (some told to wait), and are shown on n1 again.
 * --keepalive-seconds 1 on both nodes keeps the test short (detection after about 3 s).
 */
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import type { Fleet } from '../../src/sim/fleet.js';
import type { ChildNode } from '../support/child-node.js';
import { createPostgresDatabase, postgresAvailable } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { eventually } from '../support/node.js';
import { apiOf, freePort, metricOf, sharedSecretKeyFile, startClusterNode, twoNodeFleet } from './support.js';

const PHONES = 20;
const N1 = '127.0.77.5';
const N2 = '127.0.77.6';
/** n1 grants this many fallback tokens a second: 20 phones take about 5 s to come home. */
const PACE = 4;

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
  const n1 = await startClusterNode(
    { name: 'n1', address: N1, sccpPort: p1, flags: [...flags, '--fallback-pace', String(PACE)] },
    url,
    secret.file,
  );
  nodes.push(n1);
  const n2 = await startClusterNode({ name: 'n2', address: N2, sccpPort: p2, flags }, url, secret.file);
  nodes.push(n2);
  const registeredOn = async (node: string) =>
    (await apiOf<{ total: number }>(n2, N2, `/phones?node=${node}&status=registered&pageSize=1`)).total;
  const n1State = async () =>
    (await apiOf<{ name: string; liveness: { state: string } }[]>(n2, N2, '/nodes')).find(
      (n) => n.name === 'n1',
    )?.liveness.state;
  const s1 = `${N1}:${p1}`;
  const s2 = `${N2}:${p2}`;
  const f = (fleet = twoNodeFleet({
    macStart: '00AC00000000',
    count: PHONES,
    n1: { host: N1, sccpPort: p1 },
    n2: { host: N2, sccpPort: p2 },
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

  // While n1 is stopped: n2 declares it down and shows every phone registered on n2.
  await eventually(async () => (await n1State()) === 'down', 30_000);
  await eventually(async () => (await registeredOn('n2')) === PHONES, 30_000);

  n1.child.kill('SIGCONT');
  // Until every phone is home, the database never shows more phones on n1 than are registered
  // there: n1 does not overwrite n2's registrations with what it held before it hung.
  const overwritten: string[] = [];
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await eventually(async () => {
    // The database itself (what every node's view is rebuilt from), phone by phone: a phone shown
    // on n1 is registered there or on its way (falling back; n1 stores a registration before it
    // answers), never still registered on n2 as it believes itself.
    const shown = await db.query<{ name: string }>(
      `SELECT name FROM devices WHERE status = 'registered' AND status_node = 'n1'`,
    );
    for (const { name } of shown.rows) {
      const phone = f.members.find((p) => p.snapshot.device === name)?.snapshot;
      if (phone?.state === 'registered' && phone.server === s2)
        overwritten.push(`${name} shown on n1 while registered on n2`);
    }
    return (f.stats().byServer[s1] ?? 0) === PHONES;
  }, 60_000);
  await db.end();
  expect(overwritten).toEqual([]);
  expect(f.members.every((p) => p.snapshot.moved?.why === 'fallback')).toBe(true);
  // n1 found itself declared down and re-asserted what it held: phones whose connections it had not
  // yet seen close, which the database kept on n2 (the check above).
  const reasserted = n1.logs.filter((l) => String(l.msg).includes('was taken for down by the cluster'));
  expect(reasserted.length).toBeGreaterThan(0);
  await eventually(async () => (await n1State()) === 'up', 10_000);
  // At n1's pace: a burst of 20 token requests is more than 4 a second, so some were told to wait.
  expect(await metricOf(n1, N1, 'openucm_sccp_fallback_tokens', 'answer="refused"')).toBeGreaterThan(0);
  expect(await metricOf(n1, N1, 'openucm_sccp_fallback_tokens', 'answer="granted"')).toBeGreaterThanOrEqual(
    PHONES,
  );
  // Every phone shown registered on n1 again, though n2 wrote each one's "unregistered" (it left n2)
  // after n1 took its registration and maybe before n1's batch reached the database.
  await eventually(async () => (await registeredOn('n1')) === PHONES, 30_000);
  expect(await registeredOn('n2')).toBe(0);
}, 180_000);
