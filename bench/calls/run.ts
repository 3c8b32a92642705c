/**
 * `npm run bench:calls [-- --calls N --in-flight L --concurrent C --no-kamailio --json]`: call setups
 * per second and held calls, openucm against Kamailio in one run.
 *
 * 1. SIP↔SIP: SIPp phones register (callers from one UDP port, callees from another), a SIPp uas
 *    answers on the callees' port and a SIPp uac calls their DNs: INVITE with SDP, 180, 200, ACK,
 *    BYE — N calls, L in flight. openucm is a B2BUA (two dialogs per call, CDR in SQLite with
 *    synchronous FULL); Kamailio a stateful record-routing proxy (registrar + tm, in memory).
 * 2. SCCP↔SCCP: pairs of simulated 7960s (the simulator's classes) call each other, closed loop.
 * 3. Held calls: C SIP calls established at once and held; the node's memory per call.
 *
 * One caller/callee device pair holds at most PER_DEVICE calls (--call-max-per-device is raised to
 * 200, its maximum; each bench line takes LINE_MAX_CALLS calls, the most a line may, its busy
 * trigger too; the calls are spread over ceil(L / PER_DEVICE) pairs). Loopback only,
 * unusual fixed ports.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { treeCpuSeconds, treeMemory } from '../proc.js';
import { buildOpenucm } from '../sip/build.js';
import { startKamailio } from '../sip/kamailio.js';
import type { OpenucmNode } from '../sip/openucm-node.js';
import { adminApi, ensurePortFree, sipReady, sleep, startOpenucm } from '../sip/openucm-node.js';
import type { SippResult } from '../sip/sipp.js';
import { runSipp } from '../sip/sipp.js';
import { kamailioProxyConfig } from './kamailio-proxy.js';
import { runSccpCalls, sccpPairDevice } from './sccp-pairs.js';
import type { SccpRunResult } from './sccp-pairs.js';
import { writeBenchReport } from '../report.js';

const { values } = parseArgs({
  options: {
    /** SIP calls per server. */
    calls: { type: 'string', default: '20000' },
    /** SIP calls in flight (SIPp -l). */
    'in-flight': { type: 'string', default: '200' },
    /** Milliseconds each SIP call talks between ACK and BYE (SIPp -d). */
    'talk-ms': { type: 'string', default: '0' },
    /** SCCP calls, and the pairs of sim phones placing them. */
    'sccp-calls': { type: 'string', default: '10000' },
    'sccp-pairs': { type: 'string', default: '100' },
    /** SIP calls established and held at once (0: skip). */
    concurrent: { type: 'string', default: '10000' },
    /** New calls per second while the held calls are set up. */
    'concurrent-rate': { type: 'string', default: '200' },
    /** Rounds of (openucm, Kamailio) SIP measurements; the table gives the median round of each. */
    rounds: { type: 'string', default: '1' },
    'no-kamailio': { type: 'boolean', default: false },
    'no-sccp': { type: 'boolean', default: false },
    /** Run openucm with tsx from src/ instead of a tsc build. */
    'from-source': { type: 'boolean', default: false },
    /** node --cpu-prof for each openucm node; profiles land in bench/results/prof-calls/. */
    profile: { type: 'boolean', default: false },
    /** Keep the work directory (SIPp statistics and error logs, CSVs, configs) even when nothing failed. */
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

const CALLS = Number(values.calls);
const ROUNDS = Number(values.rounds);
const IN_FLIGHT = Number(values['in-flight']);
const TALK_MS = Number(values['talk-ms']);
const CONCURRENT = Number(values.concurrent);
const SCCP_CALLS = Number(values['sccp-calls']);
const SCCP_PAIRS = Number(values['sccp-pairs']);
/** Calls one SIP device is part of at most in the bench (half --call-max-per-device: SIPp's spread is uneven). */
const PER_DEVICE = 3;
/** A line's Maximum Number of Calls and Busy Trigger for the bench's SIP lines (2 by default, 6 at most). */
const LINE_MAX_CALLS = 6;
const CALL_MAX_PER_DEVICE = 200;
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const RESULTS = path.join(ROOT, 'bench', 'results');
const BUILD = path.join(RESULTS, 'calls-build');
const PASSWORD = 'bench-password-1';
// Unusual fixed ports on loopback (bench:sip uses 2xx70-ish, bench:sccp its own).
const PORTS = { http: 28290, sccp: 22210, sip: 25270, tftp: 20279, provisioningHttp: 27090 };
const KAMAILIO_PORT = 25980;
/** The UDP ports the SIPp phones register from and call from (caller) or answer on (callee), and their RTP. */
const PHONE_PORTS = { caller: 25301, callee: 25302, callerMedia: 25400, calleeMedia: 25500 };
// Late 180s and INVITE retransmissions under load are not errors of the call (SIPp's default aborts).
const SIPP_LOAD_ARGS = ['-default_behaviors', 'all,-abortunexp', '-buff_size', String(8 * 1024 * 1024)];

