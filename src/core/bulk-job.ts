/**
 * A bulk job's life cycle (Bulk Administration > Job Scheduler, cucm.md §2) and the states of
 * its items (one per phone). Pure: the services persist and act on these decisions.
 */

export type BulkJobKind = 'migrate-phones';

export type BulkJobStatus =
  'queued' | 'scheduled' | 'running' | 'paused' | 'cancelled' | 'completed' | 'failed';
export const BULK_JOB_STATUSES: readonly BulkJobStatus[] = [
  'queued',
  'scheduled',
  'running',
  'paused',
  'cancelled',
  'completed',
  'failed',
];

/** A job in one of these is over: nothing runs it again. */
export const FINISHED_JOB_STATUSES: readonly BulkJobStatus[] = ['cancelled', 'completed', 'failed'];

export function isJobFinished(status: BulkJobStatus): boolean {
  return FINISHED_JOB_STATUSES.includes(status);
}

/**
 * One phone of a job: `pending` (not started), `running` (a step acts on the device),
 * `waiting` (for the phone to register), then one of the final states.
 */
export type ItemState = 'pending' | 'running' | 'waiting' | 'done' | 'failed' | 'skipped' | 'cancelled';
export const ITEM_STATES: readonly ItemState[] = [
  'pending',
  'running',
  'waiting',
  'done',
  'failed',
  'skipped',
  'cancelled',
];
export const FINISHED_ITEM_STATES: readonly ItemState[] = ['done', 'failed', 'skipped', 'cancelled'];

export function isItemFinished(state: ItemState): boolean {
  return FINISHED_ITEM_STATES.includes(state);
}

/** What an operator or the runner does to a job. */
export type BulkJobAction = 'start' | 'pause' | 'resume' | 'cancel' | 'complete' | 'fail';

export type JobTransition = { ok: true; status: BulkJobStatus } | { ok: false; problem: string };

/**
 * The one transition function of a job. `scheduledInFuture` decides where `resume` goes: a
 * paused job whose time has not come waits for it again.
 */
export function jobTransition(
  job: { id: string; status: BulkJobStatus },
  action: BulkJobAction,
  context: { scheduledInFuture: boolean } = { scheduledInFuture: false },
): JobTransition {
  const to = (status: BulkJobStatus): JobTransition => ({ ok: true, status });
  const refuse = (why: string): JobTransition => ({
    ok: false,
    problem: `job ${job.id} is ${job.status}: ${why}`,
  });
  if (isJobFinished(job.status)) return refuse(`a finished job cannot be ${PAST[action]}`);
  switch (action) {
    case 'start':
      return job.status === 'queued' || job.status === 'scheduled'
        ? to('running')
        : refuse('only a queued or scheduled job starts');
    case 'pause':
      return job.status === 'paused' ? refuse('it is already paused') : to('paused');
    case 'resume':
      if (job.status !== 'paused') return refuse('only a paused job can be resumed');
      return to(context.scheduledInFuture ? 'scheduled' : 'running');
    case 'cancel':
      return to('cancelled');
    case 'complete':
    case 'fail':
      return job.status === 'running'
        ? to(action === 'complete' ? 'completed' : 'failed')
        : refuse(`only a running job can be ${PAST[action]}`);
  }
}

const PAST: Record<BulkJobAction, string> = {
  start: 'started',
  pause: 'paused',
  resume: 'resumed',
  cancel: 'cancelled',
  complete: 'completed',
  fail: 'failed',
};

/** Device > Phone search fields a migration selects phones by (each optional; all must match). */
export interface PhoneSelectionQuery {
  /** Model number, exact (`7940`). */
  model?: string;
  /** Description contains this text, case-insensitive. */
  description?: string;
  /** A line's DN is at least this (numerically, among DNs of at least its length). */
  dnFrom?: string;
  /** A line's DN is at most this (numerically, among DNs of at most its length). */
  dnTo?: string;
  /** Node the phone is registered with (or was last). */
  node?: string;
  /** The load the phone runs: the one it reported, else the one it is configured for. */
  loadId?: string;
}

/** Which phones a job took: a query, or a list of device names (a CSV file's). */
export type PhoneSelection = { query: PhoneSelectionQuery } | { deviceNames: string[] };

/** How a migrate job was asked to run; kept with the job. */
export interface MigrateJobOptions {
  direction: 'SCCP_TO_SIP' | 'SIP_TO_SCCP';
  /** The query, or how many device names were listed (the items name them). */
  selection: { query: PhoneSelectionQuery } | { deviceNameCount: number };
  /** How long one step may wait for a phone before the phone fails at that step. */
  stepTimeoutSeconds: number;
  /** Phones migrated at the same time. */
  concurrency: number;
  /** Switch Auto Registration Phone Protocol to the target protocol when the job starts. */
  switchAutoRegistrationProtocol: boolean;
  /**
   * SCCP→SIP: give each migrated phone that has no SIP credentials a digest user (its device name)
   * and a generated password, which its configuration file carries; an administrator collects the
   * passwords once. Absent in jobs created before the option existed (false).
   */
  createSipCredentials?: boolean;
}

/** Something the job did or found on its way, for the job's page and report. */
export interface JobNote {
  at: string;
  message: string;
}

/** True when `dn` lies in the selection's DN range (numbers compared as numbers; lengths bound it). */
export function dnInSelectionRange(dn: string, from: string | undefined, to: string | undefined): boolean {
  if (!/^[0-9]+$/.test(dn)) return false;
  const value = BigInt(dn);
  if (from !== undefined && (dn.length < from.length || value < BigInt(from))) return false;
  if (to !== undefined && (dn.length > to.length || value > BigInt(to))) return false;
  return true;
}
