import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { BulkJobStatus, ItemState, JobNote, MigrateJobOptions } from '../../core/bulk-job.js';
import { jobTransition } from '../../core/bulk-job.js';
import type { MigrationDirection } from '../../core/migration.js';
import { fromProtocol } from '../../core/migration.js';
import type { BulkJobItemRecord, BulkJobRecord } from '../../store/bulk-job-repository.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import type { ConfigurationService } from '../configuration-service.js';
import { ConflictError, NotFoundError, ValidationError } from '../configuration-service.js';
import type { LiveEvents } from '../live-events.js';
import type { LiveRegistry } from '../live-registry.js';
import type { StatusWriter } from '../status-writer.js';
import { BulkJobRunner } from './job-runner.js';
import type { MigrateJobInput, MigrationPreviewResult } from './migration-preview.js';
import { previewMigration } from './migration-preview.js';
import type { JobProgress } from './progress.js';
import { progressOf } from './progress.js';
import { RegistrationWatch } from './registration-watch.js';
import { reportCsv } from './report-csv.js';
import { stringify } from 'csv-stringify/sync';
import type { SipCredentialService } from '../sip-credentials.js';

export type { MigrateJobInput, MigrationPreviewResult } from './migration-preview.js';

export const DEFAULT_STEP_TIMEOUT_SECONDS = 600;
export const DEFAULT_CONCURRENCY = 20;

/** A job as the API shows it. */
export interface BulkJobView {
  id: string;
  kind: 'migrate-phones';
  status: BulkJobStatus;
  /** The node the job was created on. */
  node: string;
  /** The node running it now (holding its lease). */
  runner: string | null;
  leaseUntil: string | null;
  direction: MigrationDirection;
  createdBy: string;
  createdAt: string;
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  options: MigrateJobOptions & { createSipCredentials: boolean };
  notes: JobNote[];
  message: string | null;
  progress: JobProgress;
  /** Generated SIP passwords waiting to be collected (POST …/sip-passwords hands them out once). */
  sipPasswordsWaiting: number;
}

export interface BulkJobServiceDeps {
  store: Store;
  configuration: ConfigurationService;
  registry: LiveRegistry;
  statusWriter: StatusWriter;
  live: LiveEvents;
  clock: Clock;
  nodeName: string;
  logger: Logger;
  /** The firmware files on this node's TFTP server, to warn about loads that are missing. */
  loads?: { provides(loadId: string): Promise<boolean> };
  /** Generated credentials of migrated phones (createSipCredentials). */
  credentials: SipCredentialService;
  /** How long this node holds a job it runs (renewed every third of it); default 10 s. */
  leaseMs?: number;
}

export const DEFAULT_LEASE_MS = 10_000;

/** Bulk Administration > Migrate Phones: preview, create, follow, pause, resume and cancel jobs. */
export class BulkJobService {
  private readonly runner: BulkJobRunner;
  private readonly watch: RegistrationWatch;

  constructor(private readonly deps: BulkJobServiceDeps) {
    const logger = deps.logger;
    this.watch = new RegistrationWatch({
      live: deps.live,
      store: deps.store,
      statusWriter: deps.statusWriter,
      onError: (error) =>
        logger.error({ err: error }, 'bulk jobs could not read the devices that registered'),
    });
    this.runner = new BulkJobRunner({
      ...deps,
      watch: this.watch,
      leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS,
    });
  }

  /** Resumes this node's unfinished jobs; call once the protocol servers accept phones. */
  start(): Promise<void> {
    return this.runner.start();
  }

  async stop(): Promise<void> {
    await this.runner.stop();
    this.watch.dispose();
  }

  /** What a job would do, phone by phone; changes nothing. */
  preview(input: MigrateJobInput): Promise<MigrationPreviewResult> {
    return previewMigration(this.deps, input);
  }

