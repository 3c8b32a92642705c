/**
 * PostgreSQL high availability without restarting the node: a private primary and a synchronous
 * streaming replica (pg_basebackup -R), the node given both in one libpq multi-host URL. The
 * primary is stopped as a crash would (-m immediate) and the standby promoted: the node keeps
 * answering its phones throughout, moves its connections to the promoted server by itself,
 * registers new phones there, /readyz recovers, and every registration acknowledged before the
 * crash is on the promoted server (synchronous replication). The machine's shared PostgreSQL is
 * never touched.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SccpStation } from '../../src/sim/sccp-station.js';
import { parsePostgresUrl } from '../../src/store/postgres-hosts.js';
import { NoWritableHostError, connectWritable } from '../../src/store/postgres-writable.js';
import { createPostgresDatabase } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { eventually, startTestNode } from '../support/node.js';
import type { PrivatePostgres } from '../support/private-postgres.js';
import {
  privatePostgresAvailable,
  startPrivatePostgres,
  startStreamingReplica,
} from '../support/private-postgres.js';
import { registerUntilAccepted } from '../support/register-until-accepted.js';
import type { SipLoad } from '../support/sip-load.js';
import { macOf, registerSipPhones } from '../support/sip-load.js';

const SIP_PHONES = 5;
const SCCP_PHONES = 5;
const ARRIVING = 5;

let primary: PrivatePostgres | undefined;
let standby: PrivatePostgres | undefined;
beforeAll(async () => {
  if (!privatePostgresAvailable()) return;
  primary = await startPrivatePostgres();
}, 60_000);
afterAll(async () => {
  await standby?.destroy();
  await primary?.destroy();
});

it.skipIf(!privatePostgresAvailable())(
  'a standby promoted after the primary crashed takes over without a node restart, nothing acknowledged lost',
  async () => {
    const created = await createPostgresDatabase(primary!.url);
    const dbName = new URL(created.databaseUrl!).pathname.slice(1);
    standby = await startStreamingReplica(primary!, { synchronous: true });
    const url = `postgres://postgres@127.0.0.1:${primary!.port},127.0.0.1:${standby.port}/${dbName}?target_session_attrs=read-write`;
    const database: TestDatabase = { ...created, databaseUrl: url, drop: async () => undefined };
    const t = await startTestNode({ database, config: { keepaliveSeconds: 1 } });
    let sip: SipLoad | undefined;
    let refreshing: ReturnType<SipLoad['refresh']> | undefined;
    const stations: SccpStation[] = [];
    const retried: string[] = [];
    try {
      sip = await registerSipPhones(t, '00c1', SIP_PHONES);
      let keepalivesLost = 0;
      const before: SccpStation[] = [];
      for (let i = 0; i < SCCP_PHONES; i++) {
        const station = await registerUntilAccepted(
          t.node.ports.sccp,
          `SEP${macOf('00c2', i)}`,
          stations,
          retried,
        );
        station.startKeepalives(1, () => keepalivesLost++);
        before.push(station);
      }
      // What the phones were told before the crash: their DNs (auto-registration commits first).
      const acknowledged = new Map<string, string | undefined>();
      for (const [i, s] of before.entries())
        acknowledged.set(`SEP${macOf('00c2', i)}`, (await s.startup()).lines[0]?.dn);

      // Load throughout: SIP phones refresh, SCCP phones keep alive.
      refreshing = sip.refresh(100);

      await primary!.stop('immediate');
      // Between the crash and the promotion no host takes writes, and the error says what each said.
      const address = parsePostgresUrl(url);
      const refusal = await connectWritable(address, { connectionTimeoutMillis: 2000 }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(NoWritableHostError);
      expect((refusal as Error).message).toMatch(
        new RegExp(
          `127\\.0\\.0\\.1:${primary!.port}: .*ECONNREFUSED.*; 127\\.0\\.0\\.1:${standby.port}: a standby \\(in recovery\\), read-only`,
        ),
      );
      // Phones arrive while there is no primary; they are registered once the standby takes over.
      const arriving = Array.from({ length: ARRIVING }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 100));
        const station = await registerUntilAccepted(
          t.node.ports.sccp,
          `SEP${macOf('00c3', i)}`,
          stations,
          retried,
        );
        station.startKeepalives(1, () => keepalivesLost++);
        return station;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      await standby.promote();
      const arrived = await Promise.all(arriving);
      await eventually(
        async () => (await fetch(`http://127.0.0.1:${t.node.ports.http}/readyz`)).status === 200,
        30_000,
      );
      const { refreshes, failures: refreshFailures } = await refreshing.stop();

      expect(refreshes).toBeGreaterThan(SIP_PHONES * 3);
      expect(refreshFailures).toEqual([]);
      expect(keepalivesLost).toBe(0);
      expect(
        t.logs.some((l) =>
          String(l.msg).includes(`the node's connections now go to 127.0.0.1:${standby!.port}`),
        ),
      ).toBe(true);
      const dns = await Promise.all(arrived.map(async (s) => (await s.startup()).lines[0]?.dn));
      expect(new Set(dns).size).toBe(ARRIVING);

      // The promoted server holds everything: each phone acknowledged before the crash with the DN
      // it was given, the arrivals, every one registered with its accepted event, no DN twice.
      const everyone = [
        ...sip.names,
        ...acknowledged.keys(),
        ...Array.from({ length: ARRIVING }, (_, i) => `SEP${macOf('00c3', i)}`),
      ];
      const total = SIP_PHONES + SCCP_PHONES + ARRIVING;
      await eventually(async () => {
        const registered = await t.api.get<{ total: number }>('/phones?status=registered&pageSize=1');
        return registered.body.total === total;
      }, 30_000);
      const direct = new pg.Client({
        connectionString: `${standby.url.replace(/\/postgres$/, `/${dbName}`)}`,
      });
      await direct.connect();
      try {
        expect((await direct.query('SELECT pg_is_in_recovery() AS r')).rows[0]).toEqual({ r: false });
        const rows = (
          await direct.query<{ name: string; dn: string }>(
            `SELECT d.name, l.dn FROM devices d JOIN lines l ON l.device_name = d.name WHERE l.line_index = 1`,
          )
        ).rows;
        expect(rows.map((r) => r.name).sort()).toEqual([...everyone].sort());
        expect(new Set(rows.map((r) => r.dn)).size).toBe(total);
        for (const [name, dn] of acknowledged) expect(rows.find((r) => r.name === name)?.dn).toBe(dn);
      } finally {
        await direct.end();
      }
      for (const name of everyone) {
        const events = await t.api.get<{ items: { outcome: string }[] }>(
          `/registration-events?device=${name}`,
        );
        expect({ name, accepted: events.body.items.some((e) => e.outcome === 'accepted') }).toEqual({
          name,
          accepted: true,
        });
      }
      const lost = await t.api.get<{ items: unknown[] }>('/registration-events?outcome=unregistered');
      expect(lost.body.items).toEqual([]);
      console.info(
        `${refreshes} SIP refreshes across the switch; ${retried.length} registrations told to retry (${retried.slice(0, 3).join(' | ')})`,
      );
    } finally {
      refreshing?.stop().catch(() => undefined);
      sip?.close();
      for (const s of stations) s.destroy();
      await t.stop();
      await created.drop().catch(() => undefined);
    }
  },
  120_000,
);
