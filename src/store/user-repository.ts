import type { Executor } from './executor.js';

export type Role = 'admin' | 'read-only';

export interface User {
  name: string;
  passwordHash: string;
  role: Role;
}

/**
 * A user as the administration lists it (no password hash). Sign-in lock-outs are per source
 * address and live in the node's memory (services/sign-in-lockouts); the columns failed_logins
 * and locked_until are no longer used.
 */
export interface UserAccount {
  name: string;
  role: Role;
  createdAt: string;
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

  async list(): Promise<UserAccount[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, role: r.role as Role, createdAt: r.created_at }));
  }

  /** The account of `name`, or null. */
  async account(name: string): Promise<UserAccount | null> {
    const r = await this.db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
    return r ? { name: r.name, role: r.role as Role, createdAt: r.created_at } : null;
  }

  async setRole(name: string, role: Role): Promise<void> {
    await this.db.updateTable('users').set({ role }).where('name', '=', name).execute();
  }

  /** Deletes a user (its sessions and API keys go with it); returns whether it existed. */
  async delete(name: string): Promise<boolean> {
    const r = await this.db.deleteFrom('users').where('name', '=', name).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