const api = adminApi(PORTS.http, PASSWORD);

function log(text: string): void {
  process.stderr.write(`[bench:calls ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

interface SipDevice {
  name: string;
  dn: string;
  mac: string;
}

/** Caller and callee device `i` of the SIP pairs. */
function sipPair(i: number): { caller: SipDevice; callee: SipDevice } {
  const device = (prefix: number, dn: number): SipDevice => {
    const mac = `00ab${(prefix + i).toString(16).padStart(8, '0')}`;
    return { name: `SEP${mac.toUpperCase()}`, dn: String(dn + i), mac };
  };
  return { caller: device(0xc0000000, 400000), callee: device(0xe0000000, 500000) };
}

function pairsFor(calls: number): Array<{ caller: SipDevice; callee: SipDevice }> {
  return Array.from({ length: Math.ceil(calls / PER_DEVICE) }, (_, i) => sipPair(i));
}

function csv(dir: string, name: string, rows: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `SEQUENTIAL\n${rows.join('\n')}\n`);
  return file;
}

async function addSipDevices(pairs: Array<{ caller: SipDevice; callee: SipDevice }>): Promise<void> {
  for (const p of pairs)
    for (const d of [p.caller, p.callee])
      await api('POST', '/phones', {
        name: d.name,
        model: '7960',
        protocol: 'SIP',
        description: 'bench:calls',
        lines: [{ index: 1, dn: d.dn, maxCalls: LINE_MAX_CALLS, busyTrigger: LINE_MAX_CALLS }],
      });
}

/** Registers the callers from their calling port and the callees from their answering port. */
async function registerSipPhones(
  target: string,
  pairs: Array<{ caller: SipDevice; callee: SipDevice }>,
  dir: string,
  label: string,
): Promise<void> {
  for (const role of ['caller', 'callee'] as const) {
    const rows = pairs.map((p) => `${p[role].dn};${p[role].mac};`);
    const r = await runSipp({
      target,
      scenario: path.join(import.meta.dirname, 'register.xml'),
      csv: csv(dir, `${label}-${role}s.csv`, rows),
      calls: rows.length,
      inFlight: 50,
      runId: `${label}-reg-${role}`,
      dir,
      localAddress: '127.0.0.1',
      localPort: PHONE_PORTS[role],
      label: `${label}-register-${role}s`,
    });
    if (r.successful !== rows.length)
      throw new Error(`${label}: ${r.failed} of ${rows.length} ${role} REGISTERs failed (see ${dir})`);
  }
}

interface CallRun {
  uac: SippResult;
  uas: SippResult;
  serverCpuSeconds: number;
}

/** The SIPp uas answering on the callees' port and the uac calling from the callers' port. */
async function sipCalls(options: {
  target: string;
  serverPid: number;
  pairs: Array<{ caller: SipDevice; callee: SipDevice }>;
  calls: number;
  inFlight: number;
  rate?: number;
  talkMs: number;
  dir: string;
  label: string;
  /** Called once the uac started; the run ends (both SIPp stopped) when it resolves, if given. */
  whileRunning?: () => Promise<void>;
}): Promise<CallRun> {
  const { dir, label } = options;
  const stop = new AbortController();
  const uas = runSipp({
    target: options.target,
    scenario: path.join(import.meta.dirname, 'uas.xml'),
    calls: options.calls,
    inFlight: options.calls * 2,
    runId: `${label}-uas`,
    dir,
    localAddress: '127.0.0.1',
    localPort: PHONE_PORTS.callee,
    label: `${label}-uas`,
    extraArgs: [...SIPP_LOAD_ARGS, '-mp', String(PHONE_PORTS.calleeMedia)],
    signal: stop.signal,
  });
  await sleep(500);
  const cpuBefore = treeCpuSeconds(options.serverPid);
  const rows = options.pairs.map((p) => `${p.caller.dn};${p.callee.dn};`);
  const uacRun = runSipp({
    target: options.target,
    scenario: path.join(import.meta.dirname, 'uac.xml'),
    csv: csv(dir, `${label}-calls.csv`, rows),
    calls: options.calls,
    inFlight: options.inFlight,
    rate: options.rate,
    runId: `${label}-uac`,
    dir,
    localAddress: '127.0.0.1',
    localPort: PHONE_PORTS.caller,
    label: `${label}-uac`,
    extraArgs: [...SIPP_LOAD_ARGS, '-mp', String(PHONE_PORTS.callerMedia), '-d', String(options.talkMs)],
    signal: stop.signal,
  });
  if (options.whileRunning) {
    try {
      await options.whileRunning();
    } finally {
      stop.abort();
    }
  }
  const uac = await uacRun;
  const serverCpuSeconds = treeCpuSeconds(options.serverPid) - cpuBefore;
  // The uas ends after its last call; it may wait for a call the uac gave up on.
  const late = setTimeout(() => stop.abort(), 10_000);
  const uasResult = await uas;
  clearTimeout(late);
  return { uac, uas: uasResult, serverCpuSeconds };
}

function logCalls(label: string, r: CallRun): void {
  // SIPp counts a call that got an unexpected answer (a 503) as successful when it carries on.
  if (r.uac.warnings + r.uas.warnings > 0)
    log(
      `${label}: SIPp warned ${r.uac.warnings + r.uas.warnings} times (unexpected messages, e.g. 503): the rate is not one of clean calls; see the error logs`,
    );
  const failedPct = (100 * r.uac.failed) / Math.max(1, r.uac.successful + r.uac.failed);
  log(
    `${label}: ${r.uac.successful} calls ok, ${r.uac.failed} failed (${failedPct.toFixed(3)} %) in ${r.uac.seconds.toFixed(2)} s = ` +
      `${Math.round(r.uac.rate)} calls/s (server CPU ${r.serverCpuSeconds.toFixed(1)} s = ${Math.round((r.serverCpuSeconds * 1e6) / Math.max(1, r.uac.successful))} µs per call; ` +
      `SIPp CPU uac ${r.uac.sippCpuSeconds.toFixed(1)} s, uas ${r.uas.sippCpuSeconds.toFixed(1)} s; retransmissions uac ${r.uac.retransmissions}, uas ${r.uas.retransmissions})`,
  );
}

async function startNode(dataDir: string, extra: string[] = []): Promise<OpenucmNode> {
  return startOpenucm({
    root: ROOT,
    build: values['from-source'] ? undefined : BUILD,
    dataDir,
    ports: PORTS,
    adminPassword: PASSWORD,
    nodeArgs: values.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(RESULTS, 'prof-calls')}`] : [],
    args: ['--call-max-per-device', String(CALL_MAX_PER_DEVICE), ...extra],
  });
}

