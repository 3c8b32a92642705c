import type { Executor } from './executor.js';

/** An API key without its secret. */
export interface ApiKeyInfo {
  id: string;
  userName: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** API keys of scripts; a key acts as its user, with the user's current role. */
export class ApiKeyRepository {
  constructor(private readonly db: Executor) {}

  async insert(key: ApiKeyInfo & { secretHash: string }): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({
        id: key.id,
        user_name: key.userName,
        label: key.label,
        secret_hash: key.secretHash,
        created_at: key.createdAt,
        last_used_at: key.lastUsedAt,
      })
      .execute();
  }

  async find(id: string): Promise<(ApiKeyInfo & { secretHash: string }) | null> {
    const r = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { ...toInfo(r), secretHash: r.secret_hash } : null;
  }

  /** Every key, or those of one user. */
  async list(userName?: string): Promise<ApiKeyInfo[]> {
    let q = this.db.selectFrom('api_keys').selectAll();
    if (userName) q = q.where('user_name', '=', userName);
    return (await q.orderBy('created_at').execute()).map(toInfo);
  }

  async markUsed(id: string, at: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('api_keys').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

function toInfo(r: {
  id: string;
  user_name: string;
  label: string;
  created_at: string;
  last_used_at: string | null;
}): ApiKeyInfo {
  return {
    id: r.id,
    userName: r.user_name,
    label: r.label,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  };
}
