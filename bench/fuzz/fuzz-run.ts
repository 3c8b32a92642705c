/**
 * One fuzzing run: a node (started here through the CLI, or one already running), the fixture and
 * the two bystander phones, then every target fuzzed at once in batches with a liveness probe after
 * each batch, until the inputs are sent or something fails: the node exits, a probe goes
 * unanswered, or a bystander loses its registration. Errors that no handler caught (the process
 * guard's log line) are collected as findings and narrowed down to reproducers at the end.
 */
import { Bystanders } from './bystanders.js';
import type { DeliveryStats, Driver } from './delivery.js';
import { excludedClass } from './known-crashes.js';
import type { Finding } from './findings.js';
import { saveFinding, signatureOf } from './findings.js';
import { CrashWatch } from './crash-watch.js';
import type { FuzzFixture } from './fuzz-fixture.js';
import { prepareNode } from './fuzz-fixture.js';
import { api, bearer, readMetrics } from './node-api.js';
import type { NodePorts, NodeUnderTest } from './node-under-test.js';
import { connectToNode, startNodeProcess } from './node-under-test.js';
import { PROBES } from './probes.js';
import { Random } from './random.js';
import { reduce } from './reduce.js';
import type { Target, TargetName } from './targets.js';
import { createTarget } from './targets.js';

export interface FuzzOptions {
  targets: TargetName[];
  /** Inputs in all, shared out evenly among the targets. */
  count: number;
  seed: number;
  /** A node already running (else the run starts its own). */
  node?: { url: string; ports: Partial<NodePorts>; password: string };
  /** Inputs per batch of a target; a liveness probe follows each batch (default 1000). */
  batchInputs?: number;
  /** SCCP keepalive interval of the node the run starts, s (default 5: a stalled node loses the bystander in 15 s). */
  keepaliveSeconds?: number;
  /** How long a liveness probe may wait for its answer (default 15 s). */
  probeDeadlineMs?: number;
  /**
   * How long the node rests after the last input before its memory and open files are read
   * (default 20 s: TFTP transfers and SIP transactions in flight end by then), so that "after"
   * tells what stays, not what was still in use.
   */
  settleSeconds?: number;
  /** Names of known crash classes (known-crashes.ts) whose inputs are not sent. */
  exclude?: string[];
  /** Narrow each crash down to a reproducer and save it there (default: none). */
  findingsDir?: string;
  /** Narrow down the error-level lines the node logged (handled errors, e.g. HTTP 500s) as well. */
  reduceLoggedErrors?: boolean;
  /** Progress and findings as they happen. */
  log?: (line: string) => void;
  /** Stops the run early (Ctrl-C): the batches in flight finish, the node is stopped. */
  signal?: AbortSignal;
}

export interface TargetReport {
  target: TargetName;
  inputs: number;
  /** Inputs left out because they belong to an excluded crash class. */
  excluded: number;
  answers: number;
  /** SIP and HTTP answers by status code. */
  statuses: Record<string, number>;
  followUps: number;
  connectFailures: number;
  probes: number;
  /** Cases that drew a 500 answer (the first few). */
  serverErrorCases: Buffer[][];
}

export interface FuzzReport {
  /** True when the node served throughout: no exit, no hang, no bystander lost, no uncaught error. */
  ok: boolean;
  /** Why the run stopped early, if it did. */
  failure: string | null;
  seed: number;
  targets: TargetReport[];
  inputs: number;
  seconds: number;
  inputsPerSecond: number;
  nodeExit: { code: number | null; signal: string | null } | null;
  /** openucm_unexpected_errors_total at the end (errors the process guard caught). */
  unexpectedErrors: number;
  findings: Finding[];
  bystanders: {
    lost: string | null;
    sccpKeepaliveAcks: number;
    sipRefreshes: number;
    /** Their status in the API at the end (`registered` expected). */
    status: Record<string, string>;
  };
  memory: {
    rssMbBefore: number | null;
    rssMbAfter: number | null;
    openFilesBefore: number | null;
    openFilesAfter: number | null;
    /** The data directory (SQLite database and WAL), MB: refusals that become rows show here. */
    dataMbBefore: number | null;
    dataMbAfter: number | null;
  };
  /** The longest the node's event loop was blocked, seen in /metrics every progress interval, s. */
  eventLoopLagMaxSeconds: number;
  /** Error-level lines other than the process guard's, by signature (reduced when asked). */
  loggedErrors: Finding[];
  /** The node's last log lines, when it exited. */
  nodeTail: string[];
}

