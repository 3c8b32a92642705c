/**
 * `npm run bench:transfers [-- --transfers N --in-flight L --talk-ms T --json]`: blind transfers per
 * second through one node, with the node's CPU per transfer and its memory.
 *
 * The node runs as a user starts it (`openucm start`, a tsc build, durable SQLite, default settings)
 * and SIPp phones register on it: transferors A from one UDP port, transferees B from another,
 * targets C from a third. Each SIPp call of the transferor is one transfer (transferor.xml): A calls
 * B, B answers, A sends REFER Refer-To C in that dialog, the node answers 202, calls C for B, joins B
 * and C once C rings (a re-INVITE a=inactive to B), NOTIFYs A (sipfrag 100, then 200) and BYEs A;
 * C answers, the node re-INVITEs B towards C (checked), and B hangs up after --talk-ms (transferee.xml; C is bench:calls' answering uas.xml).
 * A transfer counts as done when A got sipfrag 200 and the node's BYE; B's and C's calls are counted
 * too (a join that never connects fails there). SIP rather than the SCCP simulator fleet: SIPp is a
 * real load generator whose own CPU and retransmissions are measured, and REFER is the path a SIP
 * phone takes; SCCP transfers go through the same `transfer()` of the call service.
 *
 * There is no B2BUA here to compare with: Kamailio only proxies a REFER to B, which then calls C
 * itself — another amount of work, so no Kamailio figure is given.
 *
 * Each line takes at most 2 calls (line settings' default): with ROWS_PER_TRANSFER rows of (A, B, C)
 * per transfer in flight, a device is almost never in two transfers at once. Loopback only, unusual
 * fixed ports.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { treeCpuSeconds, treeMemory } from '../proc.js';
import { writeBenchReport } from '../report.js';
import { buildOpenucm } from '../sip/build.js';
import { adminApi, sleep, startOpenucm } from '../sip/openucm-node.js';
import type { SippResult } from '../sip/sipp.js';
import { runSipp } from '../sip/sipp.js';

const { values } = parseArgs({
  options: {
    transfers: { type: 'string', default: '3000' },
    'in-flight': { type: 'string', default: '20' },
    /** Milliseconds B and C talk after the join before B hangs up. */
    'talk-ms': { type: 'string', default: '0' },
    /** Run openucm with tsx from src/ instead of a tsc build. */
    'from-source': { type: 'boolean', default: false },
    /** Keep the work directory (SIPp statistics, error logs, CSVs) even when nothing failed. */
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

const TRANSFERS = Number(values.transfers);
const IN_FLIGHT = Number(values['in-flight']);
const TALK_MS = Number(values['talk-ms']);
const ROWS_PER_TRANSFER = 4;
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const RESULTS = path.join(ROOT, 'bench', 'results');
const BUILD = path.join(RESULTS, 'transfers-build');
const PASSWORD = 'bench-password-1';
const PORTS = { http: 28390, sccp: 22310, sip: 25370, tftp: 20379, provisioningHttp: 27190 };
const PHONE_PORTS = { a: 25601, b: 25602, c: 25603, aMedia: 25700, bMedia: 25800, cMedia: 25900 };
const SIPP_LOAD_ARGS = ['-default_behaviors', 'all,-abortunexp', '-buff_size', String(8 * 1024 * 1024)];
const CALLS_DIR = path.join(import.meta.dirname, '..', 'calls');

const api = adminApi(PORTS.http, PASSWORD);

