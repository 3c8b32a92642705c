/**
 * PostgreSQL ends this node's connections under load (pg_terminate_backend on every backend of
 * the node's database, as a primary switch or an administrator does; the machine's shared server
 * keeps running for everyone else): registered phones stay registered (SIP refreshes and SCCP
 * keepalives answered throughout), phones that arrive meanwhile are registered, the pool
 * reconnects, the status writer retries what failed, and every acknowledged registration ends up
 * in the database with its event (cluster.md §3.c).
 */
import pg from 'pg';
import { expect, it } from 'vitest';
import type { SccpStation } from '../../src/sim/sccp-station.js';
import { createPostgresDatabase, postgresAvailable, TEST_POSTGRES_URL } from '../support/databases.js';
import { eventually, startTestNode } from '../support/node.js';
import { registerUntilAccepted } from '../support/register-until-accepted.js';
import type { SipLoad } from '../support/sip-load.js';
import { macOf, registerSipPhones } from '../support/sip-load.js';

const SIP_PHONES = 10;
const SCCP_PHONES = 10;
const ARRIVING = 10;
const TERMINATIONS = 5;

it('keeps every phone and every acknowledged registration while PostgreSQL ends the node’s connections', async (ctx) => {
  if (!(await postgresAvailable())) ctx.skip();
  const database = await createPostgresDatabase();
  const dbName = new URL(database.databaseUrl!).pathname.slice(1);
  const t = await startTestNode({ database, config: { keepaliveSeconds: 1 } });
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  let sip: SipLoad | undefined;
  let refreshing: ReturnType<SipLoad['refresh']> | undefined;
  const stations: SccpStation[] = [];
  const retried: string[] = [];
  try {
    sip = await registerSipPhones(t, '00ae', SIP_PHONES);
    let keepalivesLost = 0;
    for (let i = 0; i < SCCP_PHONES; i++) {
      const station = await registerUntilAccepted(
        t.node.ports.sccp,
        `SEP${macOf('00af', i)}`,
        stations,
        retried,
      );
      station.startKeepalives(1, () => keepalivesLost++);
    }

    // Load: SIP phones refresh continuously; new SCCP phones keep arriving.
    refreshing = sip.refresh(100);
    const arriving = Array.from({ length: ARRIVING }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 150));
      const station = await registerUntilAccepted(
        t.node.ports.sccp,
        `SEP${macOf('00b0', i)}`,
        stations,
        retried,
      );
      station.startKeepalives(1, () => keepalivesLost++);
      return station;
    });
    let terminated = 0;
    for (let i = 0; i < TERMINATIONS; i++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const r = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [dbName],
      );
      terminated += r.rowCount ?? 0;
    }
    const arrived = await Promise.all(arriving);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const { refreshes, failures: refreshFailures } = await refreshing.stop();

    const writeRetries = t.logs.filter((l) =>
      String(l.msg).startsWith('could not write registration statuses and events'),
    ).length;
    console.info(
      `${terminated} backends terminated in ${TERMINATIONS} rounds; ${refreshes} SIP refreshes; ${retried.length} registrations told to retry; ${writeRetries} status-writer batches retried`,
    );
    // The node had connections to lose, and lost them.
    expect(terminated).toBeGreaterThan(0);
    expect(refreshes).toBeGreaterThan(SIP_PHONES * 3);
    expect(refreshFailures).toEqual([]);
    expect(keepalivesLost).toBe(0);
    // Only an auto-registration whose commit was cut may be told to retry (its outcome was in doubt).
    expect(retried.length).toBeLessThanOrEqual(TERMINATIONS);
    const total = SIP_PHONES + SCCP_PHONES + ARRIVING;
    const everyone = [
      ...sip.names,
      ...Array.from({ length: SCCP_PHONES }, (_, i) => `SEP${macOf('00af', i)}`),
      ...Array.from({ length: ARRIVING }, (_, i) => `SEP${macOf('00b0', i)}`),
    ];
    expect(everyone.filter((name) => !t.node.registry.get(name))).toEqual([]);
    const dns = await Promise.all(arrived.map(async (s) => (await s.startup()).lines[0]?.dn));
    expect(new Set(dns).size).toBe(ARRIVING);

    // The database catches up: every phone registered, each with its accepted event, none lost.
    await eventually(async () => {
      const registered = await t.api.get<{ total: number }>('/phones?status=registered&pageSize=1');
      return registered.body.total === total;
    }, 30_000);
    for (const name of everyone) {
      const events = await t.api.get<{ items: { outcome: string }[] }>(`/registration-events?device=${name}`);
      expect({ name, accepted: events.body.items.some((e) => e.outcome === 'accepted') }).toEqual({
        name,
        accepted: true,
      });
    }
    const lost = await t.api.get<{ items: unknown[] }>('/registration-events?outcome=unregistered');
    expect(lost.body.items).toEqual([]);
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${t.node.ports.http}/readyz`)).status === 200,
    );
    expect((await fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1/health`)).status).toBe(200);
  } finally {
    refreshing?.stop().catch(() => undefined);
    sip?.close();
    for (const s of stations) s.destroy();
    await admin.end();
    await t.destroy();
  }
}, 120_000);
