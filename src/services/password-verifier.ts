import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Role } from '../store/user-repository.js';
import { userNameProblem } from './account-rules.js';
import type { AuthDoor, AuthThrottle } from './auth-throttle.js';
import type { Clock } from './clock.js';
import type { LimitReporter } from './limit-log.js';
import { PasswordCheckGate } from './password-check-gate.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { Lockout } from './sign-in-lockouts.js';
import { SignInLockouts } from './sign-in-lockouts.js';

/** Who is signed in, as the services see it. */
export interface Identity {
  name: string;
  role: Role;
}

/** Where credentials came from: the client's source address and the door it knocked on. */
export interface AuthSource {
  address: string;
  door: AuthDoor;
}

/**
 * A refused authentication: wrong credentials; the user locked out from this address; the
 * address throttled after failures as anyone; or too many password checks at once.
 */
export class AuthenticationError extends Error {
  constructor(
    readonly kind: 'invalid-credentials' | 'locked' | 'throttled' | 'busy',
    message: string,
    /** When the client may try again (all kinds but invalid-credentials). */
    readonly retryAt?: Date,
  ) {
    super(message);
  }
}

/** What a PasswordVerifier works with: the store, the time, the log, the node's throttle and limit reporting. */
export interface PasswordVerifierDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  throttle: AuthThrottle;
  limits: LimitReporter;
}

// A wait too short to name a clock time.
const BUSY_RETRY_MS = 1000;

/** "10:05:00 UTC (in 5 minutes)" */
function when(until: Date, now: Date): string {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  const left =
    seconds < 120 ? `${seconds} second${seconds === 1 ? '' : 's'}` : `${Math.ceil(seconds / 60)} minutes`;
  return `${until.toISOString().slice(11, 19)} UTC (in ${left})`;
}

/**
 * Checks a user's password, and refuses before any hashing: an address that failed too often as
 * anyone (the node's AuthThrottle, shared with SIP digest), a user locked out from the address
 * its wrong passwords came from (SignInLockouts), more checks at once than PasswordCheckGate lets
 * through.
 */
export class PasswordVerifier {
  private dummyHash: Promise<string> | null = null;
  private readonly lockouts: SignInLockouts;
  private readonly gate: PasswordCheckGate;
  /** Passwords hashed, by result. */
  readonly checks = { right: 0, wrong: 0 };

  constructor(
    private readonly deps: PasswordVerifierDeps,
    private readonly policy: {
      failuresPerUserAndAddress: number;
      lockMinutes: number;
      maxPasswordChecksPerAddress: number;
      maxPasswordChecks: number;
    },
  ) {
    this.lockouts = new SignInLockouts({
      clock: deps.clock,
      failures: policy.failuresPerUserAndAddress,
      lockMinutes: policy.lockMinutes,
    });
    this.gate = new PasswordCheckGate({
      perAddress: policy.maxPasswordChecksPerAddress,
      total: policy.maxPasswordChecks,
    });
  }

  /**
   * The user whose name and password these are. Refused before any hashing while the address is
   * throttled or the user is locked out from it (even with the right password).
   */
  async verify(name: string, password: string, source: AuthSource): Promise<Identity> {
    const { store, logger, throttle } = this.deps;
    this.admit(name, source);
    const { address } = source;
    // A name no user can have is never hashed, nor remembered (the rule is public: it tells nothing).
    const lockable = userNameProblem(name) === null;
    const user = lockable ? await store.users.find(name) : null;
    const right = lockable && (await this.hashAndCompare(password, user?.passwordHash, source));
    if (right && user) {
      this.checks.right++;
      throttle.succeeded(address);
      this.lockouts.succeeded(name, address);
      return { name: user.name, role: user.role };
    }
    if (lockable) this.checks.wrong++;
    throttle.failed(address);
    const why = user ? `wrong password for ${name}` : `no user named ${name.slice(0, 64)}`;
    if (!lockable) {
      logger.warn({ address, door: source.door }, `${source.door} refused from ${address}: ${why}`);
      throw new AuthenticationError('invalid-credentials', 'user name or password is wrong');
    }
    const verdict = this.lockouts.failed(name, address);
    if (verdict.kind === 'locked') {
      logger.warn(
        { user: name, address, door: source.door, until: verdict.until.toISOString() },
        `${why} from ${address}: ${name} is locked out from ${address} until ${verdict.until.toISOString()} (other addresses are not affected; an administrator can unlock it)`,
      );
      throw this.lockedError(name, address, verdict.until);
    }
    logger.warn({ user: name, address, door: source.door }, `${source.door} refused from ${address}: ${why}`);
    const left = verdict.failuresLeft;
    throw new AuthenticationError(
      'invalid-credentials',
      `user name or password is wrong (${left} more failure${left === 1 ? '' : 's'} from your address lock ${name} out from it for ${this.policy.lockMinutes} minute${this.policy.lockMinutes === 1 ? '' : 's'})`,
    );
  }

