/**
 * `npm run bench:sip-transports [-- --phones P --refreshes R --in-flight L --storm N --storm-concurrency C
 * --clients K --rounds n --no-kamailio --from-source --json]`: SIP REGISTER over UDP, TCP and TLS,
 * openucm beside Kamailio (registrar + usrloc in memory, its tls module on TLS), the same load
 * generator (transport-client.ts, in processes of its own) and settings for both.
 *
 * Per server and round, a fresh server; per transport, P phones of their own (each with its own
 * loopback address and, on TCP/TLS, its own connection kept open): connect, register once
 * (openucm auto-registers each unknown phone, as bench:sip), then R refreshes each, closed loop
 * with L in flight — the measured rate. Then a storm of reconnecting TLS phones: C at a time
 * connect, handshake, send one REGISTER refresh, read its answer, close; N in all.
 * The CPU seconds of each server's process tree are read from /proc around every phase.
 *
 * Loopback only, unusual fixed ports; both servers are stopped at the end.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { parseArgs } from 'node:util';
import { buildOpenucm } from './build.js';
import { ClientPool, portion } from './client-pool.js';
import type { PoolResult } from './client-pool.js';
import { startKamailioTls } from './kamailio-tls.js';
import { adminApi, ensurePortFree, sipReady, sleep, startOpenucm } from './openucm-node.js';
import type { Transport } from './transport-client.js';
import { treeCpuSeconds } from '../proc.js';
import { writeBenchReport } from '../report.js';

const { values } = parseArgs({
  options: {
    phones: { type: 'string', default: '2000' },
    refreshes: { type: 'string', default: '10' },
    'in-flight': { type: 'string', default: '200' },
    storm: { type: 'string', default: '2000' },
    'storm-concurrency': { type: 'string', default: '50' },
    /** Load generator processes (each a Node process with its share of phones and lanes). */
    clients: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '1' },
    'no-kamailio': { type: 'boolean', default: false },
    /**
     * Kamailio's TCP/TLS worker processes. Debian's 5.6.3 with OpenSSL 3 corrupts its shared memory
     * and crashes when several workers do TLS handshakes at once (kamailio/kamailio#3791, #3695; the
     * fix, tls_threads_mode, came after 5.6), so 1 by default; UDP keeps bench:sip's 2 children.
     */
    'kamailio-tcp-children': { type: 'string', default: '1' },
    /** Skip openucm (Kamailio alone: checking the peer's set-up). */
    'no-openucm': { type: 'boolean', default: false },
    'from-source': { type: 'boolean', default: false },
    /** Keep the work directory (Kamailio's configuration and log) in the system's temporary directory. */
    'keep-work': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

const P = Number(values.phones);
const R = Number(values.refreshes);
const L = Number(values['in-flight']);
const N = Number(values.storm);
const C = Number(values['storm-concurrency']);
const K = Number(values.clients);
const ROUNDS = Number(values.rounds);
const TRANSPORTS: Transport[] = ['udp', 'tcp', 'tls'];
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const RESULTS = path.join(ROOT, 'bench', 'results');
const BUILD = path.join(RESULTS, 'sip-transports-build');
const PASSWORD = 'bench-password-1';
// Unusual fixed ports on loopback, apart from bench:sip's (25170, 25960 …); SIP over TLS is the SIP port + 1.
const PORTS = {
  http: 28290,
  sccp: 22210,
  sip: 25270,
  sipTls: 25271,
  tftp: 20279,
  provisioningHttp: 27090,
  kamailio: 25860,
  kamailioTls: 25861,
};

for (const [name, v] of Object.entries({
  phones: P,
  refreshes: R,
  'in-flight': L,
  storm: N,
  'storm-concurrency': C,
  clients: K,
  rounds: ROUNDS,
}))
  if (!Number.isInteger(v) || v < 1)
    throw new Error(`--${name} must be a whole number ≥ 1 (got ${String(v)})`);

