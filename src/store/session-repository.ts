import type { Executor } from './executor.js';

/** A browser session as stored: `id` is the SHA-256 (hex) of the cookie's token. */
export interface StoredSession {
  id: string;
  userName: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
}

/** Browser sessions of the administration UI. */
export class SessionRepository {
  constructor(private readonly db: Executor) {}

  async insert(s: StoredSession): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: s.id,
        user_name: s.userName,
        csrf_token: s.csrfToken,
        created_at: s.createdAt,
        expires_at: s.expiresAt,
        last_seen_at: s.lastSeenAt,
      })
      .execute();
  }

  async find(id: string): Promise<StoredSession | null> {
    const r = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return r
      ? {
          id: r.id,
          userName: r.user_name,
          csrfToken: r.csrf_token,
          createdAt: r.created_at,
          expiresAt: r.expires_at,
          lastSeenAt: r.last_seen_at,
        }
      : null;
  }

  /** Slides the idle expiry forward. */
  async touch(id: string, lastSeenAt: string, expiresAt: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  /** Ends every session of `userName` except `keep` (after a password change). */
  async deleteForUser(userName: string, keep?: string): Promise<number> {
    let q = this.db.deleteFrom('sessions').where('user_name', '=', userName);
    if (keep) q = q.where('id', '!=', keep);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Ends the oldest sessions of `userName` beyond the newest `keep`; returns the ids it ended. */
  async keepNewestOfUser(userName: string, keep: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .select('id')
      .where('user_name', '=', userName)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .offset(keep)
      .limit(1_000_000)
      .execute();
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    await this.db.deleteFrom('sessions').where('id', 'in', ids).execute();
    return ids;
  }

  async deleteExpired(now: string): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