  /** Creates a job (queued to run now, or scheduled) from the preview of `input`. */
  async create(input: MigrateJobInput, createdBy: string): Promise<BulkJobView> {
    const { store, clock, nodeName, logger } = this.deps;
    const now = clock();
    if (input.scheduledAt !== undefined && Date.parse(input.scheduledAt) <= now.getTime()) {
      throw new ValidationError({
        field: 'scheduledAt',
        message: `scheduledAt ${input.scheduledAt} is not in the future (it is ${now.toISOString()} on ${nodeName}); leave it out to run the job now`,
      });
    }
    const preview = await this.preview(input);
    const migrating = preview.phones.filter((p) => p.outcome === 'migrate');
    if (migrating.length === 0) {
      const why = preview.phones
        .slice(0, 3)
        .map((p) => p.reason)
        .join('; ');
      throw new ValidationError({
        field: 'selection',
        message:
          preview.phones.length === 0
            ? `the selection matches no ${fromProtocol(input.direction)} phone`
            : `none of the ${preview.phones.length} selected phone(s) can be migrated: ${why}`,
      });
    }
    const busy = await store.bulkJobs.busyDevices(migrating.map((p) => p.deviceName));
    if (busy.length > 0) {
      const list = busy
        .slice(0, 5)
        .map((b) => `${b.deviceName} (job ${b.jobId})`)
        .join(', ');
      throw new ConflictError(
        `${busy.length} of the selected phone(s) are already in a job that has not finished: ${list}. Wait for that job, or cancel it`,
      );
    }
    const at = now.toISOString();
    const options: MigrateJobOptions = {
      direction: input.direction,
      selection:
        'deviceNames' in input.selection
          ? { deviceNameCount: input.selection.deviceNames.length }
          : { query: input.selection.query },
      stepTimeoutSeconds: input.stepTimeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS,
      concurrency: input.concurrency ?? DEFAULT_CONCURRENCY,
      switchAutoRegistrationProtocol: input.switchAutoRegistrationProtocol ?? false,
      createSipCredentials: input.createSipCredentials ?? false,
    };
    const job: BulkJobRecord = {
      id: randomUUID(),
      kind: 'migrate-phones',
      status: input.scheduledAt ? 'scheduled' : 'queued',
      node: nodeName,
      // The node that takes the API call runs the job, and holds it from the start.
      runner: nodeName,
      leaseUntil: new Date(now.getTime() + (this.deps.leaseMs ?? DEFAULT_LEASE_MS)).toISOString(),
      scheduledAt: input.scheduledAt ? new Date(input.scheduledAt).toISOString() : null,
      createdBy,
      options,
      notes: preview.warnings
        .filter((w) => !(w.code === 'auto-registration-protocol' && options.switchAutoRegistrationProtocol))
        .map((w) => ({ at, message: `warning at creation: ${w.message}; ${w.remedy}` })),
      message: null,
      createdAt: at,
      startedAt: null,
      finishedAt: null,
    };
    const items: BulkJobItemRecord[] = preview.phones.map((plan, position) => ({
      jobId: job.id,
      position,
      deviceName: plan.deviceName,
      step: plan.steps[0] ?? 'switch-protocol',
      state: plan.outcome === 'migrate' ? 'pending' : 'skipped',
      reason: plan.reason,
      plan,
      startedAt: null,
      updatedAt: at,
      finishedAt: plan.outcome === 'migrate' ? null : at,
    }));
    await store.transaction((tx) => tx.bulkJobs.insertJob(job, items));
    logger.info(
      { job: job.id, phones: migrating.length, skipped: items.length - migrating.length, by: createdBy },
      `bulk job ${job.id} created: migrate ${migrating.length} phone(s) ${input.direction}` +
        (job.scheduledAt ? ` at ${job.scheduledAt}` : ''),
    );
    this.runner.admit(job);
    return this.get(job.id);
  }

  async get(id: string): Promise<BulkJobView> {
    const job = await this.find(id);
    return this.view(job);
  }

  async list(opts: { status?: BulkJobStatus; page: number; pageSize: number }): Promise<{
    items: BulkJobView[];
    total: number;
  }> {
    const { items, total } = await this.deps.store.bulkJobs.listJobs({
      status: opts.status,
      limit: opts.pageSize,
      offset: (opts.page - 1) * opts.pageSize,
    });
    return { items: await Promise.all(items.map((j) => this.view(j))), total };
  }

  /** The phones of a job in job order, optionally only those in `state`. */
  async items(
    id: string,
    opts: { state?: ItemState; page: number; pageSize: number },
  ): Promise<{ items: BulkJobItemRecord[]; total: number }> {
    await this.find(id);
    const states = opts.state ? [opts.state] : undefined;
    const [items, total] = await Promise.all([
      this.deps.store.bulkJobs.items(id, {
        states,
        limit: opts.pageSize,
        offset: (opts.page - 1) * opts.pageSize,
      }),
      this.deps.store.bulkJobs.countItems(id, states),
    ]);
    return { items, total };
  }

  /** The final report (or the report so far) as CSV, one row per phone. */
  async report(id: string): Promise<string> {
    await this.find(id);
    return reportCsv(await this.deps.store.bulkJobs.items(id));
  }

