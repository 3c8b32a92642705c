import type { Executor } from './executor.js';

export type Role = 'admin' | 'read-only';

export interface User {
  name: string;
  passwordHash: string;
  role: Role;
}

/** Administration users. */
export class UserRepository {
  constructor(private readonly db: Executor) {}

  async find(name: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? { name: row.name, passwordHash: row.password_hash, role: row.role as Role } : null;
  }

  /** Inserts unless the name exists; returns whether it inserted. */
  async createIfAbsent(user: User, now: Date): Promise<boolean> {
    const r = await this.db
      .insertInto('users')
      .values({
        name: user.name,
        password_hash: user.passwordHash,
        role: user.role,
        created_at: now.toISOString(),
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async setPassword(name: string, passwordHash: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash })
      .where('name', '=', name)
      .execute();
  }
}