function log(text: string): void {
  process.stderr.write(`[bench:sip-transports ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

/** Refuses to measure whatever already listens on TCP `port`. */
async function ensureTcpPortFree(port: number, what: string): Promise<void> {
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    throw new Error(
      `TCP 127.0.0.1:${port} for ${what} is already in use (${(error as NodeJS.ErrnoException).code}): stop the process holding it (ss -tlpn | grep ${port})`,
      { cause: error },
    );
  } finally {
    server.close();
  }
}

/** The certificate the server presents on `port` (PEM): the generator trusts exactly it (loopback bench). */
async function presentedCertificate(
  port: number,
  what: string,
): Promise<{ pem: string; protocol: string; cipher: string }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await new Promise((resolve, reject) => {
        const socket = tls.connect({
          host: '127.0.0.1',
          port,
          rejectUnauthorized: false,
          minVersion: 'TLSv1.2',
        });
        socket.once('secureConnect', () => {
          const raw = socket.getPeerCertificate().raw;
          const protocol = socket.getProtocol() ?? '?';
          const cipher = socket.getCipher().standardName;
          socket.destroy();
          const b64 = raw.toString('base64').replace(/(.{64})/g, '$1\n');
          resolve({
            pem: `-----BEGIN CERTIFICATE-----\n${b64.trim()}\n-----END CERTIFICATE-----\n`,
            protocol,
            cipher,
          });
        });
        socket.once('error', reject);
      });
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`${what} does not answer TLS on 127.0.0.1:${port}`, { cause: error });
      await sleep(300);
    }
  }
}

/** The TLS version and cipher suite each server negotiated with Node's client (the generator's). */
const tlsSeen: Record<string, string> = {};

interface Phase extends PoolResult {
  /** Successful REGISTERs (or storm connections) per second. */
  rate: number;
  serverCpuSeconds: number;
}

interface TransportResult {
  connect: Phase;
  register: Phase;
  refresh: Phase;
}

interface ServerRound {
  transports: Record<Transport, TransportResult>;
  storm: Phase;
}

async function measure(
  pool: ClientPool,
  serverPid: number,
  label: string,
  run: (p: ClientPool) => Promise<PoolResult>,
): Promise<Phase> {
  const cpu0 = treeCpuSeconds(serverPid);
  const r = await run(pool);
  const phase: Phase = { ...r, rate: r.ok / r.seconds, serverCpuSeconds: treeCpuSeconds(serverPid) - cpu0 };
  log(
    `${label}: ${r.ok} ok, ${r.failed} failed in ${r.seconds.toFixed(2)} s = ${Math.round(phase.rate)}/s; ` +
      `server CPU ${phase.serverCpuSeconds.toFixed(2)} s, generator CPU ${r.clientCpuSeconds.toFixed(2)} s` +
      (r.retransmissions > 0 ? `, ${r.retransmissions} retransmissions` : '') +
      (r.failed > 0 ? `; first failures: ${r.reasons.join(' | ')}` : ''),
  );
  return phase;
}

/** One server, one round: the three transports, then the TLS storm. */
async function serverRound(
  server: string,
  serverPid: number,
  ports: { sip: number; tls: number },
  ca: string,
  round: number,
): Promise<ServerRound> {
  const transports = {} as Record<Transport, TransportResult>;
  const runTag = `${server[0]}${round}`;
  for (const [t, transport] of TRANSPORTS.entries()) {
    const pool = await ClientPool.start({
      processes: K,
      transport,
      host: '127.0.0.1',
      port: transport === 'tls' ? ports.tls : ports.sip,
      first: t * P,
      count: P,
      runTag,
      ca,
    });
    const label = `${server} ${transport} round ${round}`;
    try {
      const connect = await measure(pool, serverPid, `${label} connect`, (p) =>
        p.run((_k, s, all) => ({ cmd: 'connect', lanes: portion(L, s, all) })),
      );
      const register = await measure(pool, serverPid, `${label} register`, (p) =>
        p.run((_k, s, all) => ({ cmd: 'register', lanes: portion(L, s, all), cseq: 1 })),
      );
      const refresh = await measure(pool, serverPid, `${label} refresh ×${R}`, (p) =>
        p.run((_k, s, all) => ({ cmd: 'refresh', lanes: portion(L, s, all), cseq: 2, rounds: R })),
      );
      transports[transport] = { connect, register, refresh };
    } finally {
      await pool.close();
    }
  }
  // The TLS phones reconnect: each storm connection refreshes one of them (CSeq after the refreshes).
  const pool = await ClientPool.start({
    processes: K,
    transport: 'tls',
    host: '127.0.0.1',
    port: ports.tls,
    first: 2 * P,
    count: P,
    runTag,
    ca,
  });
  try {
    const storm = await measure(pool, serverPid, `${server} TLS storm round ${round}`, (p) =>
      p.run((_k, s, all) => ({
        cmd: 'storm',
        lanes: portion(C, s, all),
        cseq: R + 2,
        total: portion(N, s, all),
      })),
    );
    return { transports, storm };
  } finally {
    await pool.close();
  }
}

async function openucmRound(work: string, round: number): Promise<ServerRound> {
  const dataDir = path.join(work, `data-${round}`);
  await ensureTcpPortFree(PORTS.sip, 'openucm SIP over TCP');
  await ensureTcpPortFree(PORTS.sipTls, 'openucm SIP over TLS');
  const node = await startOpenucm({
    root: ROOT,
    build: values['from-source'] ? undefined : BUILD,
    dataDir,
    ports: PORTS,
    adminPassword: PASSWORD,
    args: ['--sip-tls-port', String(PORTS.sipTls)],
  });
  try {
    const api = adminApi(PORTS.http, PASSWORD);
    await api('PATCH', '/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
    const endingDn = String(100000 + Math.max(3 * P, 1000) - 1);
    await api('PATCH', '/nodes/cm1', { autoRegistration: { enabled: true, startingDn: '100000', endingDn } });
    const presented = await presentedCertificate(PORTS.sipTls, 'openucm');
    tlsSeen.openucm = `${presented.protocol} ${presented.cipher}`;
    return await serverRound(
      'openucm',
      node.pid,
      { sip: PORTS.sip, tls: PORTS.sipTls },
      presented.pem,
      round,
    );
  } finally {
    await node.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function kamailioRound(work: string, round: number): Promise<ServerRound> {
  await ensurePortFree(PORTS.kamailio, 'Kamailio');
  await ensureTcpPortFree(PORTS.kamailio, 'Kamailio over TCP');
  await ensureTcpPortFree(PORTS.kamailioTls, 'Kamailio over TLS');
  const dir = fs.mkdtempSync(path.join(work, 'kamailio-'));
  // Every phone's connection, the storm's and a margin (Kamailio's default is 2,048).
  const { kamailio, certPem } = startKamailioTls(
    dir,
    { sip: PORTS.kamailio, tls: PORTS.kamailioTls },
    3 * P + N + 1000,
    Number(values['kamailio-tcp-children']),
  );
  try {
    await sipReady(PORTS.kamailio, 'Kamailio');
    if (kamailio.child.exitCode !== null)
      throw new Error(`Kamailio exited at start (code ${kamailio.child.exitCode})`);
    const presented = await presentedCertificate(PORTS.kamailioTls, 'Kamailio');
    tlsSeen.Kamailio = `${presented.protocol} ${presented.cipher}`;
    const ca = presented.pem;
    if (ca.replace(/\s/g, '') !== certPem.replace(/\s/g, ''))
      throw new Error('Kamailio presents another certificate than the one made for the run');
    return await serverRound(
      'Kamailio',
      kamailio.child.pid as number,
      { sip: PORTS.kamailio, tls: PORTS.kamailioTls },
      ca,
      round,
    );
  } finally {
    await kamailio.stop();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  const started = new Date().toISOString();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-bench-sip-transports-'));
  if (!values['from-source']) {
    log('building openucm (tsc -p tsconfig.build.json) into bench/results/sip-transports-build/');
    buildOpenucm({ root: ROOT, outDir: BUILD });
  }
  log(
    `${P} phones per transport, ${R} refreshes each, ${L} in flight; storm ${N} TLS connections, ${C} at a time; ${K} generator process(es), ${ROUNDS} round(s); load ${loadAverage()}`,
  );
  const openucm: ServerRound[] = [];
  const kamailio: ServerRound[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      if (!values['no-openucm']) openucm.push(await openucmRound(work, round));
      if (!values['no-kamailio']) kamailio.push(await kamailioRound(work, round));
    }
  } finally {
    if (values['keep-work']) log(`work directory kept: ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
  const loadAtEnd = loadAverage();

  const rate = (p: Phase) => p.rate;
  const cpu = (p: Phase) => p.serverCpuSeconds;
  const micros = (p: Phase) => (p.serverCpuSeconds * 1e6) / Math.max(1, p.ok);
  const k = kamailio.length > 0;
  /** A server's median of `f` over its rounds, formatted; — when it did not run. */
  const cell = (rs: ServerRound[], pick: (r: ServerRound) => Phase) =>
    rs.length === 0 ? '—' : `${fmt(median(rs.map((r) => rate(pick(r)))))}`;
  const cpuCell = (rs: ServerRound[], pick: (r: ServerRound) => Phase) =>
    rs.length === 0
      ? '—'
      : `${median(rs.map((r) => cpu(pick(r)))).toFixed(1)} s (${fmt(median(rs.map((r) => micros(pick(r)))))} µs)`;
  const ratioCell = (pick: (r: ServerRound) => Phase) =>
    openucm.length === 0 || kamailio.length === 0
      ? '—'
      : (median(openucm.map((r) => rate(pick(r)))) / median(kamailio.map((r) => rate(pick(r))))).toFixed(2);
  const row = (label: string, pick: (r: ServerRound) => Phase) =>
    `| ${label} | ${cell(openucm, pick)} | ${cell(kamailio, pick)} | ${ratioCell(pick)} | ${cpuCell(openucm, pick)} | ${cpuCell(kamailio, pick)} |`;
  const rows = [
    ...TRANSPORTS.map((t) => row(`REGISTER refresh/s, ${t.toUpperCase()}`, (r) => r.transports[t].refresh)),
    row(`TLS storm: connect + handshake + REGISTER + close per s (${C} at a time)`, (r) => r.storm),
  ];
  const table = [
    `| measure (median of ${ROUNDS}) | openucm | Kamailio | openucm ÷ Kamailio | server CPU openucm (per REGISTER) | server CPU Kamailio (per REGISTER) |`,
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  const each = (rs: ServerRound[], f: (r: ServerRound) => Phase) => rs.map((r) => fmt(f(r).rate)).join(' / ');
  const servers = (
    [
      ['openucm', openucm],
      ['Kamailio', kamailio],
    ] as [string, ServerRound[]][]
  ).filter(([, rs]) => rs.length > 0);
  const failures = servers.flatMap(([name, rs]) =>
    rs.flatMap((r, i) =>
      [
        ...TRANSPORTS.flatMap((t) =>
          (['connect', 'register', 'refresh'] as const).map(
            (p) => [`${t} ${p}`, r.transports[t][p]] as const,
          ),
        ),
        ['storm', r.storm] as const,
      ]
        .filter(([, p]) => p.failed > 0)
        .map(([what, p]) => `${name} round ${i + 1} ${what}: ${p.failed} failed (${p.reasons.join(' | ')})`),
    ),
  );
  const notes = [
    ...servers.map(
      ([name, rs]) =>
        `${name} rounds — refresh/s ${TRANSPORTS.map((t) => `${t.toUpperCase()} ${each(rs, (r) => r.transports[t].refresh)}`).join('; ')}; storm/s ${each(rs, (r) => r.storm)}`,
    ),
    ...servers.map(
      ([name, rs]) =>
        `${name} first registration (register once)/s — ${TRANSPORTS.map((t) => `${t.toUpperCase()} ${each(rs, (r) => r.transports[t].register)}`).join('; ')}; ` +
        `${P} TLS connections opened (${L} at a time)/s: ${each(rs, (r) => r.transports.tls.connect)}`,
    ),
    ...servers.map(
      ([name, rs]) =>
        `generator CPU s per refresh phase against ${name} (${K} process(es)) — ${TRANSPORTS.map((t) => `${t.toUpperCase()} ${rs.map((r) => r.transports[t].refresh.clientCpuSeconds.toFixed(1)).join(' / ')}`).join('; ')}; storm ${rs.map((r) => r.storm.clientCpuSeconds.toFixed(1)).join(' / ')}`,
    ),
    `TLS negotiated (RSA 2048 certificates on both): ${Object.entries(tlsSeen)
      .map(([name, t]) => `${name} ${t}`)
      .join('; ')}`,
    failures.length > 0 ? `failures: ${failures.join('; ')}` : 'no REGISTER and no storm connection failed',
    `load average (1/5/15 min) at the start: ${loadAtStart}; at the end: ${loadAtEnd}; ${os.cpus().length} CPUs`,
  ].join('\n');
  const report = {
    date: started,
    ended: new Date().toISOString(),
    command: `npm run bench:sip-transports -- ${process.argv.slice(2).join(' ')}`.trim(),
    settings: {
      phones: P,
      refreshes: R,
      inFlight: L,
      storm: N,
      stormConcurrency: C,
      clients: K,
      rounds: ROUNDS,
    },
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      node: process.version,
      loadAtStart,
      loadAtEnd,
    },
    kamailioVersion: k ? execFileSync('kamailio', ['-v'], { encoding: 'utf8' }).split('\n')[0] : undefined,
    openucm,
    kamailio,
    table,
    notes,
  };
  const written = writeBenchReport({
    dir: RESULTS,
    name: 'sip-transports',
    report,
    table,
    notes,
    json: Boolean(values.json),
  });
  log(`report written to ${written}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:sip-transports failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
