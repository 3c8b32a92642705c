import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { ItemState } from '../../core/bulk-job.js';
import { jobTransition } from '../../core/bulk-job.js';
import type { MigrationStep } from '../../core/migration.js';
import { toProtocol } from '../../core/migration.js';
import type { BulkJobItemRecord, BulkJobRecord } from '../../store/bulk-job-repository.js';
import type { Repositories } from '../../store/store.js';
import type { ConfigurationService } from '../configuration-service.js';
import type { PhoneMigrationDeps } from './phone-migration.js';
import { migratePhone } from './phone-migration.js';
import { LeaseLost } from './lease-lost.js';
import { ProgressTally } from './progress.js';

export interface JobExecutionDeps extends PhoneMigrationDeps {
  configuration: ConfigurationService;
  logger: Logger;
}

/** Why a running execution is asked to stop working (lease-lost: another node took the job). */
type Halt = 'cancel' | 'node-stop' | 'lease-lost';

const UNFINISHED: readonly ItemState[] = ['pending', 'running', 'waiting'];
// Progress events: at most one per job in this interval (a 1,000-phone job changes thousands of times).
const PROGRESS_INTERVAL_MS = 250;

/**
 * Runs one job in this process: its phones `concurrency` at a time, each through its steps.
 * Pause lets the phones in progress finish and starts no new one until resumed; cancel stops
 * the phones in progress where they are (each reported with the step it reached); a node
 * stop leaves every phone's persisted step as it is, to be resumed at the next start.
 */
export class JobExecution {
  private paused = false;
  private resumeGate: (() => void) | null = null;
  private halt: Halt | null = null;
  private readonly abort = new AbortController();
  private tally: ProgressTally | null = null;
  private progressTimer: NodeJS.Timeout | null = null;
  private readonly log: Logger;
  /** Resolves when the execution has ended (finished, paused and drained, cancelled, stopped). */
  readonly done: Promise<void>;

  constructor(
    private readonly deps: JobExecutionDeps,
    private job: BulkJobRecord,
    private readonly onEnded: () => void,
  ) {
    this.log = deps.logger.child({ job: job.id });
    // Every phone in progress waits on this signal.
    setMaxListeners(0, this.abort.signal);
    this.done = this.run().finally(() => {
      this.flushProgress();
      this.onEnded();
    });
  }

  get id(): string {
    return this.job.id;
  }

  /** Paused: no new phone starts until resumed. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** No new phone starts; phones in progress finish. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.resumeGate?.();
    this.resumeGate = null;
  }

  /** Stops the phones in progress where they are; resolves when they are recorded as cancelled. */
  async cancel(): Promise<void> {
    this.halt ??= 'cancel';
    this.abort.abort();
    this.resume();
    await this.done;
  }

  /**
   * The node is stopping, or no longer holds the job (`lease-lost`): leave every phone's step
   * persisted as it is, for whichever node runs the job next.
   */
  async stop(why: 'node-stop' | 'lease-lost' = 'node-stop'): Promise<void> {
    this.halt ??= why;
    this.abort.abort();
    this.resume();
    await this.done;
  }

  private async run(): Promise<void> {
    const { store, clock } = this.deps;
    try {
      this.tally = new ProgressTally(await store.bulkJobs.progress(this.job.id));
      await this.switchParameterIfAsked();
      // Phones that were in progress when the node stopped first, then the others in order.
      const items = await store.bulkJobs.items(this.job.id, { states: UNFINISHED });
      items.sort(
        (a, b) => Number(a.state === 'pending') - Number(b.state === 'pending') || a.position - b.position,
      );
      this.log.info(
        { phones: items.length, concurrency: this.job.options.concurrency },
        `bulk job ${this.job.id} running: ${items.length} phone(s) to migrate ${this.job.options.direction}`,
      );
      this.emitProgress(true);
      let next = 0;
      const worker = async () => {
        for (;;) {
          await this.gate();
          if (this.halt || next >= items.length) return;
          await this.migrate(items[next++]);
        }
      };
      const workers = Math.max(1, Math.min(this.job.options.concurrency, items.length));
      await Promise.all(Array.from({ length: workers }, worker));
      if (this.halt) return;
      if (this.paused) return;
      const current = await store.bulkJobs.findJob(this.job.id);
      if (!current) return;
      const t = jobTransition(current, 'complete');
      if (!t.ok) return;
      const finishedAt = clock().toISOString();
      if (!(await store.bulkJobs.updateJob(this.job.id, { status: t.status, finishedAt }, this.runner)))
        throw new LeaseLost(this.job.id, this.runner);
      this.job = { ...current, status: t.status };
      const p = this.tally.progress();
      this.log.info(
        { counts: p.counts },
        `bulk job ${this.job.id} completed: ${p.counts.done} migrated, ${p.counts.failed} failed, ${p.counts.skipped} skipped`,
      );
      this.emitProgress(true);
    } catch (error) {
      if (error instanceof LeaseLost) {
        this.leaseLost(error);
        return;
      }
      await this.failJob(error);
    }
  }

