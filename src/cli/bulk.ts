/**
 * `openucm bulk migrate`: Bulk Administration > Migrate Phones from a terminal. A client of the
 * REST API only: previews, asks for confirmation, creates the job, follows it with a progress
 * bar, and prints the report of the phones that did not migrate.
 */
import fs from 'node:fs';
import readline from 'node:readline/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { PhoneSelection } from '../core/bulk-job.js';
import type { BulkJobView, MigrationPreviewResult } from '../services/bulk/bulk-job-service.js';
import type { ApiTarget } from './api-client.js';
import { ApiCallError, apiTarget, callApi, callApiText, withApiOptions } from './api-client.js';
import { parseDeviceNameCsv } from './device-name-csv.js';

interface MigrateOptions {
  url: string;
  user: string;
  password?: string;
  to: string;
  model?: string;
  description?: string;
  dnFrom?: string;
  dnTo?: string;
  node?: string;
  load?: string;
  deviceNames?: string;
  preview?: boolean;
  yes?: boolean;
  schedule?: string;
  stepTimeout?: string;
  concurrency?: string;
  switchAutoRegistrationProtocol?: boolean;
  createSipCredentials?: boolean;
  sipPasswords?: string;
  report?: string;
}

interface ItemRow {
  deviceName: string;
  step: string;
  state: string;
  reason: string | null;
}

const FINISHED = new Set(['completed', 'cancelled', 'failed']);
const FOLLOW_MS = 1000;

/** Exits with `code` after printing `message` on stderr (usage errors: 2). */
class CliExit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function registerBulkCommands(program: Command): void {
  const bulk = program.command('bulk').description('Bulk Administration jobs');
  withApiOptions(
    bulk
      .command('migrate')
      .description('Migrate Phones SCCP→SIP (or back): preview, confirm, run as one job, follow it, report')
      .addOption(
        new Option('--to <protocol>', 'protocol to migrate to').choices(['SIP', 'SCCP']).default('SIP'),
      )
      .option('--model <model>', 'select phones of this model (e.g. 7940)')
      .option('--description <text>', 'select phones whose description contains this text')
      .option('--dn-from <dn>', 'select phones with a line DN at least this')
      .option('--dn-to <dn>', 'select phones with a line DN at most this')
      .option('--node <name>', 'select phones registered with this node')
      .option('--load <loadId>', 'select phones running this load')
      .option('--device-names <file.csv>', 'select the phones named in the first column of this CSV file')
      .option('--preview', 'show what would change, then stop')
      .option('--yes', 'do not ask for confirmation')
      .option('--schedule <time>', 'run at this ISO-8601 time instead of now (e.g. 2026-12-01T22:00:00Z)')
      .option('--step-timeout <seconds>', 'how long one step may wait for a phone (default 600)')
      .option('--concurrency <n>', 'phones migrated at once (default 20)')
      .option(
        '--switch-auto-registration-protocol',
        'also switch Auto Registration Phone Protocol to the new protocol (no restart needed)',
      )
      .option(
        '--create-sip-credentials',
        'SCCP→SIP: give each migrated phone without SIP credentials a digest user (its device name) and a generated password',
      )
      .option(
        '--sip-passwords <file.csv>',
        'when the job ends, collect its generated SIP passwords into this new file (readable by you only); they are handed out once',
      )
      .option('--report <file.csv>', 'save the per-phone report as CSV when the job ends'),
  ).action(async (opts: MigrateOptions) => {
    process.exitCode = await runCommand('migrate', () => migrate(opts));
  });
  withApiOptions(
    bulk
      .command('sip-passwords')
      .description(
        'Collect, once, the SIP passwords a migrate job generated (--create-sip-credentials) into a new CSV file readable by you only',
      )
      .argument('<job>', 'the job id')
      .requiredOption('--out <file.csv>', 'the file to create (an existing file is never overwritten)'),
  ).action(async (job: string, opts: { url: string; user: string; password?: string; out: string }) => {
    process.exitCode = await runCommand('sip-passwords', async () => {
      const count = await collectSipPasswords(target(opts), job, opts.out);
      console.log(
        `${count} SIP password(s) of job ${job} written to ${opts.out}; the node no longer holds them`,
      );
      return 0;
    });
  });
}

