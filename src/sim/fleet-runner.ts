/**
 * Runs N simulated phones: in this process when they fit, otherwise split over worker
 * processes (each bounded by the file-descriptor limit, each with its own loopback source
 * addresses so that no address runs short of ephemeral ports).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { sccpLimits } from '../limits/sccp.js';
import { entryScript } from '../runtime/entry-script.js';
import { CALLING_PHONES_PER_PROCESS } from './fleet-calls.js';
import { Fleet, addStats, emptyStats } from './fleet.js';
import type { FleetSpec, FleetStats } from './fleet.js';
import type { ParentToWorker, WorkerToParent } from './fleet-worker.js';

export interface FleetRun {
  /** Stats summed over every process, as of the last report (≤ statsIntervalMs old). */
  stats(): FleetStats;
  /** Places no more calls (--calls-per-second); the calls under way go on to their end. */
  stopCalls(): void;
  /** Powers every phone off and ends the worker processes. */
  stop(): Promise<FleetStats>;
  /** Worker processes used (0: in this process). */
  processes: number;
  /** The in-process fleet when no worker is used. */
  fleet: Fleet | null;
}

export interface RunOptions {
  /** Phones per process at most (default 12,000: a socket each under a 20,000 fd limit, with room to spare). */
  perProcess?: number;
  /** Force worker processes even for a small run. */
  processes?: number;
  statsIntervalMs?: number;
  /**
   * Scheduling niceness of the worker processes (0..19). On a machine shared with the call
   * manager under test, a positive value keeps the load generator from taking CPU the node needs.
   */
  niceness?: number;
}

export const DEFAULT_PHONES_PER_PROCESS = 12_000;

/**
 * Most phones on one source address: half of what a node accepts from one address by default
 * (--sccp-max-connections-per-address 1000), so that phones reconnecting while their old
 * connection is still counted are not refused. (Far below where an address runs short of ports:
 * a bind to port 0 takes an even port first, so near ~14,000 bound sockets every further bind
 * scans the range in the kernel, on the event loop's thread.)
 */
export const PHONES_PER_SOURCE_ADDRESS = sccpLimits.sccpMaxConnectionsPerAddress.default / 2;

/** How many of `count` phones one source address carries, with `localAddresses` (none: automatic) towards `server`. */
export function phonesPerSourceAddress(count: number, localAddresses: string[], server: string): number {
  if (localAddresses.length > 0) return Math.ceil(count / localAddresses.length);
  return isLoopback(server) ? Math.min(count, PHONES_PER_SOURCE_ADDRESS) : count;
}

/** Loopback source addresses of worker `worker` for `phones` phones: 127.1.<worker+1>.1, .2, … */
export function loopbackSources(worker: number, phones: number): string[] {
  const count = Math.min(254, Math.max(1, Math.ceil(phones / PHONES_PER_SOURCE_ADDRESS)));
  return Array.from({ length: count }, (_, j) => `127.1.${worker + 1}.${j + 1}`);
}

function isLoopback(host: string): boolean {
  return net.isIPv4(host) && host.startsWith('127.');
}

/**
 * Why `processes` worker processes (0: this one) cannot hold `count` phones that call each other,
 * or null when they can: each phone in a call holds an RTP port beside its connection.
 */
export function callCapacityProblem(count: number, processes: number): string | null {
  const perProcess = Math.ceil(count / Math.max(1, processes));
  if (perProcess <= CALLING_PHONES_PER_PROCESS) return null;
  const needed = Math.ceil(count / CALLING_PHONES_PER_PROCESS);
  return (
    `${perProcess} calling phones in one process: each phone in a call holds an RTP port beside its ` +
    `connection, so a process holds at most ${CALLING_PHONES_PER_PROCESS.toLocaleString('en-US')} (${(CALLING_PHONES_PER_PROCESS / 2).toLocaleString('en-US')} calls at once) ` +
    `under its 20,000 open files; give --processes ${needed} or more (or fewer phones with --count)`
  );
}

export function runFleet(spec: Omit<FleetSpec, 'offset'>, options: RunOptions = {}): FleetRun {
  const perProcess =
    options.perProcess ?? (spec.calls ? CALLING_PHONES_PER_PROCESS : DEFAULT_PHONES_PER_PROCESS);
  const processes = options.processes ?? (spec.count > perProcess ? Math.ceil(spec.count / perProcess) : 0);
  const server = spec.tftp?.host ?? spec.direct?.host ?? '';
  const autoSources = spec.localAddresses.length === 0 && isLoopback(server);
  if (processes === 0) {
    // More phones than one address may hold: spread them, as the workers do.
    const spread = autoSources && spec.count > PHONES_PER_SOURCE_ADDRESS;
    const localAddresses = spread ? loopbackSources(0, spec.count) : spec.localAddresses;
    const fleet = new Fleet({ ...spec, offset: 0, localAddresses });
    fleet.start();
    return {
      stats: () => fleet.stats(),
      stopCalls: () => fleet.stopCalls(),
      stop: async () => {
        const stats = fleet.stats(true);
        fleet.stop();
        return stats;
      },
      processes: 0,
      fleet,
    };
  }
  const { path, execArgv } = entryScript(import.meta.url, 'fleet-worker');
  const statsIntervalMs = options.statsIntervalMs ?? 500;
  const latest: FleetStats[] = [];
  const children: ChildProcess[] = [];
  const done: Promise<void>[] = [];
  let offset = 0;
  for (let i = 0; i < processes; i++) {
    const count = Math.floor(spec.count / processes) + (i < spec.count % processes ? 1 : 0);
    const child = fork(path, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    if (options.niceness && child.pid !== undefined) os.setPriority(child.pid, options.niceness);
    latest.push(emptyStats(count));
    const index = i;
    child.on('message', (m: WorkerToParent) => {
      latest[index] = m.stats;
    });
    done.push(new Promise((resolve) => child.once('exit', () => resolve())));
    const localAddresses = autoSources ? loopbackSources(i, count) : spec.localAddresses;
    const message: ParentToWorker = {
      type: 'start',
      spec: {
        ...spec,
        offset,
        count,
        rate: spec.rate / processes,
        localAddresses,
        // Each worker its share of the calls (pairs are inside one worker).
        calls: spec.calls && { ...spec.calls, callsPerSecond: spec.calls.callsPerSecond / processes },
      },
      statsIntervalMs,
    };
    child.send(message);
    children.push(child);
    offset += count;
  }
  const stats = () => latest.reduce((sum, s) => addStats(sum, s), emptyStats());
  return {
    stats,
    processes,
    fleet: null,
    stopCalls: () => {
      for (const c of children) if (c.connected) c.send({ type: 'stop-calls' } satisfies ParentToWorker);
    },
    stop: async () => {
      for (const c of children) if (c.connected) c.send({ type: 'stop' } satisfies ParentToWorker);
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
      await Promise.race([Promise.all(done), timeout]);
      for (const c of children) if (c.exitCode === null) c.kill();
      return stats();
    },
  };
}
