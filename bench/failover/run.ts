/**
 * `npm run bench:failover`: SCCP failover and fallback between two openucm nodes (processes)
 * sharing PostgreSQL, each on its own loopback address (cluster.md §3.e, targets T1 and T8).
 * 1,000 simulated 7940s registered on n1 with n2 second in their group; kill -9 of n1; the time
 * until every phone is registered on n2, with standby connections (they register on the one they
 * kept) and without (they connect when they notice); then n1 returns and the time until every
 * phone is back on it, at its --fallback-pace.
 *
 * OPENUCM_BENCH_PHONES (default 1000), OPENUCM_BENCH_PACE (default 50, the node's default),
 * OPENUCM_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import os from 'node:os';
import type { Fleet } from '../../src/sim/fleet.js';
import { createPostgresDatabase } from '../../test/support/databases.js';
import {
  freePort,
  killHard,
  metricOf,
  sharedSecretKeyFile,
  startClusterNode,
  twoNodeFleet,
} from '../../test/failover/support.js';

const PHONES = Number(process.env.OPENUCM_BENCH_PHONES ?? 1000);
const PACE = Number(process.env.OPENUCM_BENCH_PACE ?? 50);
const N1 = '127.0.77.11';
const N2 = '127.0.77.12';
/** Source addresses of the phones, 250 each (under every per-address limit). */
const SOURCES = Array.from({ length: Math.ceil(PHONES / 250) }, (_, i) => `127.0.79.${i + 1}`);

async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const began = Date.now();
  for (;;) {
    if (await check()) return Date.now() - began;
    if (Date.now() - began > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function moveTimes(fleet: Fleet, why: 'failover' | 'fallback'): number[] {
  return fleet.members.flatMap((p) => {
    const m = p.snapshot.moved;
    return m && m.why === why ? [Date.parse(m.at)] : [];
  });
}
const lastMove = (fleet: Fleet, why: 'failover' | 'fallback') => Math.max(...moveTimes(fleet, why));
const firstMove = (fleet: Fleet, why: 'failover' | 'fallback') => Math.min(...moveTimes(fleet, why));

/** p50 / p90 / p100 of the failover RegisterAcks after the kill, ms. */
function percentiles(fleet: Fleet, since: number): string {
  const t = moveTimes(fleet, 'failover')
    .map((at) => at - since)
    .sort((a, b) => a - b);
  const at = (q: number) => t[Math.min(t.length - 1, Math.floor(q * t.length))];
  return `p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p100 ${t.at(-1)} ms`;
}

interface Result {
  standby: boolean;
  failoverPercentiles: string;
  /** kill -9 → the last phone's RegisterAck from n2 (T1), and → the last phone shown registered (startup done). */
  failoverMs: number;
  failoverUpMs: number;
  /** n1's 'listening' line → every phone back; and the first to the last phone's RegisterAck from n1. */
  fallbackMs?: number;
  fallbackSpreadMs?: number;
  tokenRejects?: number;
  refusedByN1?: number;
}

async function run(standby: boolean, fallback: boolean): Promise<Result> {
  const database = await createPostgresDatabase();
  const secret = sharedSecretKeyFile();
  const url = database.databaseUrl as string;
  const [p1, p2] = [await freePort(N1), await freePort(N2)];
  const n1Spec = {
    name: 'n1',
    address: N1,
    sccpPort: p1,
    flags: ['--fallback-pace', String(PACE), '--log-level', 'warn'],
  };
  let n1 = await startClusterNode(n1Spec, url, secret.file);
  const n2 = await startClusterNode(
    { name: 'n2', address: N2, sccpPort: p2, flags: ['--log-level', 'warn'] },
    url,
    secret.file,
  );
  const s1 = `${N1}:${p1}`;
  const s2 = `${N2}:${p2}`;
  const fleet = twoNodeFleet({
    macStart: '00BE00000000',
    count: PHONES,
    n1: { host: N1, sccpPort: p1 },
    n2: { host: N2, sccpPort: p2 },
    rate: 200,
    localAddresses: SOURCES,
    timing: { standby, fallbackRetryMs: 2000 },
  });
  try {
    fleet.start();
    await until(() => fleet.stats().byServer[s1] === PHONES, 180_000, `${PHONES} phones registered on n1`);
    if (standby)
      await until(
        async () => (await metricOf(n2, N2, 'openucm_sccp_standby_connections')) === PHONES,
        60_000,
        'standby connections on n2',
      );
    await new Promise((r) => setTimeout(r, 2000));
    const killedAt = Date.now();
    await killHard(n1);
    await until(() => fleet.stats().byServer[s2] === PHONES, 120_000, 'every phone on n2');
    const result: Result = {
      standby,
      failoverMs: lastMove(fleet, 'failover') - killedAt,
      failoverUpMs: Date.now() - killedAt,
      failoverPercentiles: percentiles(fleet, killedAt),
    };
    if (!fallback) return result;
    const before = fleet.stats().tokenRejects;
    n1 = await startClusterNode(n1Spec, url, secret.file);
    // From the moment n1 listens (its start-up is not the fallback's).
    const listeningAt = Date.now();
    await until(() => fleet.stats().byServer[s1] === PHONES, 300_000, 'every phone back on n1');
    result.fallbackMs = Date.now() - listeningAt;
    result.fallbackSpreadMs = lastMove(fleet, 'fallback') - firstMove(fleet, 'fallback');
    result.tokenRejects = fleet.stats().tokenRejects - before;
    result.refusedByN1 = await metricOf(n1, N1, 'openucm_sccp_fallback_tokens', 'answer="refused"');
    return result;
  } finally {
    fleet.stop();
    await n1.stop();
    await n2.stop();
    await database.drop();
    secret.remove();
  }
}

const results: Result[] = [];
console.error(
  `failover bench: ${PHONES} SCCP phones, n1 ${N1} → n2 ${N2}, fallback pace ${PACE}/s; load ${os.loadavg()[0].toFixed(1)}`,
);
results.push(await run(true, true));
console.error(JSON.stringify(results.at(-1)));
results.push(await run(false, false));
console.error(JSON.stringify(results.at(-1)));
const [withStandby, without] = results;
console.log(
  [
    `SCCP failover, ${PHONES} phones, kill -9 of n1 → all registered on n2:`,
    `  with standby connections:    last RegisterAck ${(withStandby.failoverMs / 1000).toFixed(2)} s (${withStandby.failoverPercentiles}), all up ${(withStandby.failoverUpMs / 1000).toFixed(2)} s (cluster.md T1 target ≤ 2 s)`,
    `  without standby connections: last RegisterAck ${(without.failoverMs / 1000).toFixed(2)} s (${without.failoverPercentiles}), all up ${(without.failoverUpMs / 1000).toFixed(2)} s (T1 target ≤ 5 s)`,
    `SCCP fallback when n1 returns, --fallback-pace ${PACE}/s: first to last RegisterAck from n1 ${((withStandby.fallbackSpreadMs ?? 0) / 1000).toFixed(2)} s; ` +
      `all up ${((withStandby.fallbackMs ?? 0) / 1000).toFixed(2)} s after n1 logged 'listening' (T8: ≤ ${PHONES}/${PACE} + 5 = ${PHONES / PACE + 5} s); ` +
      `${withStandby.tokenRejects} RegisterTokenRejects seen by the phones, ${withStandby.refusedByN1} counted by n1`,
    `load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  ].join('\n'),
);
process.exit(0);
