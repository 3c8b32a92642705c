import type { Logger } from 'pino';
import type { RegistrationEvent } from '../core/registration-event.js';
import { flagOf, LIMITS } from '../limits/index.js';
import type { NewCallDetailRecord } from '../store/cdr-repository.js';
import type { StatusChange } from '../store/device-repository.js';
import type { Store } from '../store/store.js';
import type { LimitReporter } from './limit-log.js';
import { CHANNELS, statusPayloads } from './cluster/channels.js';

export interface StatusWriterOptions {
  /** Registration events held at most while the database is slow or down (databaseMaxQueuedEvents). */
  maxQueuedEvents?: number;
  /** Told when the oldest events are dropped past maxQueuedEvents. */
  limits?: LimitReporter;
  /** Failed writes in a row after which the node reports itself unhealthy. */
  unhealthyAfterFailures?: number;
  /** Wait before the first retry of a failed write; it doubles with each failure up to maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  now?: () => number;
  /**
   * This node's name: each batch ends with NOTIFY openucm_status naming its devices, in the same
   * transaction, so that the other nodes of a PostgreSQL cluster show them (docs/cluster.md).
   */
  clusterNode?: string;
}

/** Whether the writer keeps up with the database, for /api/v1/health and /metrics. */
export type StatusWriterHealth = { healthy: true } | { healthy: false; reason: string };

/** A CDR waiting to be written, and whom to tell once it is. */
interface QueuedCdr {
  row: NewCallDetailRecord;
  stored(): void;
}

interface Waiter {
  /** Resolved once every status and event queued before flush() was called is written (or failed). */
  upTo: number;
  resolve(): void;
}

/**
 * Batches status transitions, registration events and call detail records into few database
 * writes, so that a registration storm (or a busy hour of calls) costs a transaction per batch
 * instead of one per phone. `settled()` gives readers of the same node read-your-writes without
 * forcing a write; `flush()` is for writers that must order their own write after the queue.
 *
 * Nothing here is what a phone was acknowledged (its device and DN are committed before its
 * RegisterAck or 200 OK): a status is rebuilt when the phone registers again, and a node that
 * starts marks its phones unregistered. Still, nothing is dropped on an error: a failed write goes
 * back in the queue and is retried with a doubling wait, and after `unhealthyAfterFailures`
 * failures in a row the node reports itself unhealthy until a write succeeds. Memory stays bounded:
 * statuses keep only the newest per device, and past `maxQueuedEvents` the oldest events are
 * dropped (counted and logged), never a status.
 */
