import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { AdminSettings, AdminSettingsService } from './admin-settings.js';
import type { Clock } from './clock.js';

export interface RetentionJobDeps {
  store: Store;
  settings: Pick<AdminSettingsService, 'get'>;
  clock: Clock;
  logger: Logger;
  /** Time between runs (default an hour). */
  intervalMs?: number;
}

/** What one run deleted. */
export interface RetentionRun {
  events: number;
  audit: number;
  cdrs: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Rows deleted per statement: other writes (registrations) get the database between chunks. */
const CHUNK = 5000;

/**
 * Deletes registration events, audit entries and call detail records past their retention (System
 * > Enterprise Parameters: Registration Event Retention, Audit Log Retention, Registration Event
 * Maximum, CDR Retention), at
 * start, every hour, and at once after a change of those settings. Every node of a cluster runs it;
 * the deletes are idempotent.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RetentionRun> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly deps: RetentionJobDeps) {}

  start(): void {
    this.runSoon();
    this.timer = setInterval(() => this.runSoon(), this.deps.intervalMs ?? HOUR_MS);
    this.timer.unref();
  }

  /** Runs now, or once more after the run in progress (a change of the settings during a run). */
  runSoon(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run()
      .catch((error: unknown) => {
        this.deps.logger.warn(
          { err: error },
          'could not delete registration events, audit entries and call detail records past their retention; the next run (within an hour) tries again. Check the database if this repeats',
        );
        return { events: 0, audit: 0, cdrs: 0 };
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.runSoon();
        }
      });
  }

  /** Deletes what is past retention now; resolves with how much. */
  async run(): Promise<RetentionRun> {
    const { store, settings, clock, logger } = this.deps;
    const s: AdminSettings = await settings.get();
    const now = clock().getTime();
    const eventsBefore = new Date(now - s.registrationEventRetentionDays * DAY_MS).toISOString();
    const auditBefore = new Date(now - s.auditRetentionDays * DAY_MS).toISOString();
    const events =
      (await this.inChunks((n) => store.events.deleteOlderThan(eventsBefore, n))) +
      (await this.inChunks((n) => store.events.deleteBeyond(s.registrationEventMaxRows, n)));
    const audit = await this.inChunks((n) => store.audit.deleteOlderThan(auditBefore, n));
    // CDR times are UTC epoch seconds, as CUCM writes them.
    const cdrsBefore = Math.floor((now - s.cdrRetentionDays * DAY_MS) / 1000);
    const cdrs = await this.inChunks((n) => store.cdrs.deleteOriginatedBefore(cdrsBefore, n));
    if (events > 0 || audit > 0 || cdrs > 0) {
      logger.info(
        { events, audit, cdrs },
        `deleted ${events} registration events (older than ${s.registrationEventRetentionDays} days, or beyond ` +
          `the newest ${s.registrationEventMaxRows}), ${audit} audit entries older than ${s.auditRetentionDays} days ` +
          `and ${cdrs} call detail records of calls begun more than ${s.cdrRetentionDays} days ago`,
      );
    }
    return { events, audit, cdrs };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async inChunks(remove: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      if (this.stopped) return total;
      const n = await remove(CHUNK);
      total += n;
      if (n < CHUNK) return total;
    }
  }
}
