/**
 * `npm run bench:sip [-- --phones N --in-flight L --sipp K --profile --json]`: the SIP registrar
 * benchmark, openucm against Kamailio in one run.
 *
 * For each server: SIPp registers N distinct unknown 7960s (closed loop, L REGISTERs in flight),
 * then refreshes them all (same Call-ID, next CSeq). openucm auto-registers each phone (device and
 * DN written to SQLite); Kamailio (registrar + usrloc in memory, 2 children) only stores contacts.
 * Prints both rates, the ratios and memory; writes the report to bench/results/.
 *
 * Loopback only, unusual fixed ports.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { buildOpenucm } from './build.js';
import { startKamailio } from './kamailio.js';
import { treeCpuSeconds, treeMemory } from '../proc.js';
import type { SippResult } from './sipp.js';
import { runSipp } from './sipp.js';
import type { OpenucmNode } from './openucm-node.js';
import { adminApi, ensurePortFree, sipReady, sleep, startOpenucm } from './openucm-node.js';
import { writeBenchReport } from '../report.js';

const { values } = parseArgs({
  options: {
    phones: { type: 'string', default: '50000' },
    'in-flight': { type: 'string', default: '200' },
    /** SIPp processes per phase, each on its own loopback source address (127.0.0.2, …). */
    sipp: { type: 'string', default: '1' },
    /** Run openucm with tsx from src/ instead of a tsc build (faster to start, slower to run). */
    'from-source': { type: 'boolean', default: false },
    /** Rounds of (openucm, Kamailio) measurements; the report gives each and the medians. */
    rounds: { type: 'string', default: '1' },
    /** Skip Kamailio (quick openucm iterations). */
    'no-kamailio': { type: 'boolean', default: false },
    /** node --cpu-prof for the openucm process; profiles land in bench/results/prof-sip/. */
    profile: { type: 'boolean', default: false },
    /** Seconds to wait after the refresh before the settled memory reading (Timer J is 32 s). */
    settle: { type: 'string', default: '35' },
    json: { type: 'boolean', default: false },
  },
});

const PHONES = Number(values.phones);
const IN_FLIGHT = Number(values['in-flight']);
const SIPP_PROCESSES = Number(values.sipp);
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const RESULTS = path.join(ROOT, 'bench', 'results');
const SCENARIO = path.join(import.meta.dirname, 'register.xml');
const PASSWORD = 'bench-password-1';
// Unusual fixed ports on loopback (bench only; bench:sccp uses 2xx60-ish ports of its own).
const PORTS = { http: 28190, sccp: 22110, sip: 25170, tftp: 20179, provisioningHttp: 26990, kamailio: 25960 };

const api = adminApi(PORTS.http, PASSWORD);