export class StatusWriter {
  private statuses = new Map<string, StatusChange>();
  private events: RegistrationEvent[] = [];
  private cdrs: QueuedCdr[] = [];
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  /** Calls of status() and event() so far; a flush waits until `written` reaches its count. */
  private enqueued = 0;
  private written = 0;
  private waiters: Waiter[] = [];
  /** Devices stored with their newest status while a write was under way (see alreadyStored). */
  private readonly storedMeanwhile = new Set<string>();
  /** Devices stored with their status elsewhere (alreadyStored) that the next batch names to the cluster. */
  private announce = new Set<string>();
  private failures = 0;
  private failingSince = 0;
  private lastError = '';
  private unhealthy = false;
  private dropped = 0;
  private droppedCdrs = 0;
  private closed = false;
  private readonly options: Required<Omit<StatusWriterOptions, 'limits' | 'clusterNode'>> & {
    limits?: LimitReporter;
    clusterNode?: string;
  };

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly delayMs = 50,
    private readonly maxBatch = 2000,
    options: StatusWriterOptions = {},
  ) {
    this.options = {
      maxQueuedEvents: LIMITS.databaseMaxQueuedEvents.default,
      unhealthyAfterFailures: 3,
      retryDelayMs: 250,
      maxRetryDelayMs: 10_000,
      now: Date.now,
      ...options,
    };
  }

  status(change: StatusChange): void {
    // Only the newest transition of a device matters.
    this.statuses.set(change.name, change);
    this.enqueued++;
    this.schedule();
  }

  /**
   * The device's newest status is in the database already (written with the device itself): a
   * change still queued for it is older and must not overwrite it.
   */
  alreadyStored(name: string): void {
    this.statuses.delete(name);
    if (this.writing) this.storedMeanwhile.add(name);
    if (this.options.clusterNode !== undefined) {
      this.announce.add(name);
      this.enqueued++;
      this.schedule();
    }
  }

  event(event: RegistrationEvent): void {
    this.events.push(event);
    this.enqueued++;
    this.keepEventsBounded();
    this.schedule();
  }

  /**
   * Queues a finished call's record; resolves once it is in the database (a failed write is
   * retried like the events). Past maxQueuedEvents waiting records the oldest are dropped, and
   * theirs never resolve.
   */
  cdr(row: NewCallDetailRecord): Promise<void> {
    return new Promise((stored) => {
      this.cdrs.push({ row, stored });
      this.enqueued++;
      this.keepCdrsBounded();
      this.schedule();
    });
  }

  /** Whether writes succeed; when not, why and what to do. */
  health(): StatusWriterHealth {
    if (!this.unhealthy) return { healthy: true };
    const since = new Date(this.failingSince).toISOString();
    return {
      healthy: false,
      reason: `registration statuses and events cannot be written to the database (${this.store.database.location}) since ${since}: ${this.failures} attempts failed, the last with "${this.lastError}". ${this.statuses.size} statuses, ${this.events.length} events and ${this.cdrs.length} call detail records are waiting and are retried every ${Math.round(this.retryDelay() / 1000)} s; check that the database is up, reachable and has disk space`,
    };
  }

  /** What is waiting to be written, and the events dropped past the limit since the node started. */
  backlog(): { statuses: number; events: number; cdrs: number; droppedEvents: number; droppedCdrs: number } {
    return {
      statuses: this.statuses.size,
      events: this.events.length,
      cdrs: this.cdrs.length,
      droppedEvents: this.dropped,
      droppedCdrs: this.droppedCdrs,
    };
  }

  /**
   * Writes everything queued so far; resolves when it is in the database, or when an attempt to
   * write it failed (it stays queued and is retried; `health()` says so). While writes are failing it
   * resolves at once: a reader then sees the statuses of the last successful write.
   */
  flush(): Promise<void> {
    if (this.written >= this.enqueued || this.retryTimer) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.waiters.push({ upTo: this.enqueued, resolve }));
    this.start();
    return done;
  }

  /**
   * Resolves once everything queued before this call is in the database by the writer's own
   * schedule (the batch already coming, within its delay), without starting a write early: a
   * reader (a GET) waits for a write instead of forcing one, so readers never multiply the
   * transactions. Resolves at once when nothing is queued and while writes are failing (the reader
   * then sees the last successful write).
   */
  settled(): Promise<void> {
    if (this.written >= this.enqueued || this.retryTimer) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push({ upTo: this.enqueued, resolve }));
  }

  /** The node stops: one last write of what is queued; what it cannot write is logged as lost. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.writing;
    await this.flush();
    if (this.waiting() === 0) return;
    this.logger.error(
      {
        statuses: this.statuses.size,
        events: this.events.length,
        cdrs: this.cdrs.length,
        error: this.lastError,
      },
      `the node stopped with ${this.statuses.size} statuses, ${this.events.length} registration events and ${this.cdrs.length} call detail records it could not write to the database: the events and records are lost; statuses are set again when the phones register (a starting node marks its phones unregistered)`,
    );
  }

  private schedule(): void {
    if (this.writing || this.retryTimer) return;
    if (this.waiting() >= this.maxBatch) {
      this.start();
      return;
    }
    this.timer ??= setTimeout(() => this.start(), this.delayMs);
  }

  private start(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.writing) return;
    if (this.waiting() === 0) {
      this.written = this.enqueued;
      this.wake();
      return;
    }
    this.writing = this.write().finally(() => {
      this.writing = null;
      // What arrived during the write goes next, without waiting for another delay; when nothing
      // is left (a status superseded by alreadyStored), start() marks it all written.
      if (!this.retryTimer) this.start();
    });
  }

  private async write(): Promise<void> {
    const statuses = [...this.statuses.values()];
    const events = this.events;
    const cdrs = this.cdrs;
    const announced = this.announce;
    const upTo = this.enqueued;
    this.statuses = new Map();
    this.events = [];
    this.cdrs = [];
    this.announce = new Set();
    this.storedMeanwhile.clear();
    const node = this.options.clusterNode;
    try {
      await this.store.writeBatch(async (tx) => {
        await tx.devices.applyStatusChanges(statuses);
        await tx.events.insertMany(events);
        await tx.cdrs.insertMany(cdrs.map((c) => c.row));
        if (node === undefined) return;
        const names = new Set([...statuses.map((c) => c.name), ...announced]);
        for (const payload of statusPayloads(node, [...names]))
          await tx.cluster.notify(CHANNELS.status, payload);
      });
    } catch (error) {
      for (const name of announced) this.announce.add(name);
      this.failed(error, statuses, events, cdrs);
      this.wake(upTo);
      return;
    }
    for (const c of cdrs) c.stored();
    this.written = Math.max(this.written, upTo);
    if (this.failures > 0) this.recovered();
    this.wake();
  }

  private failed(
    error: unknown,
    statuses: StatusChange[],
    events: RegistrationEvent[],
    cdrs: QueuedCdr[],
  ): void {
    // Back in the queue, behind nothing newer: a status queued meanwhile is the newer one.
    for (const s of statuses)
      if (!this.statuses.has(s.name) && !this.storedMeanwhile.has(s.name)) this.statuses.set(s.name, s);
    this.events = events.concat(this.events);
    this.keepEventsBounded();
    this.cdrs = cdrs.concat(this.cdrs);
    this.keepCdrsBounded();
    if (this.failures === 0) this.failingSince = this.options.now();
    this.failures++;
    this.lastError = error instanceof Error ? error.message : String(error);
    const delay = this.retryDelay();
    if (this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.start();
    }, delay);
    const waiting = {
      statuses: this.statuses.size,
      events: this.events.length,
      cdrs: this.cdrs.length,
      attempts: this.failures,
    };
    if (!this.unhealthy && this.failures >= this.options.unhealthyAfterFailures) {
      this.unhealthy = true;
      this.logger.error(
        { err: error, ...waiting },
        `node unhealthy: ${(this.health() as { reason: string }).reason}. /api/v1/health answers 503 until a write succeeds`,
      );
      return;
    }
    this.logger.warn(
      { err: error, ...waiting },
      `could not write registration statuses and events to the database (${this.lastError}); they stay queued and are retried in ${delay} ms`,
    );
  }

  private recovered(): void {
    const failedFor = this.options.now() - this.failingSince;
    if (this.unhealthy)
      this.logger.info(
        { attempts: this.failures, failedForMs: failedFor },
        `registration statuses and events are written to the database again after ${Math.round(failedFor / 1000)} s; node healthy`,
      );
    this.failures = 0;
    this.unhealthy = false;
  }

  private retryDelay(): number {
    const { retryDelayMs, maxRetryDelayMs } = this.options;
    return Math.min(retryDelayMs * 2 ** Math.max(0, Math.min(this.failures - 1, 20)), maxRetryDelayMs);
  }

  private keepEventsBounded(): void {
    const excess = this.events.length - this.options.maxQueuedEvents;
    if (excess <= 0) return;
    this.events.splice(0, excess);
    this.dropped += excess;
    this.options.limits?.reached(
      'databaseMaxQueuedEvents',
      {},
      `dropped the ${excess} oldest registration events waiting for the database (${this.dropped} since the node started): more than ${this.options.maxQueuedEvents} were waiting (${flagOf('databaseMaxQueuedEvents')}). Statuses are kept. ${this.unhealthy ? 'The database is failing: check it' : 'The database is slower than the registrations: check its disk'}`,
    );
  }

  private keepCdrsBounded(): void {
    const excess = this.cdrs.length - this.options.maxQueuedEvents;
    if (excess <= 0) return;
    this.cdrs.splice(0, excess);
    this.droppedCdrs += excess;
    this.options.limits?.reached(
      'databaseMaxQueuedEvents',
      {},
      `dropped the ${excess} oldest call detail records waiting for the database (${this.droppedCdrs} since the node started): more than ${this.options.maxQueuedEvents} were waiting (${flagOf('databaseMaxQueuedEvents')}). ${this.unhealthy ? 'The database is failing: check it' : 'The database is slower than the calls: check its disk'}`,
    );
  }

  private waiting(): number {
    return this.statuses.size + this.events.length + this.cdrs.length + this.announce.size;
  }

  /** Resolves the flushes that `upTo` (default: everything written) covers. */
  private wake(upTo = this.written): void {
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.upTo <= upTo) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }
}
