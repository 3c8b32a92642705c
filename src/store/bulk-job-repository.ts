import type { ExpressionBuilder } from 'kysely';
import type { BulkJobKind, BulkJobStatus, ItemState, JobNote, MigrateJobOptions } from '../core/bulk-job.js';
import { FINISHED_ITEM_STATES, FINISHED_JOB_STATUSES } from '../core/bulk-job.js';
import type { DeviceProtocol } from '../core/device.js';
import type { MigrationStep, PhonePlan } from '../core/migration.js';
import type { Flavor } from './database.js';
import type { Executor } from './executor.js';
import type { Schema } from './schema.js';

/** A bulk job as stored. */
export interface BulkJobRecord {
  id: string;
  kind: BulkJobKind;
  status: BulkJobStatus;
  /** The node it was created on. */
  node: string;
  /** The node running it now, which holds its lease (null: nobody yet). */
  runner: string | null;
  /** When the runner's lease ends unless renewed (null: released, any node may take the job). */
  leaseUntil: string | null;
  scheduledAt: string | null;
  createdBy: string;
  options: MigrateJobOptions;
  notes: JobNote[];
  /** Why the job as a whole failed or was cancelled; null otherwise. */
  message: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** One phone of a job. */
export interface BulkJobItemRecord {
  jobId: string;
  /** Order in which the job takes its phones. */
  position: number;
  deviceName: string;
  /** The step the phone is at (or ended at). */
  step: MigrationStep;
  state: ItemState;
  reason: string | null;
  plan: PhonePlan;
  startedAt: string | null;
  updatedAt: string;
  finishedAt: string | null;
}

/** How many phones of a job are at each step in each state. */
export interface StepStateCount {
  step: MigrationStep;
  state: ItemState;
  count: number;
}

export type ItemChange = Partial<
  Pick<BulkJobItemRecord, 'step' | 'state' | 'reason' | 'plan' | 'startedAt' | 'finishedAt'>
> & {
  updatedAt: string;
};

export type JobChange = Partial<
  Pick<BulkJobRecord, 'status' | 'scheduledAt' | 'notes' | 'message' | 'startedAt' | 'finishedAt'>
>;

/** The device columns a migration reads to follow a phone. */
export interface DeviceRegistrationRow {
  name: string;
  protocol: DeviceProtocol;
  status: string;
  node: string | null;
  activeLoadId: string | null;
}

// Rows per INSERT: 10 columns × 200 stays far below SQLite's and PostgreSQL's parameter limits.
const INSERT_CHUNK = 200;
// Names per IN (…) list.
const IN_CHUNK = 500;
const ACTIVE_JOB_STATUSES = ['queued', 'scheduled', 'running', 'paused'] as const;

function jobOf(row: Schema['bulk_jobs']): BulkJobRecord {
  return {
    id: row.id,
    kind: row.kind as BulkJobKind,
    status: row.status as BulkJobStatus,
    node: row.node,
    runner: row.runner,
    leaseUntil: row.lease_until,
    scheduledAt: row.scheduled_at,
    createdBy: row.created_by,
    options: JSON.parse(row.options) as MigrateJobOptions,
    notes: JSON.parse(row.notes) as JobNote[],
    message: row.message,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

function itemOf(row: Schema['bulk_job_items']): BulkJobItemRecord {
  return {
    jobId: row.job_id,
    position: row.position,
    deviceName: row.device_name,
    step: row.step as MigrationStep,
    state: row.state as ItemState,
    reason: row.reason,
    plan: JSON.parse(row.plan) as PhonePlan,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * Bulk jobs, their items, and the two writes a migration makes to a device (its load, its
 * protocol), so that a device change and its item's step commit in one transaction.
 */
export class BulkJobRepository {
  constructor(
    private readonly db: Executor,
    private readonly flavor: Flavor = 'sqlite',
  ) {}

  async insertJob(job: BulkJobRecord, items: BulkJobItemRecord[]): Promise<void> {
    await this.db
      .insertInto('bulk_jobs')
      .values({
        id: job.id,
        kind: job.kind,
        status: job.status,
        node: job.node,
        runner: job.runner,
        lease_until: job.leaseUntil,
        scheduled_at: job.scheduledAt,
        created_by: job.createdBy,
        options: JSON.stringify(job.options),
        notes: JSON.stringify(job.notes),
        message: job.message,
        created_at: job.createdAt,
        started_at: job.startedAt,
        finished_at: job.finishedAt,
      })
      .execute();
    for (const chunk of chunks(items, INSERT_CHUNK)) {
      await this.db
        .insertInto('bulk_job_items')
        .values(
          chunk.map((i) => ({
            job_id: i.jobId,
            position: i.position,
            device_name: i.deviceName,
            step: i.step,
            state: i.state,
            reason: i.reason,
            plan: JSON.stringify(i.plan),
            started_at: i.startedAt,
            updated_at: i.updatedAt,
            finished_at: i.finishedAt,
          })),
        )
        .execute();
    }
  }

  async findJob(id: string): Promise<BulkJobRecord | null> {
    const row = await this.db.selectFrom('bulk_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? jobOf(row) : null;
  }

  /** Newest first. */
  async listJobs(opts: { status?: BulkJobStatus; limit: number; offset: number }): Promise<{
    items: BulkJobRecord[];
    total: number;
  }> {
    let query = this.db.selectFrom('bulk_jobs');
    if (opts.status) query = query.where('status', '=', opts.status);
    const count = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute();
    return { items: rows.map(jobOf), total: Number(count.n) };
  }

  /**
   * Takes (or keeps) the lease of every unfinished job that `runner` holds already or that nobody
   * holds (no runner, lease released or expired at `now`), until `leaseUntil`; returns those jobs.
   * Run it in a transaction: on PostgreSQL the jobs are read FOR UPDATE SKIP LOCKED, so that two
   * nodes looking at once never both take one (a job another node is taking is left to it), and
   * the update takes only rows still free (cluster.md §3.a "One runner per job").
   */
  async claim(lease: {
    runner: string;
    now: string;
    leaseUntil: string;
  }): Promise<{ job: BulkJobRecord; from: string | null }[]> {
    const { runner, now, leaseUntil } = lease;
    const free = (eb: ExpressionBuilder<Schema, 'bulk_jobs'>) =>
      eb.or([
        eb('runner', 'is', null),
        eb('runner', '=', runner),
        eb('lease_until', 'is', null),
        eb('lease_until', '<', now),
      ]);
    let query = this.db
      .selectFrom('bulk_jobs')
      .selectAll()
      .where('status', 'not in', [...FINISHED_JOB_STATUSES])
      .where(free)
      .orderBy('created_at');
    if (this.flavor === 'postgres') query = query.forUpdate().skipLocked();
    const rows = await query.execute();
    if (rows.length === 0) return [];
    let updated = 0;
    for (const chunk of chunks(rows, IN_CHUNK)) {
      const r = await this.db
        .updateTable('bulk_jobs')
        .set({ runner, lease_until: leaseUntil })
        .where(
          'id',
          'in',
          chunk.map((row) => row.id),
        )
        .where(free)
        .executeTakeFirst();
      updated += Number(r.numUpdatedRows);
    }
    const taken = (r: Schema['bulk_jobs']) => ({
      job: jobOf({ ...r, runner, lease_until: leaseUntil }),
      from: r.runner,
    });
    if (updated === rows.length) return rows.map(taken);
    // Another node took some between the read and the update (possible only without row locks).
    const mine = await this.db
      .selectFrom('bulk_jobs')
      .selectAll()
      .where('runner', '=', runner)
      .where('lease_until', '=', leaseUntil)
      .where('status', 'not in', [...FINISHED_JOB_STATUSES])
      .orderBy('created_at')
      .execute();
    const before = new Map(rows.map((r) => [r.id, r.runner]));
    return mine.map((r) => ({ job: jobOf(r), from: before.get(r.id) ?? null }));
  }

  /** `runner` stops: its leases end now, so that another node may take its jobs at once. */
  async releaseLeases(runner: string): Promise<void> {
    await this.db
      .updateTable('bulk_jobs')
      .set({ lease_until: null })
      .where('runner', '=', runner)
      .where('status', 'not in', [...FINISHED_JOB_STATUSES])
      .execute();
  }

  /**
   * Changes a job; with `runner`, only while that node still holds it (a fenced write: false when
   * another node took the job over).
   */
  async updateJob(id: string, change: JobChange, runner?: string): Promise<boolean> {
    const set: Partial<Schema['bulk_jobs']> = {};
    if (change.status !== undefined) set.status = change.status;
    if (change.scheduledAt !== undefined) set.scheduled_at = change.scheduledAt;
    if (change.notes !== undefined) set.notes = JSON.stringify(change.notes);
    if (change.message !== undefined) set.message = change.message;
    if (change.startedAt !== undefined) set.started_at = change.startedAt;
    if (change.finishedAt !== undefined) set.finished_at = change.finishedAt;
    if (Object.keys(set).length === 0) return true;
    let query = this.db.updateTable('bulk_jobs').set(set).where('id', '=', id);
    if (runner !== undefined) query = query.where('runner', '=', runner);
    const r = await query.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Items in job order, optionally only those in `states`. */
  async items(
    jobId: string,
    opts: { states?: readonly ItemState[]; limit?: number; offset?: number } = {},
  ): Promise<BulkJobItemRecord[]> {
    let query = this.db.selectFrom('bulk_job_items').selectAll().where('job_id', '=', jobId);
    if (opts.states) query = query.where('state', 'in', [...opts.states]);
    query = query.orderBy('position');
    if (opts.limit !== undefined) query = query.limit(opts.limit).offset(opts.offset ?? 0);
    return (await query.execute()).map(itemOf);
  }

  async countItems(jobId: string, states?: readonly ItemState[]): Promise<number> {
    let query = this.db.selectFrom('bulk_job_items').where('job_id', '=', jobId);
    if (states) query = query.where('state', 'in', [...states]);
    const row = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Changes one phone of a job; with `runner`, only while that node still holds the job's lease
   * (false when another node took it over: in a transaction, the caller rolls back with it).
   */
  async updateItem(jobId: string, deviceName: string, change: ItemChange, runner?: string): Promise<boolean> {
    const set: Partial<Schema['bulk_job_items']> = { updated_at: change.updatedAt };
    if (change.step !== undefined) set.step = change.step;
    if (change.state !== undefined) set.state = change.state;
    if (change.reason !== undefined) set.reason = change.reason;
    if (change.plan !== undefined) set.plan = JSON.stringify(change.plan);
    if (change.startedAt !== undefined) set.started_at = change.startedAt;
    if (change.finishedAt !== undefined) set.finished_at = change.finishedAt;
    let query = this.db
      .updateTable('bulk_job_items')
      .set(set)
      .where('job_id', '=', jobId)
      .where('device_name', '=', deviceName);
    if (runner !== undefined) {
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('bulk_jobs')
            .select('bulk_jobs.id')
            .where('bulk_jobs.id', '=', jobId)
            .where('bulk_jobs.runner', '=', runner),
        ),
      );
    }
    const r = await query.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Marks every item of the job still in `states` as cancelled with `reason`; returns how many. */
  async cancelItems(
    jobId: string,
    states: readonly ItemState[],
    reason: string,
    at: string,
  ): Promise<number> {
    const r = await this.db
      .updateTable('bulk_job_items')
      .set({ state: 'cancelled', reason, updated_at: at, finished_at: at })
      .where('job_id', '=', jobId)
      .where('state', 'in', [...states])
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async progress(jobId: string): Promise<StepStateCount[]> {
    const rows = await this.db
      .selectFrom('bulk_job_items')
      .select(['step', 'state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('job_id', '=', jobId)
      .groupBy(['step', 'state'])
      .execute();
    return rows.map((r) => ({
      step: r.step as MigrationStep,
      state: r.state as ItemState,
      count: Number(r.n),
    }));
  }

  /** Of `names`, those a job that is not finished still has to do, with the job's id. */
  async busyDevices(names: string[]): Promise<{ deviceName: string; jobId: string }[]> {
    const out: { deviceName: string; jobId: string }[] = [];
    for (const chunk of chunks(names, IN_CHUNK)) {
      const rows = await this.db
        .selectFrom('bulk_job_items')
        .innerJoin('bulk_jobs', 'bulk_jobs.id', 'bulk_job_items.job_id')
        .select(['bulk_job_items.device_name as deviceName', 'bulk_jobs.id as jobId'])
        .where('bulk_job_items.device_name', 'in', chunk)
        .where('bulk_jobs.status', 'in', [...ACTIVE_JOB_STATUSES])
        .where('bulk_job_items.state', 'not in', [...FINISHED_ITEM_STATES])
        .execute();
      out.push(...rows);
    }
    return out;
  }

  /** Registration columns of the named devices (absent names are left out). */
  async deviceRegistrations(names: string[]): Promise<DeviceRegistrationRow[]> {
    const out: DeviceRegistrationRow[] = [];
    for (const chunk of chunks(names, IN_CHUNK)) {
      const rows = await this.db
        .selectFrom('devices')
        .select(['name', 'protocol', 'status', 'status_node', 'active_load_id'])
        .where('name', 'in', chunk)
        .execute();
      for (const r of rows) {
        out.push({
          name: r.name,
          protocol: r.protocol as DeviceProtocol,
          status: r.status,
          node: r.status_node,
          activeLoadId: r.active_load_id,
        });
      }
    }
    return out;
  }

  /**
   * Sets a device's Phone Load Name and forgets the load it last reported (the phone is about
   * to boot another one and will report it). False when the device is gone or is no longer of
   * `protocol`.
   */
  async setDeviceLoad(name: string, protocol: DeviceProtocol, loadId: string | null): Promise<boolean> {
    const r = await this.db
      .updateTable('devices')
      .set({ load_id: loadId, active_load_id: null })
      .where('name', '=', name)
      .where('protocol', '=', protocol)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * Switches a device from `from` to `to` with Phone Load Name `loadId` (name, lines, DNs and
   * description stay). False when the device is gone or not of `from` any more.
   */
  async switchDeviceProtocol(
    name: string,
    from: DeviceProtocol,
    to: DeviceProtocol,
    loadId: string | null,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('devices')
      .set({ protocol: to, load_id: loadId, active_load_id: null })
      .where('name', '=', name)
      .where('protocol', '=', from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