function log(text: string): void {
  process.stderr.write(`[bench:sip ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

function writeCsv(dir: string): string {
  const file = path.join(dir, 'phones.csv');
  const lines = ['SEQUENTIAL'];
  for (let i = 0; i < PHONES; i++) {
    const mac = `00ab${i.toString(16).padStart(8, '0')}`;
    lines.push(`SEP${mac.toUpperCase()};${mac};`);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** What one phase measured: SIPp's figures and the CPU time the server (all its threads and processes) used. */
interface PhaseResult extends SippResult {
  serverCpuSeconds: number;
}

function microsPerRegister(r: PhaseResult): number {
  return Math.round((r.serverCpuSeconds * 1e6) / r.successful);
}

/** One phase: K SIPp processes share the phones (K = 1 by default) and the in-flight limit. */
async function phase(
  target: string,
  serverPid: number,
  csvs: string[],
  dir: string,
  label: string,
  cseq: number,
): Promise<PhaseResult> {
  const serverCpuBefore = treeCpuSeconds(serverPid);
  const per = Math.ceil(PHONES / csvs.length);
  const results = await Promise.all(
    csvs.map((csv, k) =>
      runSipp({
        target,
        scenario: SCENARIO,
        csv,
        calls: Math.min(per, PHONES - k * per),
        inFlight: Math.ceil(IN_FLIGHT / csvs.length),
        runId: `p${k}`,
        cseq,
        dir,
        localAddress: `127.0.0.${k + 1}`,
        label: `${label}-${k}`,
      }),
    ),
  );
  const seconds = Math.max(...results.map((r) => r.seconds));
  const successful = results.reduce((s, r) => s + r.successful, 0);
  const result = {
    successful,
    failed: results.reduce((s, r) => s + r.failed, 0),
    retransmissions: results.reduce((s, r) => s + r.retransmissions, 0),
    warnings: results.reduce((s, r) => s + r.warnings, 0),
    seconds,
    rate: successful / seconds,
    sippCpuSeconds: results.reduce((s, r) => s + r.sippCpuSeconds, 0),
    serverCpuSeconds: treeCpuSeconds(serverPid) - serverCpuBefore,
  };
  log(
    `${label}: ${result.successful} ok, ${result.failed} failed in ${seconds.toFixed(2)} s = ${Math.round(result.rate)}/s ` +
      `(server CPU ${result.serverCpuSeconds.toFixed(1)} s = ${microsPerRegister(result)} µs per REGISTER; SIPp CPU ${result.sippCpuSeconds.toFixed(1)} s)`,
  );
  if (result.failed > 0 || result.successful !== PHONES)
    throw new Error(`${label}: ${result.failed} calls failed, ${result.successful}/${PHONES} succeeded`);
  return result;
}

function splitCsv(file: string, dir: string): string[] {
  if (SIPP_PROCESSES === 1) return [file];
  const rows = fs.readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const per = Math.ceil(rows.length / SIPP_PROCESSES);
  return Array.from({ length: SIPP_PROCESSES }, (_, k) => {
    const part = path.join(dir, `phones-${k}.csv`);
    fs.writeFileSync(part, `SEQUENTIAL\n${rows.slice(k * per, (k + 1) * per).join('\n')}\n`);
    return part;
  });
}

const BUILD = path.join(RESULTS, 'sip-build');

/** Builds openucm as `npm run build` does (tsc), into bench/results/sip-build/; a failed build ends the bench. */
function build(): void {
  log('building openucm (tsc -p tsconfig.build.json) into bench/results/sip-build/');
  buildOpenucm({ root: ROOT, outDir: BUILD });
}

async function startNode(dataDir: string): Promise<OpenucmNode> {
  const nodeArgs: string[] = [];
  if (values.profile) {
    fs.mkdirSync(path.join(RESULTS, 'prof-sip'), { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${path.join(RESULTS, 'prof-sip')}`);
  }
  return startOpenucm({
    root: ROOT,
    build: values['from-source'] ? undefined : BUILD,
    dataDir,
    ports: PORTS,
    adminPassword: PASSWORD,
    nodeArgs,
  });
}

function bindingHeapBytes(): number {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', path.join(import.meta.dirname, 'binding-memory.ts'), String(PHONES)],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  return (JSON.parse(out) as { heapBytesPerBinding: number }).heapBytesPerBinding;
}

