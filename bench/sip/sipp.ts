/** Runs SIPp closed-loop and reads its statistics file. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cpuSeconds } from '../proc.js';

export interface SippResult {
  successful: number;
  failed: number;
  seconds: number;
  /** Successful calls per second over the run. */
  rate: number;
  /** Messages SIPp sent again for want of an answer (a UDP loss or a late answer costs 500 ms or more). */
  retransmissions: number;
  /**
   * SIPp's warnings: with `-default_behaviors all,-abortunexp` an unexpected message (a 503 instead
   * of a 180) is a warning, "Continuing call on unexpected message", and the call may still count
   * as successful — so a run with warnings is not a clean run.
   */
  warnings: number;
  /** CPU seconds SIPp used (user + system): tells whether SIPp itself was the bottleneck. */
  sippCpuSeconds: number;
}

/** Elapsed-time fields of SIPp's stat CSV look like `2026-11-25\t09:12:42.348597\t1795597962.348597`. */
function epoch(field: string): number {
  return Number(field.slice(field.lastIndexOf('\t') + 1));
}

export async function runSipp(options: {
  target: string;
  scenario: string;
  /** -inf: one row per call ([field0] …). */
  csv?: string;
  calls: number;
  inFlight: number;
  /** -r: new calls per second; default unbounded (the in-flight limit paces a closed loop). */
  rate?: number;
  runId: string;
  /** bench:sip's REGISTER CSeq ([reg_cseq]). */
  cseq?: number;
  dir: string;
  localAddress: string;
  /** -p: the UDP port SIPp sends from and listens on (a phone's registered address); default any. */
  localPort?: number;
  label: string;
  /** More SIPp arguments (-d, -mp, -default_behaviors …). */
  extraArgs?: string[];
  /** Ends SIPp (SIGTERM) when aborted; the figures are then those of its last statistics line. */
  signal?: AbortSignal;
}): Promise<SippResult> {
  const stat = path.join(options.dir, `${options.label}.csv`);
  const args = [
    options.target,
    '-sf',
    options.scenario,
    ...(options.csv === undefined ? [] : ['-inf', options.csv]),
    '-m',
    String(options.calls),
    '-l',
    String(options.inFlight),
    '-r',
    String(options.rate ?? 100000),
    '-i',
    options.localAddress,
    '-cid_str',
    `%u-${options.runId}@bench`,
    ...(options.cseq === undefined ? [] : ['-key', 'reg_cseq', String(options.cseq)]),
    ...(options.localPort === undefined ? [] : ['-p', String(options.localPort)]),
    '-nostdin',
    '-trace_stat',
    '-stf',
    stat,
    '-fd',
    '1',
    '-trace_err',
    '-error_file',
    path.join(options.dir, `${options.label}-errors.log`),
    '-timeout',
    '600s',
    ...(options.extraArgs ?? []),
  ];
  const child = spawn('sipp', args, { cwd: options.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let cpu = 0;
  // SIPp's CPU time, sampled until it exits (a zombie's /proc/<pid>/stat is gone once reaped).
  const sampler = setInterval(() => {
    if (child.pid !== undefined) cpu = Math.max(cpu, cpuSeconds(child.pid));
  }, 100);
  const stop = () => child.kill('SIGTERM');
  options.signal?.addEventListener('abort', stop, { once: true });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  options.signal?.removeEventListener('abort', stop);
  clearInterval(sampler);
  if (!fs.existsSync(stat))
    throw new Error(`SIPp wrote no statistics (exit ${code}): ${stderr.slice(0, 500)}`);
  const lines = fs.readFileSync(stat, 'utf8').trim().split('\n');
  const header = lines[0].split(';');
  const last = lines[lines.length - 1].split(';');
  const field = (name: string) => last[header.indexOf(name)];
  const successful = Number(field('SuccessfulCall(C)'));
  const failed = Number(field('FailedCall(C)'));
  const seconds = epoch(field('CurrentTime')) - epoch(field('StartTime'));
  const retransmissions = Number(field('Retransmissions(C)'));
  const warnings = Number(field('Warnings(C)'));
  return {
    successful,
    failed,
    seconds,
    rate: successful / seconds,
    retransmissions,
    warnings,
    sippCpuSeconds: cpu,
  };
}
