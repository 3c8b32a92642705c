import { sql } from 'kysely';
import type { Executor } from './executor.js';

/** Registrations per minute and outcome (minute as `YYYY-MM-DDTHH:MM`, UTC). */
export interface MinuteCount {
  minute: string;
  outcome: string;
  n: number;
}

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
}
