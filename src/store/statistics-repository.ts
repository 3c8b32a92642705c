import { sql } from 'kysely';
import type { Executor } from './executor.js';

/** Registrations per minute and outcome (minute as `YYYY-MM-DDTHH:MM`, UTC). */
export interface MinuteCount {
  minute: string;
  outcome: string;
  n: number;
}

/** Calls begun in one minute (epoch seconds of its start), and how many of them failed. */
export interface CallMinute {
  minute: number;
  calls: number;
  failed: number;
}

/**
 * The cause a CDR's call ended with: the destination's when it recorded one, else the caller's.
 * A call failed when that cause is neither 0 nor 16 (normal clearing: someone hung up) nor 393216
 * (CUCM's "call split": a transfer ended it, core/call/join.ts).
 */
const callCause = sql<number>`CASE WHEN ${sql.ref('destCause_value')} <> 0 THEN ${sql.ref('destCause_value')} ELSE ${sql.ref('origCause_value')} END`;
const failed = sql<boolean>`${callCause} NOT IN (0, 16, 393216)`;

/** Aggregates for the dashboard and /metrics: counted by the database, never row by row in JS. */
export class StatisticsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Registration attempts since `since` (ISO-8601), counted per minute and outcome; a folded
   * refusal counts all its attempts in the minute it began.
   */
  async eventsPerMinute(since: string): Promise<MinuteCount[]> {
    const minute = sql<string>`substr(at, 1, 16)`;
    const rows = await this.db
      .selectFrom('registration_events')
      .select([minute.as('minute'), 'outcome', (eb) => eb.fn.sum<number>('attempt_count').as('n')])
      .where('at', '>=', since)
      .groupBy([minute, 'outcome'])
      .execute();
    return rows.map((r) => ({ minute: r.minute, outcome: r.outcome, n: Number(r.n) }));
  }

  /** Devices counted by status, protocol, node and model. */
  async devicesByState(): Promise<
    { status: string; protocol: string; node: string | null; model: string; n: number }[]
  > {
    const rows = await this.db
      .selectFrom('devices')
      .select([
        'status',
        'protocol',
        'status_node as node',
        'model',
        (eb) => eb.fn.countAll<number>().as('n'),
      ])
      .groupBy(['status', 'protocol', 'status_node', 'model'])
      .execute();
    return rows.map((r) => ({ ...r, n: Number(r.n) }));
  }

  /** Calls begun at or after `since` (epoch seconds), counted per minute, with their failures. */
  async callsPerMinute(since: number): Promise<CallMinute[]> {
    const minute = sql<number>`${sql.ref('dateTimeOrigination')} / 60`;
    const rows = await this.db
      .selectFrom('call_detail_records')
      .select([
        minute.as('minute'),
        (eb) => eb.fn.countAll<number>().as('calls'),
        sql<number>`SUM(CASE WHEN ${failed} THEN 1 ELSE 0 END)`.as('failed'),
      ])
      .where('dateTimeOrigination', '>=', since)
      .groupBy(minute)
      .execute();
    return rows.map((r) => ({
      minute: Number(r.minute) * 60,
      calls: Number(r.calls),
      failed: Number(r.failed),
    }));
  }

  /** Calls begun at or after `since` (epoch seconds) that failed, counted per Q.850 cause, most first (then by cause). */
  async callFailuresByCause(since: number): Promise<{ cause: number; calls: number }[]> {
    const rows = await this.db
      .selectFrom('call_detail_records')
      .select([callCause.as('cause'), (eb) => eb.fn.countAll<number>().as('calls')])
      .where('dateTimeOrigination', '>=', since)
      .where(failed)
      .groupBy(callCause)
      .orderBy('calls', 'desc')
      .orderBy(callCause)
      .execute();
    return rows.map((r) => ({ cause: Number(r.cause), calls: Number(r.calls) }));
  }
}
