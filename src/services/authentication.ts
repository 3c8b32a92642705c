import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LIMITS } from '../limits/index.js';
import type { AccessChanges, Credential } from './access-changes.js';
import type { AuthSource, Identity, PasswordVerifierDeps } from './password-verifier.js';
import { PasswordVerifier } from './password-verifier.js';
import type { Lockout } from './sign-in-lockouts.js';

export type { AuthSource } from './password-verifier.js';
export { AuthenticationError } from './password-verifier.js';

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

/** Sign-in lock-out, password-check bounds and session lifetimes (the auth limits of src/limits/auth.ts). */
export interface AuthenticationPolicy {
  /** Consecutive failures as one user from one address that lock the user out from there. */
  failuresPerUserAndAddress: number;
  lockMinutes: number;
  maxPasswordChecksPerAddress: number;
  maxPasswordChecks: number;
  /** A session idle this long ends (30 minutes: a common web-console default; CUCM's own default was not confirmed). */
  idleMinutes: number;
  /** A session ends this long after sign-in, however active. */
  absoluteHours: number;
  /** Sessions one user may hold; signing in beyond ends the oldest. */
  maxSessionsPerUser: number;
}

export const DEFAULT_AUTHENTICATION_POLICY: AuthenticationPolicy = {
  failuresPerUserAndAddress: LIMITS.authFailuresPerUserAndAddress.default,
  lockMinutes: LIMITS.authLockMinutes.default,
  maxPasswordChecksPerAddress: LIMITS.authMaxPasswordChecksPerAddress.default,
  maxPasswordChecks: LIMITS.authMaxPasswordChecks.default,
  idleMinutes: 30,
  absoluteHours: 12,
  maxSessionsPerUser: LIMITS.authMaxSessionsPerUser.default,
};

/** An API key's user and the key's id (an event stream ends when that key is revoked). */
export interface ApiKeyIdentity extends Identity {
  keyId: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const API_KEY = /^oucm_([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

/**
 * Checks passwords (PasswordVerifier) and API keys, opens and ends browser sessions. Every check
 * is throttled per source address (the node's AuthThrottle, shared with SIP digest) before any
 * password is hashed; wrong passwords lock a user out only from the address they came from.
 */
export class AuthenticationService {
  private readonly policy: AuthenticationPolicy;
  private readonly passwords: PasswordVerifier;

  constructor(
    private readonly deps: PasswordVerifierDeps & { changes: AccessChanges },
    policy: Partial<AuthenticationPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_AUTHENTICATION_POLICY, ...policy };
    this.passwords = new PasswordVerifier(deps, this.policy);
  }

  /**
   * The user whose name and password these are. Refused before any hashing while the address is
   * throttled or the user is locked out from it (even with the right password).
   */
  verifyPassword(name: string, password: string, source: AuthSource): Promise<Identity> {
    return this.passwords.verify(name, password, source);
  }

  /** Refuses at once (throws) what verifyPassword would refuse without hashing. */
  admitPassword(name: string, source: AuthSource): void {
    this.passwords.admit(name, source);
  }

  /** Passwords hashed to check them, by result (openucm_password_checks_total). */
  get passwordChecks(): Readonly<{ right: number; wrong: number }> {
    return this.passwords.checks;
  }

  /** The addresses `user` is failing or locked out from (User Management). */
  lockoutsOf(user: string): Lockout[] {
    return this.passwords.lockoutsOf(user);
  }

  /** An administrator's unlock: forgets the user's failures, and those of the addresses they came from. */
  unlock(user: string): void {
    this.passwords.unlock(user);
  }

  /**
   * Opens a session for `user`; the token goes into the cookie and is stored only as its hash. A
   * user at `maxSessionsPerUser` loses its oldest session (a script that signs in every time).
   */
  async startSession(user: Identity): Promise<SessionGrant> {
    const { store, clock } = this.deps;
    const now = clock();
    await store.sessions.deleteExpired(now.toISOString());
    const ended = await store.sessions.keepNewestOfUser(user.name, this.policy.maxSessionsPerUser - 1);
    for (const id of ended) this.deps.changes.tell({ kind: 'session-ended', id });
    if (ended.length > 0)
      this.deps.logger.info(
        { user: user.name, ended: ended.length },
        `${user.name} signed in with ${this.policy.maxSessionsPerUser} sessions open: the oldest ended (--auth-max-sessions-per-user)`,
      );
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
    this.deps.changes.tell({ kind: 'session-ended', id });
  }

  /**
   * Whether what a request proved itself with still holds: its session is alive, its API key
   * exists, its user exists. Event streams ask now and then, for changes made on another node.
   */
  async stillValid(credential: Credential): Promise<boolean> {
    const { store } = this.deps;
    if (credential.via === 'ui')
      return credential.sessionId !== undefined && this.isSessionAlive(credential.sessionId);
    if (credential.via === 'api-key') {
      const key = credential.apiKeyId === undefined ? null : await store.apiKeys.find(credential.apiKeyId);
      if (!key) return false;
    }
    return (await store.users.find(credential.name)) !== null;
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

  /**
   * The user an API key acts as, or null when the key is unknown, malformed or revoked. Throttled
   * per source address with every other door; a wrong key counts as a failure.
   */
  async verifyApiKey(key: string, source: AuthSource): Promise<ApiKeyIdentity | null> {
    const { throttle } = this.deps;
    this.passwords.admitAddress(source);
    const identity = await this.findApiKey(key);
    if (!identity) {
      throttle.failed(source.address);
      return null;
    }
    throttle.succeeded(source.address);
    return identity;
  }

  private async findApiKey(key: string): Promise<ApiKeyIdentity | null> {
    const { store } = this.deps;
    const m = API_KEY.exec(key);
    if (!m) return null;
    const stored = await store.apiKeys.find(m[1]);
    if (!stored) return null;
    const a = Buffer.from(sha256(m[2]), 'hex');
    const b = Buffer.from(stored.secretHash, 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
    const user = await store.users.find(stored.userName);
    if (!user) return null;
    const now = this.deps.clock();
    if (!stored.lastUsedAt || now.getTime() - new Date(stored.lastUsedAt).getTime() > 60_000) {
      await store.apiKeys.markUsed(stored.id, now.toISOString());
    }
    return { name: user.name, role: user.role, keyId: stored.id };
  }
}
