/**
 * PostgreSQL restarted under load (pg_ctl restart -m fast, then -m immediate, a crash of the
 * server) on a private cluster: registered phones stay registered (SIP refreshes and SCCP
 * keepalives are answered throughout), phones that arrive during the restart are registered, and
 * the statuses in the database catch up, no phone lost and no DN given twice. The machine's shared
 * PostgreSQL is never touched. OPENUCM_PG_RESTART_PHONES sets how many phones in all (80 by
 * default; BENCHMARKS.md has a run at 1,000): 3/8 SIP and 3/8 SCCP registered before the restart,
 * 2/8 SCCP arriving during it.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SccpStation } from '../../src/sim/sccp-station.js';
import { createPostgresDatabase } from '../support/databases.js';
import { eventually, startTestNode } from '../support/node.js';
import type { PrivatePostgres } from '../support/private-postgres.js';
import { privatePostgresAvailable, startPrivatePostgres } from '../support/private-postgres.js';
import { registerUntilAccepted } from '../support/register-until-accepted.js';
import type { SipLoad } from '../support/sip-load.js';
import { macOf, registerSipPhones } from '../support/sip-load.js';

const ALL_PHONES = Number(process.env.OPENUCM_PG_RESTART_PHONES ?? 80);
const SIP_PHONES = Math.round((ALL_PHONES * 3) / 8);
const SCCP_PHONES = Math.round((ALL_PHONES * 3) / 8);
const ARRIVING = ALL_PHONES - SIP_PHONES - SCCP_PHONES;
/** SIP refreshes at most ~300 a second in all, whatever the number of phones. */
const REFRESH_MS = Math.max(100, SIP_PHONES * 3);
/** Arrivals spread over about 2 s. */
const ARRIVAL_GAP_MS = Math.min(100, 2000 / ARRIVING);

describe.skipIf(!privatePostgresAvailable())('PostgreSQL restarted under load', () => {
  let server: PrivatePostgres;
  beforeAll(async () => {
    server = await startPrivatePostgres();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it.each(['fast', 'immediate'] as const)(
    'pg_ctl restart -m %s: no phone dropped, arrivals registered, statuses correct afterwards',
    async (mode) => {
      const t = await startTestNode({
        database: await createPostgresDatabase(server.url),
        config: { keepaliveSeconds: 1 },
      });
      let sip: SipLoad | undefined;
      let refreshing: ReturnType<SipLoad['refresh']> | undefined;
      const stations: SccpStation[] = [];
      const retried: string[] = [];
      try {
        // SIP phones first (auto-registration protocol SIP), then SCCP ones.
        sip = await registerSipPhones(t, '00ab', SIP_PHONES);
        let keepalivesLost = 0;
        for (let i = 0; i < SCCP_PHONES; i++) {
          const station = await registerUntilAccepted(
            t.node.ports.sccp,
            `SEP${macOf('00ac', i)}`,
            stations,
            retried,
          );
          station.startKeepalives(1, () => keepalivesLost++);
        }

        // Load: every SIP phone refreshes continuously; new SCCP phones keep arriving.
        refreshing = sip.refresh(REFRESH_MS);
        const arriving = Array.from({ length: ARRIVING }, async (_, i) => {
          await new Promise((resolve) => setTimeout(resolve, i * ARRIVAL_GAP_MS));
          const station = await registerUntilAccepted(
            t.node.ports.sccp,
            `SEP${macOf('00ad', i)}`,
            stations,
            retried,
          );
          station.startKeepalives(1, () => keepalivesLost++);
          return station;
        });
        await new Promise((resolve) => setTimeout(resolve, 500));
        await server.restart(mode);
        const arrived = await Promise.all(arriving);
        await new Promise((resolve) => setTimeout(resolve, 3000));
        const { refreshes, failures: refreshFailures } = await refreshing.stop();

        expect(refreshes).toBeGreaterThan(SIP_PHONES * 2);
        expect(refreshFailures).toEqual([]);
        expect(keepalivesLost).toBe(0);
        // Queries wait for the server to come back instead of failing: only the auto-registration
        // whose commit was in flight when the server went down may be told to retry (its outcome
        // is in doubt). Without the waiting, every arrival is told to retry until the server is up.
        console.info(
          `pg_ctl restart -m ${mode}: ${SIP_PHONES} SIP + ${SCCP_PHONES} SCCP phones registered, ${ARRIVING} arriving; ${refreshes} SIP refreshes, ${refreshFailures.length} failed; ${keepalivesLost} keepalives lost; ${retried.length} registrations told to retry`,
        );
        expect(retried.length).toBeLessThanOrEqual(Math.max(3, Math.ceil(ARRIVING / 20)));
        const total = SIP_PHONES + SCCP_PHONES + ARRIVING;
        const everyone = [
          ...sip.names,
          ...Array.from({ length: SCCP_PHONES }, (_, i) => `SEP${macOf('00ac', i)}`),
          ...Array.from({ length: ARRIVING }, (_, i) => `SEP${macOf('00ad', i)}`),
        ];
        expect(everyone.filter((name) => !t.node.registry.get(name))).toEqual([]);
        expect(t.node.registry.size).toBe(total);
        const dns = await Promise.all(arrived.map(async (s) => (await s.startup()).lines[0]?.dn));
        expect(new Set(dns).size).toBe(ARRIVING);

        // The database catches up: every phone shown registered, nothing unregistered, node healthy.
        await eventually(async () => {
          const registered = await t.api.get<{ total: number }>('/phones?status=registered&pageSize=1');
          return registered.body.total === total;
        }, 30_000);
        const lost = await t.api.get<{ items: unknown[] }>('/registration-events?outcome=unregistered');
        expect(lost.body.items).toEqual([]);
        // Every phone in the database with its own DN: none lost, none given a DN twice.
        const db = new pg.Client({ connectionString: t.database.databaseUrl });
        await db.connect();
        try {
          const row = (
            await db.query<{ devices: string; lines: string; dns: string }>(
              'SELECT (SELECT count(*) FROM devices) AS devices, count(*) AS lines, count(DISTINCT dn) AS dns FROM lines',
            )
          ).rows[0];
          const counts = { devices: Number(row.devices), lines: Number(row.lines), dns: Number(row.dns) };
          expect(counts).toEqual({ devices: total, lines: total, dns: total });
        } finally {
          await db.end();
        }
        const health = await fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1/health`);
        expect(health.status).toBe(200);
      } finally {
        refreshing?.stop().catch(() => undefined);
        sip?.close();
        for (const s of stations) s.destroy();
        await t.destroy();
      }
    },
    ALL_PHONES > 80 ? 600_000 : 120_000,
  );
});