  /**
   * Refuses at once, without hashing, a password attempt from an address that failed too often
   * (as anyone, through any door) or as `name` from an address it is locked out from. Remembered
   * Basic credentials are let through only after this, so that a lock-out holds for them too.
   */
  admit(name: string, source: AuthSource): void {
    this.admitAddress(source);
    if (userNameProblem(name) !== null) return;
    const { address } = source;
    const lock = this.lockouts.check(name, address);
    if (lock.kind === 'allowed') return;
    this.deps.limits.reached(
      'authFailuresPerUserAndAddress',
      { address, user: name },
      `refused a ${source.door} attempt as ${name} from ${address} without checking it: locked out from there until ${lock.until.toISOString()} after failed sign-ins (--auth-failures-per-user-and-address)`,
    );
    throw this.lockedError(name, address, lock.until);
  }

  /** Refuses at once, without hashing, an address that failed too often (as anyone, through any door). */
  admitAddress(source: AuthSource): void {
    const until = this.deps.throttle.check(source.address, source.door);
    if (until === null) return;
    throw new AuthenticationError(
      'throttled',
      `too many failed sign-ins from your address ${source.address}: try again at ${when(until, this.deps.clock())}`,
      until,
    );
  }

  /** Hashes within the bounds of PasswordCheckGate; an unknown user costs the same as a known one. */
  private async hashAndCompare(
    password: string,
    hash: string | undefined,
    source: AuthSource,
  ): Promise<boolean> {
    const slot = this.gate.enter(source.address);
    if ('full' in slot) {
      const perAddress = slot.full === 'per-address';
      const limit = perAddress ? 'authMaxPasswordChecksPerAddress' : 'authMaxPasswordChecks';
      const n = perAddress ? this.policy.maxPasswordChecksPerAddress : this.policy.maxPasswordChecks;
      const message = perAddress
        ? `too many sign-ins at once from your address ${source.address} (at most ${n} password checks at a time): try again in a second`
        : `the node is checking too many passwords at once (at most ${n}): try again in a second`;
      this.deps.limits.reached(
        limit,
        { address: source.address },
        `refused a ${source.door} attempt from ${source.address}: ${message}`,
      );
      throw new AuthenticationError('busy', message, new Date(this.deps.clock().getTime() + BUSY_RETRY_MS));
    }
    try {
      // Same cost as a real check, so that timing does not tell which user names exist.
      this.dummyHash ??= hashPassword('not a password');
      return await verifyPassword(password, hash ?? (await this.dummyHash));
    } finally {
      slot.release();
    }
  }

  private lockedError(name: string, address: string, until: Date): AuthenticationError {
    return new AuthenticationError(
      'locked',
      `too many failed sign-ins as ${name} from your address ${address}: ${name} is locked out from there until ${when(until, this.deps.clock())}; ` +
        `other addresses are not affected, and an administrator can unlock ${name} under User Management > Users`,
      until,
    );
  }

  /** The addresses `user` is failing or locked out from (User Management). */
  lockoutsOf(user: string): Lockout[] {
    return this.lockouts.of(user);
  }

  /** An administrator's unlock: forgets the user's failures, and those of the addresses they came from. */
  unlock(user: string): void {
    for (const address of this.lockouts.unlock(user)) this.deps.throttle.succeeded(address);
  }
}