/** Runs a subcommand, turning its refusals into an exit code and a line on stderr. */
async function runCommand(name: string, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CliExit) {
      console.error(`openucm bulk ${name}: ${error.message}`);
      return error.code;
    }
    if (error instanceof ApiCallError) {
      console.error(`openucm bulk ${name}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function target(opts: { url: string; user: string; password?: string }): ApiTarget {
  try {
    return apiTarget(opts);
  } catch (error) {
    throw new CliExit(2, (error as Error).message);
  }
}

/**
 * POST …/sip-passwords into `file`, created with mode 0600 and never over an existing file: the
 * node deletes the passwords as it sends them, so this file is the only copy. Returns the count.
 */
async function collectSipPasswords(api: ApiTarget, job: string, file: string): Promise<number> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'wx', 0o600);
  } catch (error) {
    throw new CliExit(2, `cannot create ${file}: ${(error as Error).message} (choose a new file)`);
  }
  let csv: string;
  try {
    csv = await callApiText(api, 'POST', `/bulk-jobs/${encodeURIComponent(job)}/sip-passwords`);
  } catch (error) {
    await handle.close();
    await fs.promises.rm(file, { force: true });
    throw error;
  }
  try {
    await handle.writeFile(csv);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return Math.max(0, csv.trim().split('\n').length - 1);
}

async function migrate(opts: MigrateOptions): Promise<number> {
  const api = target(opts);
  const direction = opts.to === 'SCCP' ? 'SIP_TO_SCCP' : 'SCCP_TO_SIP';
  const body: Record<string, unknown> = {
    kind: 'migrate-phones',
    direction,
    selection: selectionOf(opts),
    ...(opts.schedule ? { scheduledAt: opts.schedule } : {}),
    ...(opts.stepTimeout ? { stepTimeoutSeconds: integer(opts.stepTimeout, '--step-timeout') } : {}),
    ...(opts.concurrency ? { concurrency: integer(opts.concurrency, '--concurrency') } : {}),
    ...(opts.switchAutoRegistrationProtocol ? { switchAutoRegistrationProtocol: true } : {}),
    ...(opts.createSipCredentials ? { createSipCredentials: true } : {}),
  };
  const preview = await callApi<MigrationPreviewResult>(api, 'POST', '/bulk-jobs', {
    ...body,
    preview: true,
  });
  console.log(formatPreview(preview, Boolean(opts.switchAutoRegistrationProtocol)));
  if (opts.preview) return 0;
  if (preview.summary.migrate === 0) {
    console.log('Nothing to migrate.');
    return 1;
  }
  if (!opts.yes && !(await confirm(`Migrate ${preview.summary.migrate} phone(s) to ${opts.to}? [y/N] `))) {
    console.log('Not started.');
    return 1;
  }
  const job = await callApi<BulkJobView>(api, 'POST', '/bulk-jobs', body);
  console.log(`Job ${job.id} created (${job.status}).`);
  if (job.status === 'scheduled') {
    console.log(`It starts at ${job.scheduledAt}; follow it with GET /api/v1/bulk-jobs/${job.id}.`);
    return 0;
  }
  const final = await follow(api, job);
  const code = await report(api, final, opts.report);
  if (final.sipPasswordsWaiting > 0) {
    if (opts.sipPasswords) {
      const count = await collectSipPasswords(api, final.id, opts.sipPasswords);
      console.log(
        `${count} generated SIP password(s) written to ${opts.sipPasswords} (readable by you only)`,
      );
    } else {
      console.log(
        `${final.sipPasswordsWaiting} generated SIP password(s) wait on the node: collect them once with ` +
          `openucm bulk sip-passwords ${final.id} --out FILE`,
      );
    }
  }
  return code;
}

function integer(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new CliExit(2, `${flag} must be a whole number of at least 1 (got "${text}")`);
  return n;
}

function selectionOf(opts: MigrateOptions): PhoneSelection {
  const query = {
    ...(opts.model ? { model: opts.model } : {}),
    ...(opts.description ? { description: opts.description } : {}),
    ...(opts.dnFrom ? { dnFrom: opts.dnFrom } : {}),
    ...(opts.dnTo ? { dnTo: opts.dnTo } : {}),
    ...(opts.node ? { node: opts.node } : {}),
    ...(opts.load ? { loadId: opts.load } : {}),
  };
  if (!opts.deviceNames) return { query };
  if (Object.keys(query).length > 0) {
    throw new CliExit(
      2,
      '--device-names selects the phones by itself: leave out --model, --dn-from and the other query options',
    );
  }
  let text: string;
  try {
    text = fs.readFileSync(opts.deviceNames, 'utf8');
  } catch (error) {
    throw new CliExit(2, `cannot read ${opts.deviceNames}: ${(error as Error).message}`);
  }
  const { names, problems } = parseDeviceNameCsv(text);
  if (problems.length > 0) {
    throw new CliExit(
      2,
      `${opts.deviceNames} has ${problems.length} problem(s); nothing was sent:\n  ${problems.join('\n  ')}`,
    );
  }
  return { deviceNames: names };
}

/** The preview as an operator reads it: totals, the phones that will not migrate and why, warnings. */
export function formatPreview(p: MigrationPreviewResult, switching: boolean): string {
  const to = p.direction === 'SCCP_TO_SIP' ? 'SIP' : 'SCCP';
  const s = p.summary;
  const lines = [
    `Migrate Phones ${p.direction === 'SCCP_TO_SIP' ? 'SCCP → SIP' : 'SIP → SCCP'}: ${s.total} phone(s) selected`,
    `  ${s.migrate} will migrate` +
      (s.withUpgrade > 0 ? ` (${s.withUpgrade} first take a newer SCCP load)` : ''),
  ];
  if (s.skip > 0) lines.push(`  ${s.skip} skipped`);
  if (s.cannotMigrate > 0) lines.push(`  ${s.cannotMigrate} cannot migrate`);
  const byTarget = new Map<string, number>();
  for (const ph of p.phones) {
    if (ph.outcome !== 'migrate') continue;
    const key = `${ph.intermediateLoadId ? `${ph.intermediateLoadId} then ` : ''}${ph.targetLoadId}`;
    byTarget.set(key, (byTarget.get(key) ?? 0) + 1);
  }
  for (const [loads, n] of byTarget) lines.push(`  ${n} × load ${loads}`);
  const refused = p.phones.filter((ph) => ph.outcome !== 'migrate');
  if (refused.length > 0) {
    lines.push('', 'Not migrated:');
    for (const ph of refused.slice(0, 50)) lines.push(`  ${ph.deviceName}: ${ph.reason}`);
    if (refused.length > 50) lines.push(`  … and ${refused.length - 50} more`);
  }
  for (const w of p.warnings) {
    if (w.code === 'auto-registration-protocol' && switching) {
      lines.push('', `Auto Registration Phone Protocol will be switched to ${to} when the job starts.`);
      continue;
    }
    lines.push('', `Warning: ${w.message}.`, `  ${w.remedy}`);
    if (w.code === 'auto-registration-protocol')
      lines.push('  (add --switch-auto-registration-protocol to do it with this job)');
  }
  return lines.join('\n');
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new CliExit(
      2,
      'cannot ask for confirmation: standard input is not a terminal; pass --yes to run the job',
    );
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** Follows the job with a progress bar until it ends; Ctrl-C stops following, not the job. */
async function follow(target: ApiTarget, job: BulkJobView): Promise<BulkJobView> {
  const bar = new cliProgress.SingleBar(
    {
      format:
        '{bar} {percentage}% | {value}/{total} phones | done {done} failed {failed} waiting {waiting} | {status}',
      noTTYOutput: true,
      notTTYSchedule: 5000,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const values = (j: BulkJobView) => ({
    done: j.progress.counts.done,
    failed: j.progress.counts.failed,
    waiting: j.progress.counts.waiting + j.progress.counts.running,
    status: j.status,
  });
  bar.start(job.progress.total, job.progress.finished, values(job));
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
  };
  process.once('SIGINT', onInterrupt);
  let current = job;
  try {
    while (!FINISHED.has(current.status) && !interrupted) {
      await new Promise((r) => setTimeout(r, FOLLOW_MS));
      current = await callApi<BulkJobView>(target, 'GET', `/bulk-jobs/${job.id}`);
      bar.update(current.progress.finished, values(current));
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    bar.stop();
  }
  if (interrupted) {
    console.log(
      `Stopped following; job ${job.id} goes on (POST /api/v1/bulk-jobs/${job.id}/cancel stops it).`,
    );
  }
  return current;
}

/** Prints the outcome per phone that needs attention; saves the CSV report if asked. Exit code. */
async function report(target: ApiTarget, job: BulkJobView, file: string | undefined): Promise<number> {
  const c = job.progress.counts;
  console.log(
    `Job ${job.id} ${job.status}: ${c.done} migrated, ${c.failed} failed, ${c.skipped} skipped, ${c.cancelled} cancelled` +
      (job.message ? ` (${job.message})` : ''),
  );
  for (const note of job.notes) console.log(`  note: ${note.message}`);
  if (c.failed > 0) {
    const failed = await callApi<{ items: ItemRow[] }>(
      target,
      'GET',
      `/bulk-jobs/${job.id}/items?state=failed&pageSize=1000`,
    );
    console.log('Failed:');
    for (const i of failed.items) console.log(`  ${i.deviceName} at ${i.step}: ${i.reason}`);
  }
  if (file) {
    fs.writeFileSync(file, await callApiText(target, 'GET', `/bulk-jobs/${job.id}/report.csv`));
    console.log(`Report written to ${file}`);
  }
  return job.status === 'completed' && c.failed === 0 ? 0 : 1;
}
