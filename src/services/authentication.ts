import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Role } from '../store/user-repository.js';
import type { Clock } from './clock.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** Who is signed in, as the services see it. */
export interface Identity {
  name: string;
  role: Role;
}

/** A browser session: the cookie token (given to the browser once) and its CSRF token. */
export interface SessionGrant {
  token: string;
  csrfToken: string;
  expiresAt: string;
}

/** A live session found from its cookie token. */
export interface ActiveSession {
  id: string;
  user: Identity;
  csrfToken: string;
  expiresAt: string;
}

/** Sign-in lock-out and session lifetimes. */
export interface AuthenticationPolicy {
  /** Consecutive failures that lock an account. */
  maxFailures: number;
  lockMinutes: number;
  /** A session idle this long ends (30 minutes: a common web-console default; CUCM's own default was not confirmed). */
  idleMinutes: number;
  /** A session ends this long after sign-in, however active. */
  absoluteHours: number;
}

export const DEFAULT_AUTHENTICATION_POLICY: AuthenticationPolicy = {
  maxFailures: 5,
  lockMinutes: 5,
  idleMinutes: 30,
  absoluteHours: 12,
};

/** A sign-in that is refused: wrong credentials, or an account locked after too many failures. */
export class AuthenticationError extends Error {
  constructor(
    readonly kind: 'invalid-credentials' | 'locked',
    message: string,
    /** When a locked account may try again. */
    readonly retryAt?: Date,
  ) {
    super(message);
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const API_KEY = /^oucm_([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

/** Checks passwords (with lock-out), opens and ends browser sessions, and verifies API keys. */
export class AuthenticationService {
  private dummyHash: Promise<string> | null = null;
  private readonly policy: AuthenticationPolicy;

  constructor(
    private readonly deps: { store: Store; clock: Clock; logger: Logger },
    policy: Partial<AuthenticationPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_AUTHENTICATION_POLICY, ...policy };
  }

  /**
   * The user whose name and password these are. Refuses a locked account even with the right
   * password; the `maxFailures`-th consecutive failure locks it for `lockMinutes`.
   */
  async verifyPassword(name: string, password: string, source: string): Promise<Identity> {
    const { store, clock, logger } = this.deps;
    const user = await store.users.find(name);
    const account = user ? await store.users.account(name) : null;
    if (!user || !account) {
      // Same cost as a real check, so that timing does not tell which user names exist.
      this.dummyHash ??= hashPassword('not a password');
      await verifyPassword(password, await this.dummyHash);
      logger.warn({ user: name, source }, `sign-in refused: no user named ${name}`);
      throw new AuthenticationError('invalid-credentials', 'user name or password is wrong');
    }
    const now = clock();
    if (account.lockedUntil && new Date(account.lockedUntil) > now) {
      throw this.lockedError(name, new Date(account.lockedUntil), now);
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      const failures = await store.users.recordFailedLogin(name);
      if (failures >= this.policy.maxFailures) {
        const until = new Date(now.getTime() + this.policy.lockMinutes * 60_000);
        await store.users.lock(name, until);
        logger.warn(
          { user: name, source, until: until.toISOString() },
          `user ${name} locked after ${failures} failed sign-ins`,
        );
        throw this.lockedError(name, until, now);
      }
      logger.warn({ user: name, source, failures }, `sign-in refused: wrong password for ${name}`);
      const left = this.policy.maxFailures - failures;
      throw new AuthenticationError(
        'invalid-credentials',
        `user name or password is wrong (${left} more failure${left === 1 ? '' : 's'} lock the account for ${this.policy.lockMinutes} minutes)`,
      );
    }
    if (account.failedLogins > 0 || account.lockedUntil) await store.users.clearFailedLogins(name);
    return { name: user.name, role: user.role };
  }

  private lockedError(name: string, until: Date, now: Date): AuthenticationError {
    const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
    return new AuthenticationError(
      'locked',
      `user ${name} is locked after ${this.policy.maxFailures} failed sign-ins; try again in ${minutes} minute${minutes === 1 ? '' : 's'} ` +
        `(at ${until.toISOString().slice(11, 19)} UTC), or ask an administrator to unlock it under User Management > Users`,
      until,
    );
  }

  /** Opens a session for `user`; the token goes into the cookie and is stored only as its hash. */
  async startSession(user: Identity): Promise<SessionGrant> {
    const { store, clock } = this.deps;
    const now = clock();
    await store.sessions.deleteExpired(now.toISOString());
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = this.expiry(now, now.toISOString());
    await store.sessions.insert({
      id: sha256(token),
      userName: user.name,
      csrfToken,
      createdAt: now.toISOString(),
      expiresAt,
      lastSeenAt: now.toISOString(),
    });
    return { token, csrfToken, expiresAt };
  }

  /** The live session of a cookie token, its idle expiry pushed forward; null when unknown or expired. */
  async session(token: string): Promise<ActiveSession | null> {
    const { store, clock } = this.deps;
    if (token.length === 0 || token.length > 100) return null;
    const id = sha256(token);
    const session = await store.sessions.find(id);
    const now = clock();
    if (!session) return null;
    if (new Date(session.expiresAt) <= now) {
      await store.sessions.delete(id);
      return null;
    }
    const user = await store.users.find(session.userName);
    if (!user) return null;
    let expiresAt = session.expiresAt;
    // Writes at most once a minute per session, not on every request.
    if (now.getTime() - new Date(session.lastSeenAt).getTime() > 60_000) {
      expiresAt = this.expiry(now, session.createdAt);
      await store.sessions.touch(id, now.toISOString(), expiresAt);
    }
    return { id, user: { name: user.name, role: user.role }, csrfToken: session.csrfToken, expiresAt };
  }

  private expiry(now: Date, createdAt: string): string {
    const idle = now.getTime() + this.policy.idleMinutes * 60_000;
    const absolute = new Date(createdAt).getTime() + this.policy.absoluteHours * 3_600_000;
    return new Date(Math.min(idle, absolute)).toISOString();
  }

  /** True while the session `id` exists and has not expired (live streams check it now and then). */
  async isSessionAlive(id: string): Promise<boolean> {
    const session = await this.deps.store.sessions.find(id);
    return session !== null && new Date(session.expiresAt) > this.deps.clock();
  }

  async endSession(id: string): Promise<void> {
    await this.deps.store.sessions.delete(id);
  }

  /** Creates an API key for `userName`; the key is returned once and stored only as a hash. */
  async createApiKey(userName: string, label: string): Promise<{ id: string; key: string }> {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    await this.deps.store.apiKeys.insert({
      id,
      userName,
      label,
      secretHash: sha256(secret),
      createdAt: this.deps.clock().toISOString(),
      lastUsedAt: null,
    });
    return { id, key: `oucm_${id}.${secret}` };
  }

  /** The user an API key acts as, or null when the key is unknown or malformed. */
  async verifyApiKey(key: string): Promise<Identity | null> {
    const m = API_KEY.exec(key);
    if (!m) return null;
    const stored = await this.deps.store.apiKeys.find(m[1]);
    if (!stored) return null;
    const a = Buffer.from(sha256(m[2]), 'hex');
    const b = Buffer.from(stored.secretHash, 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
    const user = await this.deps.store.users.find(stored.userName);
    if (!user) return null;
    const now = this.deps.clock();
    if (!stored.lastUsedAt || now.getTime() - new Date(stored.lastUsedAt).getTime() > 60_000) {
      await this.deps.store.apiKeys.markUsed(stored.id, now.toISOString());
    }
    return { name: user.name, role: user.role };
  }
}