  /** This node's name: the runner its fenced writes require. */
  private get runner(): string {
    return this.deps.nodeName;
  }

  /** Another node runs the job now: stop every phone here where it is, writing nothing more. */
  private leaseLost(error: LeaseLost): void {
    if (this.halt !== 'lease-lost') this.log.warn(error.message);
    if (this.halt !== 'cancel') this.halt = 'lease-lost';
    this.abort.abort();
    this.resume();
  }

  private async failJob(error: unknown): Promise<void> {
    const message = `the job stopped on an internal error (${(error as Error).message}); the node log has the details. Phones not reached are still pending: resume the job or create a new one for them`;
    this.log.error({ err: error }, `bulk job ${this.job.id} failed`);
    try {
      const current = await this.deps.store.bulkJobs.findJob(this.job.id);
      if (current && current.status === 'running') {
        await this.deps.store.bulkJobs.updateJob(
          this.job.id,
          { status: 'failed', message, finishedAt: this.deps.clock().toISOString() },
          this.runner,
        );
        this.job = { ...current, status: 'failed', message };
      }
    } catch (inner) {
      this.log.error({ err: inner }, 'could not record the failure of the bulk job');
    }
    this.emitProgress(true);
  }

  /** Waits while paused (until resumed, cancelled or stopped). */
  private async gate(): Promise<void> {
    while (this.paused && !this.halt) {
      this.emitProgress(true);
      await new Promise<void>((resolve) => {
        this.resumeGate = resolve;
      });
    }
  }

  /** Auto Registration Phone Protocol, when the job was asked to switch it (cucm.md §1.3); no restart. */
  private async switchParameterIfAsked(): Promise<void> {
    const { options, notes } = this.job;
    if (
      !options.switchAutoRegistrationProtocol ||
      notes.some((n) => n.message.startsWith('Auto Registration'))
    )
      return;
    const to = toProtocol(options.direction);
    const before = (await this.deps.configuration.getParameters()).autoRegistrationPhoneProtocol;
    const message =
      before === to
        ? `Auto Registration Phone Protocol was already ${to}`
        : `Auto Registration Phone Protocol switched from ${before} to ${to} (applies to the next registration, no restart)`;
    if (before !== to) await this.deps.configuration.updateParameters({ autoRegistrationPhoneProtocol: to });
    const updated = [...notes, { at: this.deps.clock().toISOString(), message }];
    if (!(await this.deps.store.bulkJobs.updateJob(this.job.id, { notes: updated }, this.runner)))
      throw new LeaseLost(this.job.id, this.runner);
    this.job = { ...this.job, notes: updated };
    this.log.info(message);
  }