const OPERATOR_ADDRESS = '127.0.0.1';
/** Fuzzed traffic comes from these loopback addresses, not the operator's. */
const ATTACKER_ADDRESSES = [
  '127.0.0.2',
  '127.0.0.3',
  '127.0.0.4',
  '127.0.0.5',
  '127.0.0.6',
  '127.0.0.7',
  '127.0.0.8',
  '127.0.0.9',
];
const PROGRESS_EVERY_MS = 10_000;
const PROBE_ATTEMPTS = 3;

function loopbackV4(host: string): boolean {
  return /^127\./.test(host);
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => undefined);
  const batchInputs = options.batchInputs ?? 1000;
  const probeDeadlineMs = options.probeDeadlineMs ?? 15_000;
  const node: NodeUnderTest = options.node
    ? await connectToNode(options.node.url, options.node.ports, options.node.password)
    : await startNodeProcess({ keepaliveSeconds: options.keepaliveSeconds ?? 5 });
  log(`node: ${node.pid ? `pid ${node.pid}, ` : ''}${node.host} ${JSON.stringify(node.ports)}`);
  let bystanders: Bystanders | null = null;
  try {
    const fixture = await prepareNode(node);
    const local = loopbackV4(node.host);
    bystanders = await Bystanders.start(node, fixture.bystanders, local ? OPERATOR_ADDRESS : undefined);
    const { sccpName, sipMac } = fixture.bystanders;
    log(`bystanders registered: ${sccpName} (SCCP), SEP${sipMac.toUpperCase()} (SIP)`);
    return await fuzz(node, fixture, bystanders, local, options, log, batchInputs, probeDeadlineMs);
  } finally {
    await bystanders?.stop().catch(() => undefined);
    await node.stop();
  }
}

