/**
 * bench:sip-transports' load generator processes (transport-client.ts, forked with tsx): K of them
 * share the phones and the requests in flight; a command goes to all and is done when all answered.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ClientCommand, ClientReport, ClientSetup, Transport } from './transport-client.js';

export interface PoolResult {
  ok: number;
  failed: number;
  reasons: string[];
  retransmissions: number;
  /** From sending the command to the last process's answer. */
  seconds: number;
  /** CPU seconds of all generator processes for the command. */
  clientCpuSeconds: number;
}

export class ClientPool {
  private constructor(
    private readonly children: ChildProcess[],
    private readonly shares: number[],
  ) {}

  /** Forks `processes` generators for phones `first … first + count - 1` over `transport`. */
  static async start(options: {
    processes: number;
    transport: Transport;
    host: string;
    port: number;
    first: number;
    count: number;
    runTag: string;
    ca?: string;
  }): Promise<ClientPool> {
    const per = Math.ceil(options.count / options.processes);
    const children: ChildProcess[] = [];
    const shares: number[] = [];
    for (let k = 0; k < options.processes; k++) {
      const count = Math.min(per, options.count - k * per);
      if (count <= 0) break;
      const setup: ClientSetup = {
        transport: options.transport,
        host: options.host,
        port: options.port,
        first: options.first + k * per,
        count,
        runTag: options.runTag,
        ca: options.ca,
      };
      const child = fork(path.join(import.meta.dirname, 'transport-client.ts'), [JSON.stringify(setup)], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      shares.push(count);
    }
    const pool = new ClientPool(children, shares);
    await Promise.all(children.map((c) => pool.next(c)));
    return pool;
  }

  private next(child: ChildProcess): Promise<ClientReport> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`a load generator process exited (code ${code}) before it answered`));
      child.once('exit', onExit);
      child.once('message', (report: ClientReport) => {
        child.off('exit', onExit);
        resolve(report);
      });
    });
  }

  /**
   * Sends a command to every process: `make(k, share, of)` gives process k's command (its share
   * of the lanes and connections). Resolves with the sums once all have answered.
   */
  async run(make: (k: number, share: number, total: number) => ClientCommand): Promise<PoolResult> {
    const total = this.shares.reduce((a, b) => a + b, 0);
    const t0 = performance.now();
    const reports = await Promise.all(
      this.children.map((child, k) => {
        const answer = this.next(child);
        child.send(make(k, this.shares[k], total));
        return answer;
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    return {
      ok: reports.reduce((s, r) => s + r.ok, 0),
      failed: reports.reduce((s, r) => s + r.failed, 0),
      reasons: reports.flatMap((r) => r.reasons).slice(0, 5),
      retransmissions: reports.reduce((s, r) => s + r.retransmissions, 0),
      seconds,
      clientCpuSeconds: reports.reduce((s, r) => s + r.cpuSeconds, 0),
    };
  }

  /** Closes every connection and ends the processes. */
  async close(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null) return;
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.send({ cmd: 'close' } satisfies ClientCommand);
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  /** Kills the processes at once (an error path). */
  kill(): void {
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** `value` split over `total` by `share`, at least 1. */
export function portion(value: number, share: number, total: number): number {
  return Math.max(1, Math.round((value * share) / total));
}
