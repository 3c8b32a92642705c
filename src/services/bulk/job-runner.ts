import type { Logger } from 'pino';
import { isJobFinished, jobTransition } from '../../core/bulk-job.js';
import type { BulkJobRecord } from '../../store/bulk-job-repository.js';
import type { JobExecutionDeps } from './job-execution.js';
import { JobExecution } from './job-execution.js';

// setTimeout takes at most 2^31-1 ms (~24.8 days); a later job is re-armed when the timer fires.
const MAX_TIMER_MS = 2_147_483_647;

export interface JobRunnerDeps extends JobExecutionDeps {
  /** How long this node holds a job it runs; renewed every third of it. */
  leaseMs: number;
}

/**
 * Runs the jobs this node holds (cluster.md §3.a "One runner per job"): every third of the lease
 * it renews the leases of its jobs and takes every job nobody holds (a new one, one released by
 * a node that stopped, one whose node died and stopped renewing). Then it makes what runs here
 * match what is stored: starts queued jobs, arms scheduled ones, resumes running ones from their
 * stored items (each phone at its step), pauses paused ones, and stops an execution whose job
 * was cancelled, or taken over by another node (its writes are fenced meanwhile: LeaseLost).
 * Pause, resume and cancel taken by another node's API reach this node at its next renewal.
 */
export class BulkJobRunner {
  private readonly executions = new Map<string, JobExecution>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly starting = new Set<string>();
  private stopped = false;
  private renewal: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private failing = false;
  private readonly log: Logger;

  constructor(private readonly deps: JobRunnerDeps) {
    this.log = deps.logger;
  }

  /** Takes this node's unfinished jobs and the free ones (after a restart: resumes them), then keeps renewing. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.tick();
    this.renewal = setInterval(() => void this.tick(), Math.max(250, Math.floor(this.deps.leaseMs / 3)));
    this.renewal.unref();
  }

  /** Ends every execution, leaving each phone's step persisted; releases the leases for another node. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.renewal) clearInterval(this.renewal);
    this.renewal = null;
    await this.ticking;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.executions.values()].map((e) => e.stop()));
    try {
      await this.deps.store.bulkJobs.releaseLeases(this.deps.nodeName);
    } catch (error) {
      this.log.warn(
        { err: error },
        `could not release the bulk jobs of ${this.deps.nodeName}: another node takes them over when their lease runs out`,
      );
    }
  }

  /** A job was created or resumed through this node: act on it now if this node holds it. */
  admit(job: BulkJobRecord): void {
    if (this.stopped) return;
    // Held elsewhere: its runner sees the change at its next renewal.
    if (job.runner !== this.deps.nodeName) return;
    if (job.status === 'queued') void this.startJob(job.id);
    else if (job.status === 'scheduled') this.arm(job);
    else if (job.status === 'running') this.launch(job);
  }

  isRunning(id: string): boolean {
    return this.executions.has(id);
  }

  /** The job was paused: its execution (if any) starts no new phone. */
  pause(id: string): void {
    this.disarm(id);
    this.executions.get(id)?.pause();
  }

  /** The job was resumed (status already persisted as running or scheduled). */
  resume(job: BulkJobRecord): void {
    const execution = this.executions.get(job.id);
    if (execution && job.status === 'running') {
      execution.resume();
      return;
    }
    this.admit(job);
  }

  /** The job was cancelled: stops its phones in progress; resolves when they are recorded. */
  async cancel(id: string): Promise<void> {
    this.disarm(id);
    await this.executions.get(id)?.cancel();
  }

  /** Renews and takes leases, then reconciles what runs here with what is stored. */
  private tick(): Promise<void> {
    if (this.stopped || this.ticking) return this.ticking ?? Promise.resolve();
    this.ticking = this.renewAndReconcile()
      .then(
        () => {
          if (this.failing) this.log.info('bulk job leases renewed again');
          this.failing = false;
        },
        (error: unknown) => {
          if (!this.failing)
            this.log.warn(
              { err: error },
              `could not renew or take bulk job leases (${(error as Error).message}); retried every ${Math.round(this.deps.leaseMs / 3000)} s. If this lasts longer than the lease, another node takes this node's jobs over and this node stops working on them`,
            );
          this.failing = true;
        },
      )
      .finally(() => {
        this.ticking = null;
      });
    return this.ticking;
  }

  private async renewAndReconcile(): Promise<void> {
    const { store, clock, nodeName, leaseMs } = this.deps;
    const now = clock();
    const held = await store.transaction((tx) =>
      tx.bulkJobs.claim({
        runner: nodeName,
        now: now.toISOString(),
        leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
      }),
    );
    if (this.stopped) return;
    const ids = new Set(held.map((h) => h.job.id));
    for (const { job, from } of held) this.reconcile(job, from);
    for (const [id, execution] of this.executions) {
      if (ids.has(id)) continue;
      const current = await store.bulkJobs.findJob(id);
      if (current && isJobFinished(current.status)) {
        if (current.status === 'cancelled') await execution.cancel();
      } else {
        this.log.warn(
          { job: id, runner: current?.runner },
          `bulk job ${id} is now run by node ${current?.runner ?? '(none)'}: ${nodeName} did not renew its lease in time and stops working on it`,
        );
        await execution.stop('lease-lost');
      }
    }
    for (const id of this.timers.keys()) if (!ids.has(id)) this.disarm(id);
  }