async function fuzz(
  node: NodeUnderTest,
  fixture: FuzzFixture,
  bystanders: Bystanders,
  local: boolean,
  options: FuzzOptions,
  log: (line: string) => void,
  batchInputs: number,
  probeDeadlineMs: number,
): Promise<FuzzReport> {
  const env = { node, fixture, attackerAddresses: local ? ATTACKER_ADDRESSES : [undefined] };
  const targets = new Map<TargetName, Target>(options.targets.map((name) => [name, createTarget(name, env)]));
  /**
   * The liveness probe of a target, tried up to PROBE_ATTEMPTS times: under the flood of the other
   * targets one answer may come late; a node that misses them all has stopped serving that door.
   * Resolves with how long the answer took.
   */
  const probe = async (name: TargetName): Promise<number> => {
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      try {
        await PROBES[name]({ node, fixture, deadlineMs: probeDeadlineMs });
        return Date.now() - started;
      } catch (error) {
        if (attempt === PROBE_ATTEMPTS || node.exit) throw error;
        log(
          `${name}: probe ${attempt} of ${PROBE_ATTEMPTS} failed (${(error as Error).message}), trying again`,
        );
      }
    }
  };
  const startMetrics = await readMetrics(node, fixture.readOnlyKey);
  const memoryBefore = {
    rss: node.rssMb() ?? startMetrics.residentMb,
    files: node.openFiles() ?? startMetrics.openFiles,
    data: node.dataMb(),
  };

  let failure: string | null = null;
  const fail = (why: string) => {
    if (!failure) {
      failure = why;
      log(`FAILED: ${why}`);
    }
  };
  bystanders.onLost = (reason) => fail(`a bystander lost its registration: ${reason}`);
  const onAbort = () => fail('interrupted');
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const watch = new CrashWatch(log);
  node.onError = (e) => watch.logged(e);
  let remoteUnexpected = startMetrics.unexpectedErrors;
  /** A node the fuzzer did not start has no log here: its counter tells of uncaught errors. */
  const checkRemote = async () => {
    if (node.pid) return;
    const now = (await readMetrics(node, fixture.readOnlyKey)).unexpectedErrors;
    for (; remoteUnexpected < now; remoteUnexpected++)
      watch.crashed(
        'uncaught error on the remote node (see its log)',
        'openucm_unexpected_errors_total increased',
      );
  };

  const started = Date.now();
  const stats = new Map<TargetName, { driver: Driver; excluded: number; probes: number; sent: number }>();
  const quota = (i: number) =>
    Math.floor(options.count / options.targets.length) + (i < options.count % options.targets.length ? 1 : 0);
  const excluded = new Set(options.exclude ?? []);

  const runTarget = async (name: TargetName, index: number) => {
    const target = targets.get(name)!;
    const rand = new Random(options.seed, name);
    const driver = target.driver(new Random(options.seed, `${name}/replies`));
    const entry = { driver, excluded: 0, probes: 0, sent: 0 };
    stats.set(name, entry);
    await driver.open();
    const limit = quota(index);
    try {
      while (entry.sent < limit && !failure) {
        const batch: Buffer[][] = [];
        let size = 0;
        while (size < batchInputs && entry.sent + size < limit) {
          const inputs = target.nextCase(rand).slice(0, limit - entry.sent - size);
          const kept = excluded.size > 0 ? inputs.filter((i) => !excludedClass(name, i, excluded)) : inputs;
          entry.excluded += inputs.length - kept.length;
          if (kept.length === 0) continue;
          batch.push(kept);
          size += kept.length;
        }
        watch.sending(name, batch);
        await driver.deliver(batch);
        entry.sent += size;
        if (node.exit) {
          fail(`the node exited (${JSON.stringify(node.exit)}) during a ${name} batch`);
          break;
        }
        try {
          // Awaited apart: `driver.pace?.(await probe(name))` would skip the probe of a driver without pace.
          const answeredInMs = await probe(name);
          driver.pace?.(answeredInMs);
          entry.probes++;
        } catch (error) {
          fail(`the node stopped answering on ${name}: ${(error as Error).message}`);
          break;
        }
        await checkRemote();
      }
    } finally {
      await driver.close();
    }
  };

  let lagMax = 0;
  const progress = setInterval(async () => {
    const lag = await readMetrics(node, fixture.readOnlyKey)
      .then((m) => m.eventLoopLagMaxSeconds)
      .catch(() => NaN);
    if (lag > lagMax) lagMax = lag;
    const elapsed = (Date.now() - started) / 1000;
    const parts = [...stats].map(([n, s]) => `${n} ${s.sent}`);
    const total = [...stats.values()].reduce((a, s) => a + s.sent, 0);
    const rss = node.rssMb();
    log(
      `[${elapsed.toFixed(0)} s] ${parts.join(', ')} | ${total} inputs, ${Math.round(total / elapsed)}/s` +
        `${rss !== null ? `, node RSS ${rss.toFixed(0)} MB` : ''}, event loop blocked up to ${(lag * 1000).toFixed(0)} ms, uncaught errors ${watch.crashCount}`,
    );
  }, PROGRESS_EVERY_MS);
  try {
    await Promise.all(options.targets.map((name, i) => runTarget(name, i)));
  } finally {
    clearInterval(progress);
    options.signal?.removeEventListener('abort', onAbort);
  }
  const seconds = (Date.now() - started) / 1000;

  // The end: every door answers once more, the bystanders are still registered, the node's own count.
  if (!node.exit) {
    for (const name of options.targets) {
      try {
        await probe(name);
      } catch (error) {
        fail(`the node stopped answering on ${name} after the run: ${(error as Error).message}`);
      }
    }
  } else fail(`the node exited (${JSON.stringify(node.exit)})`);
  const status: Record<string, string> = {};
  if (!node.exit) {
    for (const name of [fixture.bystanders.sccpName, `SEP${fixture.bystanders.sipMac.toUpperCase()}`]) {
      const answer = await api(node, 'GET', `/api/v1/phones/${name}`, bearer(fixture.readOnlyKey)).catch(
        () => null,
      );
      status[name] =
        answer?.status === 200
          ? (JSON.parse(answer.text) as { status: string }).status
          : `HTTP ${answer?.status ?? 'none'}`;
      if (status[name] !== 'registered')
        fail(`the bystander ${name} reads as ${status[name]} in the API after the run`);
    }
  }
  if (!node.exit && !failure) await new Promise((r) => setTimeout(r, (options.settleSeconds ?? 20) * 1000));
  const endMetrics = node.exit ? null : await readMetrics(node, fixture.readOnlyKey).catch(() => null);
  if (endMetrics && endMetrics.eventLoopLagMaxSeconds > lagMax) lagMax = endMetrics.eventLoopLagMaxSeconds;
  await checkRemote().catch(() => undefined);
  const memoryAfter = {
    rss: node.rssMb() ?? endMetrics?.residentMb ?? null,
    files: node.openFiles() ?? endMetrics?.openFiles ?? null,
    data: node.dataMb(),
  };
  const unexpectedErrors = endMetrics ? endMetrics.unexpectedErrors : watch.crashCount;

  // Narrow each crash down to the inputs that cause it, while the node is still up (the replays
  // add to the node's counts, not to the run's).
  const runFindings = [...watch.crashes.values()].map((f) => ({ ...f }));
  const loggedErrors = [...watch.errors.values()].map((f) => ({ ...f })).sort((a, b) => b.count - a.count);
  const toReduce = [
    ...runFindings.slice(0, 5),
    ...(options.reduceLoggedErrors && node.pid ? loggedErrors.slice(0, 5) : []),
  ];
  if (options.findingsDir && !node.exit) {
    for (const finding of toReduce) {
      log(`reducing: ${finding.signature}`);
      await reduce(finding, {
        targets,
        rand: new Random(options.seed, 'reduce'),
        occurrences: async () =>
          node.pid
            ? node.errors.filter((e) => signatureOf(e) === finding.signature).length
            : (await readMetrics(node, fixture.readOnlyKey)).unexpectedErrors,
        settle: async (name) => void (await probe(name)),
      });
      finding.file = saveFinding(options.findingsDir, finding, options.seed);
      log(
        `  saved ${finding.file}${finding.reproducer ? ` (${finding.reproducer.target})` : ' (not reproduced on its own)'}`,
      );
    }
  }

  const targetReports: TargetReport[] = options.targets.map((name) => {
    const s = stats.get(name);
    const d: DeliveryStats | undefined = s?.driver.stats;
    return {
      target: name,
      inputs: s?.sent ?? 0,
      excluded: s?.excluded ?? 0,
      answers: d?.answers ?? 0,
      statuses: Object.fromEntries([...(d?.statuses ?? new Map<number, number>())].sort(([a], [b]) => a - b)),
      followUps: d?.followUps ?? 0,
      connectFailures: d?.connectFailures ?? 0,
      probes: s?.probes ?? 0,
      serverErrorCases: d?.serverErrorCases ?? [],
    };
  });
  const inputs = targetReports.reduce((a, t) => a + t.inputs, 0);
  if (unexpectedErrors > startMetrics.unexpectedErrors || watch.crashes.size > 0)
    fail(
      `${unexpectedErrors - startMetrics.unexpectedErrors} errors escaped every handler (the process guard caught them)`,
    );
  return {
    ok: failure === null,
    failure,
    seed: options.seed,
    targets: targetReports,
    inputs,
    seconds,
    inputsPerSecond: inputs / seconds,
    nodeExit: node.exit,
    unexpectedErrors: unexpectedErrors - startMetrics.unexpectedErrors,
    findings: runFindings,
    bystanders: {
      lost: bystanders.lost,
      sccpKeepaliveAcks: bystanders.keepaliveAcks,
      sipRefreshes: bystanders.sipRefreshes,
      status,
    },
    memory: {
      rssMbBefore: memoryBefore.rss,
      rssMbAfter: memoryAfter.rss,
      openFilesBefore: memoryBefore.files,
      openFilesAfter: memoryAfter.files,
      dataMbBefore: memoryBefore.data,
      dataMbAfter: memoryAfter.data,
    },
    eventLoopLagMaxSeconds: lagMax,
    loggedErrors,
    nodeTail: node.exit ? node.tail().slice(-40) : [],
  };
}
