/**
 * `npm run bench:sccp [-- --phones N --hold S …]`: the SCCP registration benchmark.
 *
 * 1. starts an openucm node on 127.0.0.1 with a fresh SQLite database, as a user does (SCCP
 *    workers as the node chooses them; --sccp-workers N to force N);
 * 2. widens its auto-registration range and powers on N unknown 7940s at --rate per second (the storm);
 * 3. holds them with keepalives for S seconds, sampling the node's memory;
 * 4. restarts the node and times until every phone is registered again;
 * 5. checks that no DN was given twice and which limits refused anyone, and prints the report
 *    (JSON with --json).
 *
 * Loopback only; every phase is bounded in time.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { runFleet } from '../../src/sim/fleet-runner.js';
import type { FleetRun } from '../../src/sim/fleet-runner.js';
import { basic, freeNodePorts, nodeRssMb, startNodeProcess } from './node-process.js';
import type { NodeProcess, NodeSpec } from './node-process.js';

const { values } = parseArgs({
  options: {
    phones: { type: 'string', default: '50000' },
    hold: { type: 'string', default: '300' },
    // Unset: the node's default, as a user runs it (workers as the open-file limit needs).
    'sccp-workers': { type: 'string' },
    'sim-processes': { type: 'string' },
    'keepalive-seconds': { type: 'string', default: '30' },
    // Phones powered on per second. 0 = all at once: the kernel's accept queue (somaxconn 4096)
    // overflows and dropped SYNs are retried after 1, 3, 7, 15 s, which then dominates the storm.
    rate: { type: 'string', default: '2500' },
    tftp: { type: 'boolean', default: false },
    'phase-timeout': { type: 'string', default: '600' },
    json: { type: 'boolean', default: false },
    'sim-niceness': { type: 'string', default: '10' },
  },
});

const PHONES = Number(values.phones);
const HOLD_S = Number(values.hold);
const WORKERS = values['sccp-workers'] === undefined ? undefined : Number(values['sccp-workers']);
const SIM_PROCESSES = values['sim-processes']
  ? Number(values['sim-processes'])
  : Math.max(1, Math.ceil(PHONES / 12_500));
const PHASE_TIMEOUT_MS = Number(values['phase-timeout']) * 1000;
const PASSWORD = 'bench-password-1';
const RESULTS = join(import.meta.dirname, '..', 'results');
mkdirSync(RESULTS, { recursive: true });
const spec: NodeSpec = {
  dataDir: mkdtempSync(join(tmpdir(), 'openucm-bench-sccp-')),
  ...(await freeNodePorts()),
  sccpWorkers: WORKERS,
  keepaliveSeconds: Number(values['keepalive-seconds']),
  adminPassword: PASSWORD,
  logFile: join(RESULTS, `sccp-node-${new Date().toISOString().replace(/[:.]/g, '-')}.log`),
};

function log(text: string): void {
  process.stderr.write(`[bench:sccp ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

async function api(method: string, path: string, body?: unknown): Promise<unknown> {
  const r = await fetch(`http://127.0.0.1:${spec.httpPort}/api/v1${path}`, {
    method,
    headers: { authorization: basic(PASSWORD), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

/**
 * Devices the node counts as registered on it (its /metrics gauge; the status writer is flushed
 * first); -1 while the node does not answer (restarting).
 */
async function nodeRegisteredCount(): Promise<number> {
  try {
    return await registeredOnNode();
  } catch {
    return -1;
  }
}

async function metrics(): Promise<string[]> {
  const r = await fetch(`http://127.0.0.1:${spec.httpPort}/metrics`, {
    headers: { authorization: basic(PASSWORD) },
  });
  if (!r.ok) throw new Error(`GET /metrics: ${r.status}`);
  return (await r.text()).split('\n');
}

async function registeredOnNode(): Promise<number> {
  let n = 0;
  for (const line of await metrics())
    if (line.startsWith('openucm_registered_devices{')) n += Number(line.slice(line.lastIndexOf(' ') + 1));
  return n;
}

/** Refusals at each limit since the node (re)started: none is expected while it holds what it was sized for. */
async function limitRefusals(): Promise<Record<string, number>> {
  const refusals: Record<string, number> = {};
  for (const line of await metrics()) {
    const m = /^openucm_limit_refusals_total\{limit="(\w+)"\} (\d+)/.exec(line);
    if (m) refusals[m[1]] = Number(m[2]);
  }
  return refusals;
}