function persisted(dataDir: string): { devices: number; dns: number; duplicateDns: number } {
  const db = new Database(path.join(dataDir, 'openucm.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const n = (q: string) => (db.prepare(q).get() as { n: number }).n;
    return {
      devices: n("SELECT COUNT(*) AS n FROM devices WHERE protocol = 'SIP'"),
      dns: n('SELECT COUNT(*) AS n FROM directory_numbers'),
      duplicateDns: n('SELECT COUNT(*) AS n FROM (SELECT dn FROM lines GROUP BY dn HAVING COUNT(*) > 1)'),
    };
  } finally {
    db.close();
  }
}

interface ServerRound {
  register: PhaseResult;
  refresh: PhaseResult;
  memory: Record<string, number>;
}

/** openucm: a fresh node and database; auto-registration of every phone, then the refresh. */
async function openucmRound(
  work: string,
  csvs: string[],
  round: number,
  settle: boolean,
): Promise<ServerRound & { persisted: ReturnType<typeof persisted> }> {
  const dataDir = path.join(work, `data-${round}`);
  const node = await startNode(dataDir);
  let result: ServerRound;
  try {
    await api('PATCH', '/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
    const endingDn = String(100000 + Math.max(PHONES, 1000) - 1);
    await api('PATCH', '/nodes/cm1', { autoRegistration: { enabled: true, startingDn: '100000', endingDn } });
    const idle = treeMemory(node.child.pid as number);
    const register = await phase(
      `127.0.0.1:${PORTS.sip}`,
      node.child.pid as number,
      csvs,
      work,
      `openucm-register-${round}`,
      1,
    );
    const refresh = await phase(
      `127.0.0.1:${PORTS.sip}`,
      node.child.pid as number,
      csvs,
      work,
      `openucm-refresh-${round}`,
      2,
    );
    const loaded = treeMemory(node.child.pid as number);
    const memory: Record<string, number> = {
      idleRssMb: Math.round(idle.rssMb),
      afterRefreshRssMb: Math.round(loaded.rssMb),
    };
    if (settle) {
      log(
        `openucm: waiting ${values.settle} s for the transactions to expire (Timer J) before the memory reading`,
      );
      await sleep(Number(values.settle) * 1000);
      const settled = treeMemory(node.child.pid as number);
      memory.settledRssMb = Math.round(settled.rssMb);
      memory.rssBytesPerPhone = Math.round(((settled.rssMb - idle.rssMb) * 1024 * 1024) / PHONES);
    }
    result = { register, refresh, memory };
  } finally {
    await node.stop();
  }
  const stored = persisted(dataDir);
  log(
    `openucm persisted ${stored.devices} SIP devices, ${stored.dns} DNs, ${stored.duplicateDns} duplicate DNs`,
  );
  if (stored.devices !== PHONES || stored.duplicateDns !== 0)
    throw new Error('auto-registration did not persist every phone once');
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { ...result, persisted: stored };
}

/** Kamailio: a fresh process (empty usrloc); first registration of every phone, then the refresh. */
async function kamailioRound(work: string, csvs: string[], round: number): Promise<ServerRound> {
  await ensurePortFree(PORTS.kamailio, 'Kamailio');
  const kamailio = startKamailio(work, PORTS.kamailio);
  try {
    await sipReady(PORTS.kamailio, 'Kamailio');
    if (kamailio.child.exitCode !== null)
      throw new Error(`Kamailio exited at start (code ${kamailio.child.exitCode})`);
    const idle = treeMemory(kamailio.child.pid as number);
    const register = await phase(
      `127.0.0.1:${PORTS.kamailio}`,
      kamailio.child.pid as number,
      csvs,
      work,
      `kamailio-register-${round}`,
      1,
    );
    const refresh = await phase(
      `127.0.0.1:${PORTS.kamailio}`,
      kamailio.child.pid as number,
      csvs,
      work,
      `kamailio-refresh-${round}`,
      2,
    );
    const loaded = treeMemory(kamailio.child.pid as number);
    return {
      register,
      refresh,
      memory: {
        idlePssMb: Math.round(idle.pssMb),
        afterRefreshPssMb: Math.round(loaded.pssMb),
        pssBytesPerPhone: Math.round(((loaded.pssMb - idle.pssMb) * 1024 * 1024) / PHONES),
      },
    };
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

async function main(): Promise<void> {
  const rounds = Number(values.rounds);
  const loadAtStart = loadAverage();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-bench-sip-'));
  const csvs = splitCsv(writeCsv(work), work);
  if (!values['from-source']) build();
  log(
    `${PHONES} phones, ${IN_FLIGHT} REGISTERs in flight, ${SIPP_PROCESSES} SIPp process(es), ${rounds} round(s); load ${loadAverage()}`,
  );
  const openucm: ServerRound[] = [];
  const kamailio: ServerRound[] = [];
  let stored: ReturnType<typeof persisted> | undefined;
  for (let round = 1; round <= rounds; round++) {
    // The last round waits for Timer J and takes the settled memory reading.
    const o = await openucmRound(work, csvs, round, round === rounds);
    stored = o.persisted;
    openucm.push(o);
    if (!values['no-kamailio']) kamailio.push(await kamailioRound(work, csvs, round));
  }
  fs.rmSync(work, { recursive: true, force: true });
  const heapPerBinding = bindingHeapBytes();

  const rate = (rs: ServerRound[], p: 'register' | 'refresh') => Math.round(median(rs.map((r) => r[p].rate)));
  const o = { register: rate(openucm, 'register'), refresh: rate(openucm, 'refresh') };
  const k =
    kamailio.length > 0
      ? { register: rate(kamailio, 'register'), refresh: rate(kamailio, 'refresh') }
      : undefined;
  const ratio = (a: number, b?: number) => (b ? (a / b).toFixed(2) : '—');
  const each = (rs: ServerRound[], p: 'register' | 'refresh') =>
    rs.map((r) => Math.round(r[p].rate)).join(', ');
  const table = [
    `| phase (median of ${rounds}) | openucm REGISTER/s | Kamailio REGISTER/s | openucm ÷ Kamailio |`,
    '|---|---:|---:|---:|',
    `| first registration — openucm: auto-registration, device + DN in SQLite; Kamailio: usrloc in memory | ${o.register} | ${k?.register ?? '—'} | ${ratio(o.register, k?.register)} |`,
    `| refresh (same Call-ID, next CSeq) | ${o.refresh} | ${k?.refresh ?? '—'} | ${ratio(o.refresh, k?.refresh)} |`,
  ].join('\n');
  const om = openucm[openucm.length - 1].memory;
  const km = kamailio[kamailio.length - 1]?.memory;
  const notes = [
    `rounds — openucm register: ${each(openucm, 'register')}; refresh: ${each(openucm, 'refresh')}` +
      (k ? `; Kamailio register: ${each(kamailio, 'register')}; refresh: ${each(kamailio, 'refresh')}` : ''),
    `openucm RSS: idle ${om.idleRssMb} MB, after refresh ${om.afterRefreshRssMb} MB, settled ${om.settledRssMb} MB → ` +
      `${om.rssBytesPerPhone} bytes per registered phone (bindings, devices, caches); registrar heap alone ${heapPerBinding} bytes per binding`,
    km
      ? `Kamailio PSS (all processes): idle ${km.idlePssMb} MB, after refresh ${km.afterRefreshPssMb} MB → ${km.pssBytesPerPhone} bytes per contact`
      : '',
    `server CPU per REGISTER (µs, register/refresh, all threads and processes): openucm ${openucm.map((r) => `${microsPerRegister(r.register)}/${microsPerRegister(r.refresh)}`).join(', ')}` +
      (k
        ? `; Kamailio ${kamailio.map((r) => `${microsPerRegister(r.register)}/${microsPerRegister(r.refresh)}`).join(', ')}`
        : ''),
    `SIPp CPU per phase (s): openucm ${openucm.map((r) => `${r.register.sippCpuSeconds.toFixed(1)}/${r.refresh.sippCpuSeconds.toFixed(1)}`).join(', ')}` +
      (k
        ? `; Kamailio ${kamailio.map((r) => `${r.register.sippCpuSeconds.toFixed(1)}/${r.refresh.sippCpuSeconds.toFixed(1)}`).join(', ')}`
        : ''),
    `load average (1/5/15 min) at the start: ${loadAtStart}; at the end: ${loadAverage()}`,
  ]
    .filter((l) => l !== '')
    .join('\n');
  const report = {
    date: new Date().toISOString(),
    command: `npm run bench:sip -- ${process.argv.slice(2).join(' ')}`.trim(),
    phones: PHONES,
    inFlight: IN_FLIGHT,
    sippProcesses: SIPP_PROCESSES,
    rounds,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    kamailioVersion: k ? execFileSync('kamailio', ['-v'], { encoding: 'utf8' }).split('\n')[0] : undefined,
    openucm,
    kamailio,
    persisted: stored,
    registrarHeapBytesPerBinding: heapPerBinding,
    medians: { openucm: o, kamailio: k },
    table,
    notes,
  };
  const written = writeBenchReport({
    dir: RESULTS,
    name: 'sip',
    report,
    table,
    notes,
    json: Boolean(values.json),
  });
  log(`report written to ${written}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:sip failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