  /**
   * The SIP passwords the job generated that nobody collected yet, as CSV (Device Name, Digest User,
   * SIP Password), handed out once: they are deleted from the node as they are returned, and the
   * job notes who collected how many. A password is also in the phone's configuration file.
   */
  async collectSipPasswords(id: string, by: string): Promise<{ csv: string; count: number }> {
    const { store, clock, logger, credentials } = this.deps;
    const job = await this.find(id);
    if (job.options.createSipCredentials !== true) {
      throw new ConflictError(
        `bulk job ${id} was not asked to create SIP credentials (createSipCredentials)`,
      );
    }
    const at = clock().toISOString();
    const taken = await store.transaction(async (tx) => {
      const rows = await credentials.takeGenerated(tx, id);
      if (rows.length > 0) {
        const current = await tx.bulkJobs.findJob(id);
        const notes = [
          ...(current?.notes ?? job.notes),
          { at, message: `generated SIP passwords of ${rows.length} phone(s) collected by ${by}` },
        ];
        await tx.bulkJobs.updateJob(id, { notes });
      }
      return rows;
    });
    if (taken.length === 0) {
      const collected = job.notes.filter((n) => n.message.startsWith('generated SIP passwords'));
      const last = collected.at(-1);
      throw new ConflictError(
        `no generated SIP password of bulk job ${id} is waiting: ` +
          (last
            ? `the last ones were ${last.message.replace(/^generated SIP passwords of /, '')} at ${last.at}`
            : 'none was created yet (a phone gets its password when it is switched to SIP)') +
          "; a lost password is replaced by setting a new one on the phone's page (then Reset the phone)",
      );
    }
    logger.info(
      { job: id, phones: taken.length, by },
      `generated SIP passwords of bulk job ${id} collected by ${by}`,
    );
    const rows = taken.map((r) => [
      r.deviceName,
      r.username,
      r.password ?? "(this node's secret key cannot read it: set a new password on the phone's page)",
    ]);
    return { csv: stringify([['Device Name', 'Digest User', 'SIP Password'], ...rows]), count: taken.length };
  }

  /** No new phone starts; the phones in progress finish their migration. */
  async pause(id: string): Promise<BulkJobView> {
    const job = await this.transition(id, 'pause');
    this.runner.pause(id);
    return this.announce(job);
  }

  async resume(id: string): Promise<BulkJobView> {
    const job = await this.transition(id, 'resume');
    this.runner.resume(job);
    return this.announce(job);
  }

  /**
   * Stops the job: phones not started stay as they were; phones in progress stop at their step,
   * each reported with what it was left as.
   */
  async cancel(id: string, by: string): Promise<BulkJobView> {
    const { store, clock, logger } = this.deps;
    const job = await this.transition(id, 'cancel', {
      message: `cancelled by ${by}`,
      finishedAt: clock().toISOString(),
    });
    await this.runner.cancel(id);
    const at = clock().toISOString();
    await store.bulkJobs.cancelItems(
      id,
      ['pending'],
      'job cancelled before this phone was started: nothing was changed',
      at,
    );
    await store.bulkJobs.cancelItems(
      id,
      ['running', 'waiting'],
      'job cancelled while this phone was at this step (the node had stopped meanwhile): check it under Device > Phone',
      at,
    );
    logger.info({ job: id, by }, `bulk job ${id} cancelled by ${by}`);
    return this.announce(job);
  }

  private async find(id: string): Promise<BulkJobRecord> {
    const job = await this.deps.store.bulkJobs.findJob(id);
    if (!job) throw new NotFoundError(`bulk job ${id} does not exist`);
    return job;
  }

  private async transition(
    id: string,
    action: 'pause' | 'resume' | 'cancel',
    extra: { message?: string; finishedAt?: string } = {},
  ): Promise<BulkJobRecord> {
    const job = await this.find(id);
    const scheduledInFuture =
      job.scheduledAt !== null && Date.parse(job.scheduledAt) > this.deps.clock().getTime();
    const t = jobTransition(job, action, { scheduledInFuture });
    if (!t.ok) throw new ConflictError(t.problem);
    await this.deps.store.bulkJobs.updateJob(id, { status: t.status, ...extra });
    this.deps.logger.info({ job: id }, `bulk job ${id}: ${job.status} → ${t.status}`);
    return { ...job, status: t.status, ...extra };
  }

  private async announce(job: BulkJobRecord): Promise<BulkJobView> {
    const view = await this.get(job.id);
    this.deps.live.emit('bulk-job-progress', {
      jobId: view.id,
      status: view.status,
      progress: view.progress,
      at: this.deps.clock().toISOString(),
    });
    return view;
  }

  private async view(job: BulkJobRecord): Promise<BulkJobView> {
    const progress = progressOf(await this.deps.store.bulkJobs.progress(job.id));
    return {
      id: job.id,
      kind: job.kind,
      status: job.status,
      node: job.node,
      runner: job.runner,
      leaseUntil: job.leaseUntil,
      direction: job.options.direction,
      createdBy: job.createdBy,
      createdAt: job.createdAt,
      scheduledAt: job.scheduledAt,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      options: { ...job.options, createSipCredentials: job.options.createSipCredentials ?? false },
      notes: job.notes,
      message: job.message,
      progress,
      sipPasswordsWaiting: job.options.createSipCredentials
        ? await this.deps.credentials.waitingGenerated(job.id)
        : 0,
    };
  }
}