/**
 * Polls until every phone is registered; returns the ms since `since`, the ms since the first
 * phone was powered on (simulator processes take a few seconds to start), the ms since then
 * until the node itself counted every phone registered (RegisterAck sent; the simulator, which
 * shares the two cores at a lower priority, counts a phone only once it has also processed the
 * rest of the startup exchange), and the peak registrations/s over one-second windows.
 */
async function untilAllRegistered(
  run: FleetRun,
  since: number,
  what: string,
): Promise<{ ms: number; fromPowerOnMs: number; nodeFromPowerOnMs: number | null; peakPerSecond: number }> {
  let peak = 0;
  let nodeDoneAt: number | null = null;
  let lastNodePoll = 0;
  let poweredOn: number | null = run.stats().started > 0 ? since : null;
  let last = { at: Date.now(), registrations: run.stats().registrations };
  let lastLog = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const s = run.stats();
    const now = Date.now();
    if (poweredOn === null && s.started > 0) poweredOn = now;
    if (nodeDoneAt === null && now - lastNodePoll >= 1000) {
      lastNodePoll = now;
      if ((await nodeRegisteredCount()) === s.total) nodeDoneAt = Date.now();
    }
    if (now - last.at >= 1000) {
      peak = Math.max(peak, ((s.registrations - last.registrations) * 1000) / (now - last.at));
      last = { at: now, registrations: s.registrations };
    }
    if (now - lastLog >= 5000) {
      lastLog = now;
      const b = s.byState;
      log(
        `${what}: registered ${b.registered}/${s.total}, rejected ${b.rejected}, failed ${b.failed}, registering ${b.registering + b.booting + b.rebooting}`,
      );
    }
    if (s.byState.registered === s.total) {
      nodeDoneAt ??= (await nodeRegisteredCount()) === s.total ? Date.now() : null;
      const start = poweredOn ?? since;
      return {
        ms: now - since,
        fromPowerOnMs: now - start,
        nodeFromPowerOnMs: nodeDoneAt === null ? null : Math.min(nodeDoneAt, now) - start,
        peakPerSecond: peak,
      };
    }
    if (now - since > PHASE_TIMEOUT_MS)
      throw new Error(`${what}: not every phone registered within ${PHASE_TIMEOUT_MS / 1000} s`);
  }
}