/** The node's /metrics samples named `name` (summed over labels). */
async function metric(name: string): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${PORTS.http}/metrics`, {
    headers: { authorization: `Basic ${Buffer.from(`CCMAdministrator:${PASSWORD}`).toString('base64')}` },
  });
  if (!r.ok) throw new Error(`/metrics: ${r.status}`);
  let sum = 0;
  for (const line of (await r.text()).split('\n'))
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

/** Waits until the node's dial plan (reread on a device change) routes every DN: a call to each gets past 404. */
async function dialPlanReady(dns: string[]): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const page = (await api('GET', `/directory-numbers?pageSize=1`).catch(() => null)) as {
      total?: number;
    } | null;
    if (page?.total !== undefined && page.total >= dns.length) return;
    if (Date.now() > deadline) throw new Error('the node did not list the bench DNs within 90 s');
    await sleep(500);
  }
}

function storedCdrs(dataDir: string): number {
  const db = new Database(path.join(dataDir, 'openucm.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM call_detail_records').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function openucmSip(work: string, round: number): Promise<CallRun & { cdrs: number }> {
  const dataDir = path.join(work, `data-sip-${round}`);
  const node = await startNode(dataDir);
  const pairs = pairsFor(IN_FLIGHT);
  let run: CallRun;
  try {
    await addSipDevices(pairs);
    await dialPlanReady(pairs.flatMap((p) => [p.caller.dn, p.callee.dn]));
    const target = `127.0.0.1:${PORTS.sip}`;
    await registerSipPhones(target, pairs, work, `openucm-${round}`);
    // The dial plan rereads the stored DNs on a device change: give it a moment.
    await sleep(2000);
    run = await sipCalls({
      target,
      serverPid: node.pid,
      pairs,
      calls: CALLS,
      inFlight: IN_FLIGHT,
      talkMs: TALK_MS,
      dir: work,
      label: `openucm-sip-${round}`,
    });
    logCalls(`openucm SIP↔SIP, round ${round}`, run);
  } finally {
    await node.stop();
  }
  const cdrs = storedCdrs(dataDir);
  log(`openucm stored ${cdrs} CDRs`);
  return { ...run, cdrs };
}

async function kamailioSip(work: string, round: number): Promise<CallRun> {
  await ensurePortFree(KAMAILIO_PORT, 'Kamailio');
  // tm keeps each transaction (~8 KB) for its wait timer after it ends: 20,000 calls a round in a
  // few seconds exhaust 512 MB ("could not allocate shared memory from shm pool", 500 replies and
  // stalls), which would measure the bench's setting instead of Kamailio.
  const kamailio = startKamailio(work, KAMAILIO_PORT, kamailioProxyConfig, 4096);
  try {
    await sipReady(KAMAILIO_PORT, 'Kamailio');
    const pairs = pairsFor(IN_FLIGHT);
    const target = `127.0.0.1:${KAMAILIO_PORT}`;
    await registerSipPhones(target, pairs, work, `kamailio-${round}`);
    const run = await sipCalls({
      target,
      serverPid: kamailio.child.pid as number,
      pairs,
      calls: CALLS,
      inFlight: IN_FLIGHT,
      talkMs: TALK_MS,
      dir: work,
      label: `kamailio-sip-${round}`,
    });
    logCalls(`Kamailio SIP↔SIP, round ${round}`, run);
    return run;
  } finally {
    await kamailio.stop();
  }
}

async function openucmSccp(work: string): Promise<SccpRunResult> {
  const node = await startNode(path.join(work, 'data-sccp'));
  try {
    for (let i = 0; i < SCCP_PAIRS; i++)
      for (const role of ['caller', 'callee'] as const) {
        const d = sccpPairDevice(i, role);
        await api('POST', '/phones', {
          name: d.name,
          model: '7960',
          protocol: 'SCCP',
          description: 'bench:calls',
          lines: [{ index: 1, dn: d.dn }],
        });
      }
    await dialPlanReady([]);
    const r = await runSccpCalls(SCCP_PAIRS, SCCP_CALLS, PORTS.sccp);
    log(
      `openucm SCCP↔SCCP: ${r.successful} calls ok, ${r.failed} failed in ${r.seconds.toFixed(2)} s = ${Math.round(r.rate)} calls/s (${SCCP_PAIRS} pairs)`,
    );
    for (const e of r.errors) log(`  ${e}`);
    return r;
  } finally {
    await node.stop();
  }
}

interface HeldResult {
  requested: number;
  established: number;
  activeCallsApi: number;
  failedCalls: number;
  idleRssMb: number;
  idlePssMb: number;
  heldRssMb: number;
  heldPssMb: number;
  rssBytesPerCall: number;
  pssBytesPerCall: number;
  setupSeconds: number;
}

/** C SIP calls set up and held at once; the node's memory before and with them. */
async function openucmHeld(work: string): Promise<HeldResult> {
  const node = await startNode(path.join(work, 'data-held'), [
    '--sip-max-call-dialogs',
    String(Math.max(20_000, 2 * CONCURRENT + 1000)),
    '--call-max-active',
    String(Math.max(20_000, CONCURRENT + 1000)),
  ]);
  const pairs = pairsFor(CONCURRENT);
  try {
    await addSipDevices(pairs);
    const target = `127.0.0.1:${PORTS.sip}`;
    await registerSipPhones(target, pairs, work, 'held');
    await sleep(2000);
    const idle = treeMemory(node.pid);
    let result: HeldResult | undefined;
    const start = Date.now();
    await sipCalls({
      target,
      serverPid: node.pid,
      pairs,
      calls: CONCURRENT,
      inFlight: CONCURRENT,
      rate: Number(values['concurrent-rate']),
      talkMs: 3_600_000,
      dir: work,
      label: 'held',
      whileRunning: async () => {
        const deadline = Date.now() + 120_000 + ((CONCURRENT * 1000) / Number(values['concurrent-rate'])) * 2;
        let connected: number;
        for (;;) {
          await sleep(1000);
          connected = await metric('openucm_calls_connected_total');
          const active = await metric('openucm_active_calls');
          const failed = await metric('openucm_calls_failed_total');
          if (connected >= CONCURRENT && active >= CONCURRENT) break;
          if (failed > 0 || Date.now() > deadline) {
            log(`held calls: ${connected} connected, ${active} active, ${failed} failed — stopping`);
            break;
          }
        }
        const setupSeconds = (Date.now() - start) / 1000;
        await sleep(3000);
        const held = treeMemory(node.pid);
        const list = (await api('GET', '/active-calls?limit=1')) as { total: number };
        const established = await metric('openucm_active_calls');
        result = {
          requested: CONCURRENT,
          established: Math.min(established, connected),
          activeCallsApi: list.total,
          failedCalls: await metric('openucm_calls_failed_total'),
          idleRssMb: Math.round(idle.rssMb),
          idlePssMb: Math.round(idle.pssMb),
          heldRssMb: Math.round(held.rssMb),
          heldPssMb: Math.round(held.pssMb),
          rssBytesPerCall: Math.round(((held.rssMb - idle.rssMb) * 1024 * 1024) / CONCURRENT),
          pssBytesPerCall: Math.round(((held.pssMb - idle.pssMb) * 1024 * 1024) / CONCURRENT),
          setupSeconds,
        };
        log(
          `held: ${result.established}/${CONCURRENT} calls established (Active Calls API ${list.total}); RSS ${result.idleRssMb} → ${result.heldRssMb} MB, ` +
            `PSS ${result.idlePssMb} → ${result.heldPssMb} MB = ${result.pssBytesPerCall} bytes (PSS) per call`,
        );
      },
    });
    if (result === undefined) throw new Error('the held calls were not measured');
    return result;
  } finally {
    await node.stop();
  }
}

/** The round whose rate is the median (the upper one of an even count). */
function medianRound<T extends CallRun>(rounds: T[]): T {
  return [...rounds].sort((a, b) => a.uac.rate - b.uac.rate)[Math.floor(rounds.length / 2)];
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-bench-calls-'));
  if (!values['from-source']) {
    log('building openucm (tsc -p tsconfig.build.json) into bench/results/calls-build/');
    buildOpenucm({ root: ROOT, outDir: BUILD });
  }
  log(
    `${CALLS} SIP calls × ${ROUNDS} round(s), ${IN_FLIGHT} in flight, ${TALK_MS} ms talk; ${SCCP_CALLS} SCCP calls over ${SCCP_PAIRS} pairs; ${CONCURRENT} held; load ${loadAtStart}`,
  );
  const sipRounds: Array<CallRun & { cdrs: number }> = [];
  const kamailioRounds: CallRun[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    sipRounds.push(await openucmSip(work, round));
    if (!values['no-kamailio']) kamailioRounds.push(await kamailioSip(work, round));
  }
  const sip = medianRound(sipRounds);
  const kamailio = kamailioRounds.length > 0 ? medianRound(kamailioRounds) : undefined;
  const sccp = values['no-sccp'] ? undefined : await openucmSccp(work);
  const held = CONCURRENT > 0 ? await openucmHeld(work) : undefined;
  const failedCalls =
    [...sipRounds, ...kamailioRounds].reduce((n, r) => n + r.uac.failed + r.uac.warnings, 0) +
    (sccp?.failed ?? 0);
  // SIPp's error logs (-trace_err) and statistics stay for a look when calls failed.
  if (failedCalls === 0 && !values.keep) fs.rmSync(work, { recursive: true, force: true });
  else if (failedCalls > 0)
    log(`${failedCalls} calls failed in all: SIPp's error logs and statistics are kept in ${work}`);
  else log(`SIPp's statistics and logs are kept in ${work}`);

  const failedOf = (rs: CallRun[]) => {
    const failed = rs.reduce((n, r) => n + r.uac.failed, 0);
    const all = rs.reduce((n, r) => n + r.uac.failed + r.uac.successful, 0);
    return `${failed} of ${all} (${((100 * failed) / Math.max(1, all)).toFixed(3)} %)`;
  };
  const o = Math.round(sip.uac.rate);
  const k = kamailio ? Math.round(kamailio.uac.rate) : undefined;
  const perCall = (r: CallRun) => Math.round((r.serverCpuSeconds * 1e6) / Math.max(1, r.uac.successful));
  const table = [
    '| measure | openucm | Kamailio | openucm ÷ Kamailio |',
    '|---|---:|---:|---:|',
    `| SIP↔SIP calls/s (INVITE, 180, 200, ACK, BYE; ${CALLS} calls, ${IN_FLIGHT} in flight) | ${o} | ${k ?? '—'} | ${k ? (o / k).toFixed(2) : '—'} |`,
    `| failed SIP calls (all rounds) | ${failedOf(sipRounds)} | ${kamailio ? failedOf(kamailioRounds) : '—'} | |`,
    `| server CPU per SIP call (µs, all threads and processes) | ${perCall(sip)} | ${kamailio ? perCall(kamailio) : '—'} | |`,
    `| SIPp retransmissions (uac + uas; each one a message lost or answered late) | ${sip.uac.retransmissions + sip.uas.retransmissions} | ${kamailio ? kamailio.uac.retransmissions + kamailio.uas.retransmissions : '—'} | |`,
    sccp
      ? `| SCCP↔SCCP calls/s (${SCCP_PAIRS} pairs of sim 7960s, dial, answer, hang up; ${sccp.successful + sccp.failed} calls) | ${Math.round(sccp.rate)} (${sccp.failed} failed) | — | |`
      : '',
    held
      ? `| SIP calls held at once (${held.requested} set up) | ${held.established} established; ${held.pssBytesPerCall} bytes PSS per call (${held.idlePssMb} → ${held.heldPssMb} MB) | — | |`
      : '',
  ]
    .filter((l) => l !== '')
    .join('\n');
  const rates = (rs: CallRun[]) => rs.map((r) => Math.round(r.uac.rate)).join(', ');
  const notes = [
    `SIP calls/s per round — openucm: ${rates(sipRounds)}` +
      (kamailio ? `; Kamailio: ${rates(kamailioRounds)}` : '') +
      `; the table gives the median round (of ${ROUNDS})`,
    `openucm: B2BUA, two dialogs per call, ${sip.cdrs} CDRs stored (SQLite, synchronous FULL); --call-max-per-device ${CALL_MAX_PER_DEVICE}, ` +
      `the calls spread over ${pairsFor(IN_FLIGHT).length} caller/callee device pairs (at most ${PER_DEVICE} calls each in flight)`,
    kamailio
      ? `Kamailio: stateful proxy (tm, record-route, registrar + usrloc in memory, 2 UDP children, 4 MB receive buffer), the same SIPp pair and devices; ${kamailio.uac.failed} failed`
      : '',
    held
      ? `held calls: ${pairsFor(CONCURRENT).length} device pairs, set up at ${values['concurrent-rate']}/s in ${held.setupSeconds.toFixed(0)} s; RSS ${held.idleRssMb} → ${held.heldRssMb} MB (${held.rssBytesPerCall} bytes per call); Active Calls API total ${held.activeCallsApi}; failed calls ${held.failedCalls}`
      : '',
    `load average (1/5/15 min) at the start: ${loadAtStart}; at the end: ${loadAverage()}`,
  ]
    .filter((l) => l !== '')
    .join('\n');
  const report = {
    date: new Date().toISOString(),
    command: `npm run bench:calls -- ${process.argv.slice(2).join(' ')}`.trim(),
    calls: CALLS,
    inFlight: IN_FLIGHT,
    talkMs: TALK_MS,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    kamailioVersion: kamailio
      ? execFileSync('kamailio', ['-v'], { encoding: 'utf8' }).split('\n')[0]
      : undefined,
    rounds: ROUNDS,
    openucm: { sip: sipRounds, sccp, held },
    kamailio: kamailioRounds,
    table,
    notes,
  };
  const written = writeBenchReport({
    dir: RESULTS,
    name: 'calls',
    report,
    table,
    notes,
    json: Boolean(values.json),
  });
  log(`report written to ${written}`);
  if (held && held.established < held.requested) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:calls failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
