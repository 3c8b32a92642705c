/**
 * The cluster listener of a node recovers: a lost connection is reopened, listens again and
 * resyncs (every cache reloads); a node that finds itself declared down while it was out of touch
 * writes the phones it holds as registered again.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import type { TestNode } from '../support/node.js';
import { eventually, startTestNode } from '../support/node.js';
import { createPostgresDatabase, postgresAvailable } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { HEARTBEAT_SQL } from '../../src/store/cluster-repository.js';

let database: TestDatabase | null = null;
let cm1: TestNode;
let cm2: TestNode;
const closers: Array<() => void> = [];

beforeEach(async (ctx) => {
  if (!(await postgresAvailable())) ctx.skip();
  database = await createPostgresDatabase();
  cm1 = await startTestNode({ database, config: { nodeName: 'cm1' } });
  cm2 = await startTestNode({ database, config: { nodeName: 'cm2' } });
});
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  if (!database) return;
  await cm2.stop();
  await cm1.destroy();
  database = null;
});

/** Ends cm1's listener connection from the server side, as a restarted or failed-over server would. */
async function terminateListenerOf(node: string): Promise<number> {
  const result = await sql<{ ended: boolean }>`
    SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
    WHERE datname = current_database() AND application_name = ${`openucm:${node}`}
      AND query = ${HEARTBEAT_SQL}`.execute(cm2.node.store.database.db);
  return result.rows.filter((r) => r.ended).length;
}

describe('cluster listener recovery', () => {
  it('reconnects, resyncs its caches, and hears the next change', async () => {
    const changes: { what: string; name: string }[] = [];
    cm1.node.live.on('configuration-changed', (c) => changes.push(c));
    await eventually(async () => (await terminateListenerOf('cm1')) > 0);
    await eventually(
      () => cm1.node.cluster.bus.state().reconnects === 1 && cm1.node.cluster.bus.state().listening,
    );
    // The resync: every cache drops what it holds (the parameters, the devices).
    await eventually(() => changes.some((c) => c.what === 'enterprise-parameters' && c.name === ''));
    expect(changes.some((c) => c.what === 'device' && c.name === '')).toBe(true);

    const patched = await cm2.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
    expect(patched.status).toBe(200);
    await eventually(() => changes.some((c) => c.what === 'enterprise-parameters' && c.name !== ''));
  });

  it('a node that finds itself declared down writes the phones it holds as registered again', async () => {
    const name = 'SEP00EE00000001';
    const s = new SccpStation({ deviceName: name, deviceType: 8 });
    await s.connect('127.0.0.1', cm1.node.ports.sccp);
    closers.push(() => s.destroy());
    expect((await s.register()).kind).toBe('registered');
    await cm1.node.statusWriter.flush();
    const liveness: { node: string; state: string }[] = [];
    cm2.node.live.on('node-liveness', (l) => liveness.push(l));

    // What another node's reaper does to a node it heard nothing from (a partition, a long pause).
    const db = cm2.node.store.database.db;
    await sql`UPDATE nodes SET down_at = '2026-01-01T00:00:00.000Z' WHERE name = 'cm1'`.execute(db);
    await sql`UPDATE devices SET status = 'unregistered', status_changed_at = '2026-01-01T00:00:00.000Z'
      WHERE status_node = 'cm1'`.execute(db);

    await eventually(async () => {
      const phone = (await cm2.api.get<{ status: string; node: string }>(`/phones/${name}`)).body;
      return phone.status === 'registered' && phone.node === 'cm1';
    });
    await eventually(() => liveness.some((l) => l.node === 'cm1' && l.state === 'up'));
    const nodes = (await cm2.api.get<{ name: string; liveness: { state: string } }[]>('/nodes')).body;
    expect(nodes.find((n) => n.name === 'cm1')?.liveness.state).toBe('up');
  });
});