function duplicateDns(): { devices: number; lines: number; duplicates: number } {
  const db = new Database(join(spec.dataDir, 'openucm.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const devices = (db.prepare('SELECT COUNT(*) AS n FROM devices').get() as { n: number }).n;
    const lines = (db.prepare('SELECT COUNT(*) AS n FROM lines').get() as { n: number }).n;
    const duplicates = (
      db
        .prepare('SELECT COUNT(*) AS n FROM (SELECT dn FROM lines GROUP BY dn HAVING COUNT(*) > 1)')
        .get() as { n: number }
    ).n;
    return { devices, lines, duplicates };
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  log(
    `node: ${WORKERS ?? 'default'} SCCP worker(s), keepalive ${spec.keepaliveSeconds} s; simulator: ${PHONES} × 7940 in ${SIM_PROCESSES} process(es); hold ${HOLD_S} s`,
  );
  let node: NodeProcess = await startNodeProcess(spec);
  let run: FleetRun | null = null;
  try {
    const endingDn = String(100000 + Math.max(PHONES * 2, 1000) - 1);
    await api('PATCH', '/nodes/cm1', { autoRegistration: { enabled: true, startingDn: '100000', endingDn } });
    const idleRss = nodeRssMb(node.child.pid as number).totalMb;

    // 1. Registration storm.
    const stormStart = Date.now();
    run = runFleet(
      {
        macStart: '0A0000000000',
        count: PHONES,
        model: '7940',
        tftp: values.tftp ? { host: '127.0.0.1', port: spec.tftpPort } : null,
        direct: { host: '127.0.0.1', sccpPort: spec.sccpPort, sipPort: spec.sipPort },
        rate: Number(values.rate),
        localAddresses: [],
        timing: {
          retryMs: 1000,
          maxRetryMs: 16_000,
          reconnectJitterMs: 3000,
          connectTimeoutMs: 20_000,
          rejectedRetryMs: 10_000,
        },
      },
      // The simulator stands in for 50,000 separate phones: it must not take the node's CPU.
      { processes: SIM_PROCESSES, statsIntervalMs: 200, niceness: Number(values['sim-niceness']) },
    );
    const storm = await untilAllRegistered(run, stormStart, 'storm');
    log(
      `storm: ${PHONES} phones registered ${(storm.fromPowerOnMs / 1000).toFixed(1)} s after the first was powered on (${(storm.ms / 1000).toFixed(1)} s after launching the simulator); the node counted all of them registered at ${storm.nodeFromPowerOnMs === null ? '?' : (storm.nodeFromPowerOnMs / 1000).toFixed(1)} s`,
    );

    // 2. Hold with keepalives.
    const holdStart = Date.now();
    const acksBefore = run.stats().keepaliveAcks;
    let peakRss = 0;
    let rssDetail = nodeRssMb(node.child.pid as number);
    while (Date.now() - holdStart < HOLD_S * 1000) {
      await new Promise((r) => setTimeout(r, Math.min(5000, HOLD_S * 1000)));
      const rss = nodeRssMb(node.child.pid as number);
      if (rss.totalMb > peakRss) {
        peakRss = rss.totalMb;
        rssDetail = rss;
      }
      const s = run.stats();
      if (s.byState.registered < s.total) log(`hold: only ${s.byState.registered}/${s.total} registered`);
    }
    const holdStats = run.stats();
    const keepalivesPerSecond = ((holdStats.keepaliveAcks - acksBefore) * 1000) / (Date.now() - holdStart);
    const registeredThroughHold = holdStats.byState.registered;
    log(
      `hold: node RSS peak ${peakRss.toFixed(0)} MB, ${keepalivesPerSecond.toFixed(0)} keepalives/s acknowledged`,
    );

    const refusalsBeforeRestart = await limitRefusals();

    // 3. Restart the node; every phone comes back.
    const restartStart = Date.now();
    await node.stop();
    const stoppedMs = Date.now() - restartStart;
    node = await startNodeProcess(spec);
    const upMs = Date.now() - restartStart;
    const back = await untilAllRegistered(run, restartStart, 'after restart');
    log(
      `restart: stopped in ${(stoppedMs / 1000).toFixed(1)} s, listening again at ${(upMs / 1000).toFixed(1)} s, all registered at ${(back.ms / 1000).toFixed(1)} s`,
    );

    const refusalsAfterRestart = await limitRefusals();
    const dns = duplicateDns();
    const report = {
      date: new Date().toISOString(),
      command: `npm run bench:sccp -- ${process.argv.slice(2).join(' ')}`.trim(),
      phones: PHONES,
      sccpWorkers: WORKERS ?? 'default',
      sccpWorkerProcesses: nodeRssMb(node.child.pid as number).processes.length - 1,
      simulatorProcesses: SIM_PROCESSES,
      keepaliveSeconds: spec.keepaliveSeconds,
      powerOnRatePerSecond: Number(values.rate),
      simulatorNiceness: Number(values['sim-niceness']),
      tftpBoot: values.tftp,
      stormSeconds: storm.fromPowerOnMs / 1000,
      stormSecondsIncludingSimulatorStart: storm.ms / 1000,
      stormSecondsNodeSide: storm.nodeFromPowerOnMs === null ? null : storm.nodeFromPowerOnMs / 1000,
      stormRegistrationsPerSecond: PHONES / (storm.fromPowerOnMs / 1000),
      stormPeakRegistrationsPerSecond: storm.peakPerSecond,
      nodeRssIdleMb: Math.round(idleRss),
      nodeRssPeakMb: Math.round(peakRss),
      nodeRssProcesses: rssDetail.processes.map((p) => Math.round(p.mb)),
      holdSeconds: HOLD_S,
      registeredThroughHold,
      keepalivesPerSecond: Math.round(keepalivesPerSecond),
      restartStopSeconds: stoppedMs / 1000,
      restartListeningSeconds: upMs / 1000,
      reregistrationSeconds: back.ms / 1000,
      reregistrationAfterListeningSeconds: (back.ms - upMs) / 1000,
      limitRefusalsStormAndHold: refusalsBeforeRestart,
      limitRefusalsAfterRestart: refusalsAfterRestart,
      nodeLog: spec.logFile,
      devices: dns.devices,
      lines: dns.lines,
      duplicateDns: dns.duplicates,
    };
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await run?.stop();
    await node.stop();
    rmSync(spec.dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  log(`failed: ${(error as Error).message}`);
  process.exitCode = 1;
});
