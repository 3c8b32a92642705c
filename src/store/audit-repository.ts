import type { Executor } from './executor.js';

/** One changed field: its dotted path and the values before and after (null when absent). */
export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

/** One line of the audit log: who changed what, when, through which door. */
export interface AuditEntry {
  id: number;
  at: string;
  user: string;
  /** `ui` (browser session), `basic` (HTTP Basic) or `api-key`. */
  via: string;
  /** `create`, `update`, `delete`, `reset`, `restart`, … */
  action: string;
  /** Kind of thing changed: `phone`, `node`, `enterprise-parameters`, `user`, … */
  target: string;
  targetName: string;
  changes: FieldChange[];
  summary: string;
}

export interface AuditQuery {
  user?: string;
  target?: string;
  targetName?: string;
  beforeId?: number;
  limit: number;
}

/** The audit log, newest first. */
export class AuditRepository {
  constructor(private readonly db: Executor) {}

  async insert(entry: Omit<AuditEntry, 'id'>): Promise<number> {
    const row = await this.db
      .insertInto('audit_log')
      .values({
        at: entry.at,
        user_name: entry.user,
        via: entry.via,
        action: entry.action,
        target: entry.target,
        target_name: entry.targetName,
        changes: JSON.stringify(entry.changes),
        summary: entry.summary,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async list(q: AuditQuery): Promise<AuditEntry[]> {
    let query = this.db.selectFrom('audit_log').selectAll();
    if (q.user) query = query.where('user_name', '=', q.user);
    if (q.target) query = query.where('target', '=', q.target);
    if (q.targetName) query = query.where('target_name', '=', q.targetName);
    if (q.beforeId !== undefined) query = query.where('id', '<', q.beforeId);
    const rows = await query.orderBy('id', 'desc').limit(q.limit).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      at: r.at,
      user: r.user_name,
      via: r.via,
      action: r.action,
      target: r.target,
      targetName: r.target_name,
      changes: JSON.parse(r.changes) as FieldChange[],
      summary: r.summary,
    }));
  }

  /** Deletes up to `limit` entries older than `before` (ISO-8601), oldest first; returns how many. */
  async deleteOlderThan(before: string, limit: number): Promise<number> {
    const r = await this.db
      .deleteFrom('audit_log')
      .where('id', 'in', (eb) =>
        eb.selectFrom('audit_log').select('id').where('at', '<', before).orderBy('id').limit(limit),
      )
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
