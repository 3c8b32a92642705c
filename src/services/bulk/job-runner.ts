import type { Logger } from 'pino';
import { jobTransition } from '../../core/bulk-job.js';
import type { BulkJobRecord } from '../../store/bulk-job-repository.js';
import type { JobExecutionDeps } from './job-execution.js';
import { JobExecution } from './job-execution.js';

// setTimeout takes at most 2^31-1 ms (~24.8 days); a later job is re-armed when the timer fires.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Runs the jobs of this node: starts queued ones, starts scheduled ones at their time, and on
 * node start resumes the ones that were running (each phone at its persisted step).
 */
export class BulkJobRunner {
  private readonly executions = new Map<string, JobExecution>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;
  private readonly log: Logger;

  constructor(private readonly deps: JobExecutionDeps) {
    this.log = deps.logger;
  }

  /** Picks up this node's unfinished jobs (after a restart: resumes the running ones). */
  async start(): Promise<void> {
    this.stopped = false;
    const jobs = await this.deps.store.bulkJobs.unfinishedJobsOf(this.deps.nodeName);
    for (const job of jobs) {
      if (job.status === 'running') {
        this.log.info({ job: job.id }, `resuming bulk job ${job.id} where it was when the node stopped`);
        this.launch(job);
      } else {
        this.admit(job);
      }
    }
  }

  /** Ends every execution, leaving each phone's step persisted; cancels the timers. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.executions.values()].map((e) => e.stop()));
  }

  /** A job was created or resumed: start it now, or at its time. */
  admit(job: BulkJobRecord): void {
    if (this.stopped) return;
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
          (current) => current && current.status === 'scheduled' && this.arm(current),
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

  /** queued/scheduled → running (persisted), then runs it. */
  private async startJob(id: string): Promise<void> {
    try {
      const job = await this.deps.store.bulkJobs.findJob(id);
      if (!job || this.stopped) return;
      const t = jobTransition(job, 'start');
      if (!t.ok) return;
      const startedAt = this.deps.clock().toISOString();
      await this.deps.store.bulkJobs.updateJob(id, {
        status: t.status,
        startedAt: job.startedAt ?? startedAt,
      });
      this.launch({ ...job, status: t.status, startedAt: job.startedAt ?? startedAt });
    } catch (error) {
      this.log.error({ err: error, job: id }, `could not start bulk job ${id}`);
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
