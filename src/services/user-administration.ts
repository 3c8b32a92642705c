import type { Logger } from 'pino';
import type { ApiKeyInfo } from '../store/api-key-repository.js';
import type { Store } from '../store/store.js';
import type { Role, UserAccount } from '../store/user-repository.js';
import type { AccessChanges } from './access-changes.js';
import { apiKeyLabelProblem, passwordProblem, userNameProblem } from './account-rules.js';
import type { AuthenticationService } from './authentication.js';
import { AuthenticationError } from './authentication.js';
import type { Clock } from './clock.js';
import { ConflictError, NotFoundError, ValidationError } from './configuration-service.js';
import { hashPassword } from './passwords.js';
import type { Lockout } from './sign-in-lockouts.js';

/** A user as User Management shows it: the stored account and where it is locked out from. */
export interface UserView {
  name: string;
  role: Role;
  createdAt: string;
  /** The latest lock-out still running (from any address), or null. */
  lockedUntil: string | null;
  /** Consecutive failed sign-ins, summed over the addresses they came from. */
  failedLogins: number;
  lockouts: Lockout[];
}

export interface UserChanges {
  role?: Role;
  password?: string;
  /** true clears a sign-in lock-out. */
  unlock?: boolean;
}

/** User Management: users, their roles and passwords, and API keys. */
export class UserAdministration {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      authentication: AuthenticationService;
      changes: AccessChanges;
      logger: Logger;
      /** API keys one user may have. */
      maxApiKeysPerUser: number;
    },
  ) {}

  async list(): Promise<UserView[]> {
    return (await this.deps.store.users.list()).map((u) => this.view(u));
  }

  async get(name: string): Promise<UserView> {
    const account = await this.deps.store.users.account(name);
    if (!account) throw new NotFoundError(`user ${name} does not exist`);
    return this.view(account);
  }

  // Lock-outs are per source address, in the node's memory; the account's own columns are no longer used.
  private view(account: UserAccount): UserView {
    const lockouts = this.deps.authentication.lockoutsOf(account.name);
    const until = lockouts.map((l) => l.lockedUntil).filter((u): u is string => u !== null);
    return {
      name: account.name,
      role: account.role,
      createdAt: account.createdAt,
      lockedUntil: until.length > 0 ? until.sort().at(-1)! : null,
      failedLogins: lockouts.reduce((n, l) => n + l.failures, 0),
      lockouts,
    };
  }

  async create(input: { name: string; role: Role; password: string }): Promise<UserView> {
    const problem = userNameProblem(input.name) ?? passwordProblem(input.password, input.name);
    if (problem) throw new ValidationError(problem);
    const created = await this.deps.store.users.createIfAbsent(
      { name: input.name, role: input.role, passwordHash: await hashPassword(input.password) },
      this.deps.clock(),
    );
    if (!created) throw new ConflictError(`user ${input.name} already exists`);
    this.deps.logger.info({ user: input.name, role: input.role }, `user ${input.name} created`);
    return this.get(input.name);
  }

  /**
   * Changes role, password or lock-out; the last administrator cannot lose the admin role. A new
   * password ends the user's sessions, except `keepSession` (the administrator's own, when it is theirs).
   */
  async update(name: string, changes: UserChanges, keepSession?: string): Promise<UserView> {
    const { store, changes: told } = this.deps;
    const account = await this.get(name);
    if (changes.password !== undefined) {
      const problem = passwordProblem(changes.password, name);
      if (problem) throw new ValidationError(problem);
    }
    if (changes.role && changes.role !== 'admin' && account.role === 'admin')
      await this.keepOneAdmin(name, 'role');
    if (changes.role) {
      await store.users.setRole(name, changes.role);
      told.tell({ kind: 'role-changed', user: name });
    }
    if (changes.password !== undefined) {
      await store.users.setPassword(name, await hashPassword(changes.password));
      await store.sessions.deleteForUser(name, keepSession);
      told.tell({ kind: 'password-changed', user: name, keptSession: keepSession });
    }
    if (changes.unlock) {
      this.deps.authentication.unlock(name);
      this.deps.logger.info({ user: name }, `user ${name} unlocked: its failed sign-ins are forgotten`);
    }
    return this.get(name);
  }

  async delete(name: string, actor: string): Promise<UserView> {
    const account = await this.get(name);
    if (name === actor)
      throw new ValidationError({
        field: 'name',
        message: 'you cannot delete the user you are signed in as',
      });
    if (account.role === 'admin') await this.keepOneAdmin(name, 'name');
    await this.deps.store.users.delete(name);
    this.deps.changes.tell({ kind: 'user-deleted', user: name });
    this.deps.logger.info({ user: name }, `user ${name} deleted`);
    return account;
  }

  private async keepOneAdmin(name: string, field: string): Promise<void> {
    const admins = (await this.deps.store.users.list()).filter((u) => u.role === 'admin' && u.name !== name);
    if (admins.length === 0) {
      throw new ValidationError({
        field,
        message: `${name} is the last administrator; make another user admin first`,
      });
    }
  }

  /**
   * A user changes their own password; other sessions of the user end, `keepSession` stays. The
   * current password is checked like a sign-in from `address` (throttled, counted).
   */
  async changeOwnPassword(
    name: string,
    currentPassword: string,
    newPassword: string,
    address: string,
    keepSession?: string,
  ): Promise<void> {
    const { store, authentication } = this.deps;
    try {
      await authentication.verifyPassword(name, currentPassword, { address, door: 'sign-in' });
    } catch (error) {
      if (error instanceof AuthenticationError && error.kind === 'invalid-credentials') {
        throw new ValidationError({ field: 'currentPassword', message: 'the current password is wrong' });
      }
      throw error;
    }
    const problem = passwordProblem(newPassword, name, 'newPassword');
    if (problem) throw new ValidationError(problem);
    if (newPassword === currentPassword) {
      throw new ValidationError({
        field: 'newPassword',
        message: 'the new password is the same as the current one',
      });
    }
    await store.users.setPassword(name, await hashPassword(newPassword));
    await store.sessions.deleteForUser(name, keepSession);
    this.deps.changes.tell({ kind: 'password-changed', user: name, keptSession: keepSession });
    this.deps.logger.info({ user: name }, `user ${name} changed their password`);
  }

  listApiKeys(userName?: string): Promise<ApiKeyInfo[]> {
    return this.deps.store.apiKeys.list(userName);
  }

  async createApiKey(userName: string, label: string): Promise<ApiKeyInfo & { key: string }> {
    const problem = apiKeyLabelProblem(label);
    if (problem) throw new ValidationError(problem);
    if (!(await this.deps.store.users.find(userName)))
      throw new ValidationError({ field: 'user', message: `user ${userName} does not exist` });
    const max = this.deps.maxApiKeysPerUser;
    if ((await this.deps.store.apiKeys.list(userName)).length >= max)
      throw new ValidationError({
        field: 'user',
        message: `user ${userName} already has ${max} API keys: revoke the ones no script uses any more (User Management > API Keys), or raise --auth-max-api-keys-per-user`,
      });
    const { id, key } = await this.deps.authentication.createApiKey(userName, label.trim());
    const info = await this.deps.store.apiKeys.find(id);
    if (!info) throw new Error(`API key ${id} vanished right after it was created`);
    const { secretHash: _secret, ...rest } = info;
    return { ...rest, key };
  }

  async deleteApiKey(id: string): Promise<ApiKeyInfo> {
    const key = await this.deps.store.apiKeys.find(id);
    if (!key) throw new NotFoundError(`API key ${id} does not exist`);
    await this.deps.store.apiKeys.delete(id);
    this.deps.changes.tell({ kind: 'api-key-revoked', id });
    const { secretHash: _secret, ...rest } = key;
    return rest;
  }
}