  private async migrate(item: BulkJobItemRecord): Promise<void> {
    const { store, clock, watch } = this.deps;
    const name = item.deviceName;
    let position = { step: item.step, state: item.state };
    const update = async (
      change: { step?: MigrationStep; state?: ItemState; reason?: string | null; finished?: boolean },
      tx?: Repositories,
    ) => {
      const at = clock().toISOString();
      const to = { step: change.step ?? position.step, state: change.state ?? position.state };
      // Fenced: written only while this node holds the job (in a device switch's transaction, a
      // refusal rolls the switch back too), so a phone is never migrated by two nodes.
      const written = await (tx ?? store).bulkJobs.updateItem(
        this.job.id,
        name,
        {
          step: to.step,
          state: to.state,
          ...(change.reason !== undefined ? { reason: change.reason } : {}),
          ...(item.startedAt === null ? { startedAt: at } : {}),
          ...(change.finished ? { finishedAt: at } : {}),
          updatedAt: at,
        },
        this.runner,
      );
      if (!written) throw new LeaseLost(this.job.id, this.runner);
      item.startedAt ??= at;
      this.tally?.move(position, to);
      position = to;
      this.emitProgress(false);
    };
    const subscription = watch.subscribe(name);
    try {
      const outcome = await migratePhone(this.deps, {
        deviceName: name,
        plan: item.plan,
        step: item.step,
        resumed: item.state !== 'pending',
        subscription,
        stepTimeoutMs: this.job.options.stepTimeoutSeconds * 1000,
        signal: this.abort.signal,
        update: (change, tx) => update(change, tx),
        createSipCredentialsFor: this.job.options.createSipCredentials ? this.job.id : undefined,
      });
      switch (outcome.kind) {
        case 'done':
          await update({
            state: 'done',
            reason: outcome.notes.length ? outcome.notes.join('; ') : null,
            finished: true,
          });
          return;
        case 'failed':
          this.log.warn(
            { device: name, step: outcome.step },
            `migration of ${name} failed: ${outcome.reason}`,
          );
          await update({ step: outcome.step, state: 'failed', reason: outcome.reason, finished: true });
          return;
        case 'aborted':
          if (this.halt === 'cancel') {
            await update({
              step: outcome.step,
              state: 'cancelled',
              reason: cancelledReason(name, item, outcome.step, outcome.started),
              finished: true,
            });
          }
          return;
      }
    } catch (error) {
      if (error instanceof LeaseLost) {
        this.leaseLost(error);
        return;
      }
      if (this.halt === 'node-stop' || this.halt === 'lease-lost') return;
      this.log.error({ err: error, device: name }, `migration of ${name} failed on an internal error`);
      await update({
        state: 'failed',
        reason: `internal error (${(error as Error).message}); the node log has the details`,
        finished: true,
      }).catch(() => undefined);
    } finally {
      subscription.close();
    }
  }

  /** Publishes the job's progress on LiveEvents, at most every PROGRESS_INTERVAL_MS unless `now`. */
  private emitProgress(now: boolean): void {
    if (now) {
      this.flushProgress();
      return;
    }
    this.progressTimer ??= setTimeout(() => this.flushProgress(), PROGRESS_INTERVAL_MS);
  }

  private flushProgress(): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = null;
    if (!this.tally) return;
    const status =
      this.halt === 'cancel'
        ? 'cancelled'
        : this.paused && this.job.status === 'running'
          ? 'paused'
          : this.job.status;
    this.deps.live.emit('bulk-job-progress', {
      jobId: this.job.id,
      status,
      progress: this.tally.progress(),
      at: this.deps.clock().toISOString(),
    });
  }
}

/** What a cancelled phone was left as, from the step it had reached. */
function cancelledReason(
  name: string,
  item: BulkJobItemRecord,
  step: MigrationStep,
  started: boolean,
): string {
  const { plan } = item;
  const upgraded =
    plan.steps.indexOf(step) > plan.steps.indexOf('upgrade-sccp-load') && plan.intermediateLoadId;
  switch (step) {
    case 'upgrade-sccp-load':
      return started
        ? `job cancelled while ${name} was taking SCCP load ${plan.intermediateLoadId}: it is still an SCCP phone; its Phone Load Name is now ${plan.intermediateLoadId}`
        : `job cancelled before ${name} was changed: it is still a ${plan.fromProtocol} phone`;
    case 'switch-protocol':
      return upgraded
        ? `job cancelled after ${name} took SCCP load ${plan.intermediateLoadId}, before its switch to ${plan.toProtocol}: it is still an SCCP phone with Phone Load Name ${plan.intermediateLoadId}`
        : `job cancelled before ${name} was changed: it is still a ${plan.fromProtocol} phone`;
    case 'await-registration':
      return `job cancelled while waiting for ${name} to register over ${plan.toProtocol}: the device is a ${plan.toProtocol} phone in openucm and registers when the phone boots with ${plan.targetLoadId ?? 'its load'}`;
  }
}