function log(text: string): void {
  process.stderr.write(`[bench:transfers ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

type Role = 'a' | 'b' | 'c';
interface Device {
  name: string;
  dn: string;
  mac: string;
}

/** Transferor, transferee and target of row `i`. */
function row(i: number): Record<Role, Device> {
  const device = (prefix: number, dn: number): Device => {
    const mac = `00ac${(prefix + i).toString(16).padStart(8, '0')}`;
    return { name: `SEP${mac.toUpperCase()}`, dn: String(dn + i), mac };
  };
  return { a: device(0xa0000000, 610000), b: device(0xb0000000, 620000), c: device(0xc0000000, 630000) };
}

function csv(dir: string, name: string, rows: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `SEQUENTIAL\n${rows.join('\n')}\n`);
  return file;
}

/** CDRs the node stored (three per transfer: A→B and A→C split with 393216, and the joined B→C). */
function storedCdrs(dataDir: string): number {
  const db = new Database(path.join(dataDir, 'openucm.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM call_detail_records').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-bench-transfers-'));
  if (!values['from-source']) {
    log('building openucm (tsc -p tsconfig.build.json) into bench/results/transfers-build/');
    buildOpenucm({ root: ROOT, outDir: BUILD });
  }
  const rows = Array.from({ length: IN_FLIGHT * ROWS_PER_TRANSFER }, (_, i) => row(i));
  log(
    `${TRANSFERS} blind transfers, ${IN_FLIGHT} in flight, ${rows.length} (A, B, C) rows; load ${loadAtStart}`,
  );
  const node = await startOpenucm({
    root: ROOT,
    build: values['from-source'] ? undefined : BUILD,
    dataDir: path.join(work, 'data'),
    ports: PORTS,
    adminPassword: PASSWORD,
  });
  let a: SippResult;
  let b: SippResult;
  let c: SippResult;
  let cpu: number;
  let idle: ReturnType<typeof treeMemory>;
  let peak = { rssMb: 0, pssMb: 0 };
  try {
    for (const r of rows)
      for (const d of [r.a, r.b, r.c])
        await api('POST', '/phones', {
          name: d.name,
          model: '7960',
          protocol: 'SIP',
          description: 'bench:transfers',
          lines: [{ index: 1, dn: d.dn }],
        });
    for (const role of ['a', 'b', 'c'] as const) {
      const lines = rows.map((r) => `${r[role].dn};${r[role].mac};`);
      const reg = await runSipp({
        target: `127.0.0.1:${PORTS.sip}`,
        scenario: path.join(CALLS_DIR, 'register.xml'),
        csv: csv(work, `register-${role}.csv`, lines),
        calls: lines.length,
        inFlight: 50,
        runId: `reg-${role}`,
        dir: work,
        localAddress: '127.0.0.1',
        localPort: PHONE_PORTS[role],
        label: `register-${role}`,
      });
      if (reg.successful !== lines.length)
        throw new Error(`${reg.failed} of ${lines.length} REGISTERs of role ${role} failed (see ${work})`);
    }
    // The dial plan rereads the stored DNs on a device change: give it a moment.
    await sleep(2000);
    idle = treeMemory(node.pid);
    const stop = new AbortController();
    const answering = (role: 'b' | 'c', scenario: string) =>
      runSipp({
        target: `127.0.0.1:${PORTS.sip}`,
        scenario,
        calls: TRANSFERS,
        inFlight: TRANSFERS * 2,
        runId: `uas-${role}`,
        dir: work,
        localAddress: '127.0.0.1',
        localPort: PHONE_PORTS[role],
        label: `uas-${role}`,
        extraArgs: [
          ...SIPP_LOAD_ARGS,
          '-mp',
          String(PHONE_PORTS[`${role}Media`]),
          ...(role === 'b' ? ['-d', String(TALK_MS)] : []),
        ],
        signal: stop.signal,
      });
    const bRun = answering('b', path.join(import.meta.dirname, 'transferee.xml'));
    const cRun = answering('c', path.join(CALLS_DIR, 'uas.xml'));
    await sleep(500);
    const cpuBefore = treeCpuSeconds(node.pid);
    const sampler = setInterval(() => {
      const m = treeMemory(node.pid);
      peak = { rssMb: Math.max(peak.rssMb, m.rssMb), pssMb: Math.max(peak.pssMb, m.pssMb) };
    }, 1000);
    try {
      a = await runSipp({
        target: `127.0.0.1:${PORTS.sip}`,
        scenario: path.join(import.meta.dirname, 'transferor.xml'),
        csv: csv(
          work,
          'transfers.csv',
          rows.map((r) => `${r.a.dn};${r.b.dn};${r.c.dn};`),
        ),
        calls: TRANSFERS,
        inFlight: IN_FLIGHT,
        runId: 'transferor',
        dir: work,
        localAddress: '127.0.0.1',
        localPort: PHONE_PORTS.a,
        label: 'transferor',
        extraArgs: [...SIPP_LOAD_ARGS, '-mp', String(PHONE_PORTS.aMedia)],
      });
    } finally {
      clearInterval(sampler);
    }
    const end = treeMemory(node.pid);
    peak = { rssMb: Math.max(peak.rssMb, end.rssMb), pssMb: Math.max(peak.pssMb, end.pssMb) };
    cpu = treeCpuSeconds(node.pid) - cpuBefore;
    // B and C end after their last call (B's BYE, C's timewait); one the transferor gave up on never comes.
    const late = setTimeout(() => stop.abort(), 15_000);
    [b, c] = await Promise.all([bRun, cRun]);
    clearTimeout(late);
  } finally {
    await node.stop();
  }
  const cdrs = storedCdrs(path.join(work, 'data'));
  const warnings = a.warnings + b.warnings + c.warnings;
  const failed = a.failed + Math.max(0, a.successful - b.successful) + warnings;
  if (failed === 0 && !values.keep) fs.rmSync(work, { recursive: true, force: true });
  else log(`SIPp's statistics and error logs are kept in ${work}`);

  const perTransferUs = Math.round((cpu * 1e6) / Math.max(1, a.successful));
  log(
    `${a.successful} transfers done, ${a.failed} failed in ${a.seconds.toFixed(2)} s = ${a.rate.toFixed(0)}/s; ` +
      `B hung up ${b.successful} joined calls (${b.failed} failed), C answered ${c.successful} (${c.failed} failed); ` +
      `node CPU ${cpu.toFixed(1)} s = ${perTransferUs} µs per transfer; SIPp CPU A ${a.sippCpuSeconds.toFixed(1)} s, B ${b.sippCpuSeconds.toFixed(1)} s, C ${c.sippCpuSeconds.toFixed(1)} s`,
  );
  const table = [
    '| measure | openucm |',
    '|---|---:|',
    `| blind transfers/s (A calls B, REFER to C, C answers, B hangs up; ${TRANSFERS} transfers, ${IN_FLIGHT} in flight) | ${a.rate.toFixed(1)} |`,
    `| failed transfers (A's SIPp) | ${a.failed} of ${a.successful + a.failed} |`,
    `| joined calls B↔C completed (B's BYE answered) / failed | ${b.successful} / ${b.failed} |`,
    `| target calls C answered / failed | ${c.successful} / ${c.failed} |`,
    `| node CPU per transfer (µs, all threads and processes: 3 calls, 3 CDRs) | ${perTransferUs} |`,
    `| CDRs stored (SQLite, synchronous FULL; 3 per transfer expected) | ${cdrs} |`,
    `| node RSS idle → peak during the run (MB; main process + SCCP workers) | ${Math.round(idle.rssMb)} → ${Math.round(peak.rssMb)} |`,
    `| SIPp warnings (A + B + C; an unexpected message, e.g. a 503, counts as a failure) | ${warnings} |`,
    `| SIPp retransmissions (A + B + C) | ${a.retransmissions + b.retransmissions + c.retransmissions} |`,
  ].join('\n');
  const notes = [
    `openucm: B2BUA, the node places the call to C and joins B and C itself; no peer here does B2BUA transfers (Kamailio would only proxy the REFER to B), so there is no reference figure`,
    `SIPp CPU: A ${a.sippCpuSeconds.toFixed(1)} s, B ${b.sippCpuSeconds.toFixed(1)} s, C ${c.sippCpuSeconds.toFixed(1)} s over ${a.seconds.toFixed(1)} s; node PSS idle → peak ${Math.round(idle.pssMb)} → ${Math.round(peak.pssMb)} MB`,
    `load average (1/5/15 min) at the start: ${loadAtStart}; at the end: ${loadAverage()}`,
  ].join('\n');
  const report = {
    date: new Date().toISOString(),
    command: `npm run bench:transfers -- ${process.argv.slice(2).join(' ')}`.trim(),
    transfers: TRANSFERS,
    inFlight: IN_FLIGHT,
    talkMs: TALK_MS,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    transferor: a,
    transferee: b,
    target: c,
    nodeCpuSeconds: cpu,
    cdrs,
    memory: { idle, peak },
    table,
    notes,
  };
  const written = writeBenchReport({
    dir: RESULTS,
    name: 'transfers',
    report,
    table,
    notes,
    json: values.json,
  });
  log(`report written to ${written}`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:transfers failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