  /** Makes this node do what the stored job asks; `from` is the node that held it before (taken over). */
  private reconcile(job: BulkJobRecord, from: string | null): void {
    const execution = this.executions.get(job.id);
    const known = execution !== undefined || this.timers.has(job.id) || this.starting.has(job.id);
    if (!known && from !== null && from !== this.deps.nodeName) {
      this.log.info(
        { job: job.id, from },
        `took over bulk job ${job.id} from node ${from}, whose lease ran out: resuming each phone at its stored step`,
      );
      void this.note(job, `taken over by ${this.deps.nodeName}: ${from} stopped renewing its lease`);
    } else if (!known && job.status === 'running') {
      this.log.info({ job: job.id }, `resuming bulk job ${job.id} where it was when the node stopped`);
    }
    switch (job.status) {
      case 'queued':
        if (!this.starting.has(job.id) && !execution) void this.startJob(job.id);
        return;
      case 'scheduled':
        if (!this.timers.has(job.id)) this.arm(job);
        return;
      case 'running':
        if (!execution) this.launch(job);
        else if (execution.isPaused) void this.resumeIfStillRunning(job.id, execution);
        return;
      case 'paused':
        this.disarm(job.id);
        if (execution && !execution.isPaused) {
          // Paused through another node's API: this node learns it from the stored job.
          this.log.info(
            { job: job.id },
            `bulk job ${job.id} was paused: no new phone starts on ${this.deps.nodeName}`,
          );
          execution.pause();
        }
        return;
      default:
        return;
    }
  }

  /** Resumed through another node: resume here, unless it was paused again meanwhile. */
  private async resumeIfStillRunning(id: string, execution: JobExecution): Promise<void> {
    try {
      const current = await this.deps.store.bulkJobs.findJob(id);
      if (current?.status !== 'running' || this.executions.get(id) !== execution) return;
      this.log.info({ job: id }, `bulk job ${id} was resumed: ${this.deps.nodeName} starts its next phones`);
      execution.resume();
    } catch (error) {
      this.log.warn({ err: error, job: id }, `could not read bulk job ${id} to resume it`);
    }
  }

  private async note(job: BulkJobRecord, message: string): Promise<void> {
    const at = this.deps.clock().toISOString();
    try {
      const current = await this.deps.store.bulkJobs.findJob(job.id);
      if (!current) return;
      await this.deps.store.bulkJobs.updateJob(
        job.id,
        { notes: [...current.notes, { at, message }] },
        this.deps.nodeName,
      );
    } catch (error) {
      this.log.warn({ err: error, job: job.id }, `could not note on bulk job ${job.id}: ${message}`);
    }
  }

  private arm(job: BulkJobRecord): void {
    this.disarm(job.id);
    const due = job.scheduledAt ? Date.parse(job.scheduledAt) - this.deps.clock().getTime() : 0;
    if (due <= 0) {
      void this.startJob(job.id);
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(job.id);
        void this.deps.store.bulkJobs.findJob(job.id).then(
          (current) =>
            current &&
            current.status === 'scheduled' &&
            current.runner === this.deps.nodeName &&
            this.arm(current),
          (error: unknown) =>
            this.log.error({ err: error, job: job.id }, 'could not read a scheduled bulk job'),
        );
      },
      Math.min(due, MAX_TIMER_MS),
    );
    timer.unref();
    this.timers.set(job.id, timer);
  }

  private disarm(id: string): void {
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.delete(id);
  }

  /** queued/scheduled → running (persisted, while this node holds the job), then runs it. */
  private async startJob(id: string): Promise<void> {
    if (this.starting.has(id)) return;
    this.starting.add(id);
    try {
      const job = await this.deps.store.bulkJobs.findJob(id);
      if (!job || this.stopped) return;
      const t = jobTransition(job, 'start');
      if (!t.ok) return;
      const startedAt = job.startedAt ?? this.deps.clock().toISOString();
      const held = await this.deps.store.bulkJobs.updateJob(
        id,
        { status: t.status, startedAt },
        this.deps.nodeName,
      );
      if (!held) return;
      this.launch({ ...job, status: t.status, startedAt });
    } catch (error) {
      this.log.error({ err: error, job: id }, `could not start bulk job ${id}`);
    } finally {
      this.starting.delete(id);
    }
  }

  private launch(job: BulkJobRecord): void {
    if (this.stopped || this.executions.has(job.id)) return;
    const execution = new JobExecution(this.deps, job, () => {
      if (this.executions.get(job.id) === execution) this.executions.delete(job.id);
    });
    this.executions.set(job.id, execution);
  }
}
