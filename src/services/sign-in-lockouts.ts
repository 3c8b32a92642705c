import { FailureThrottle } from '../core/failure-throttle.js';
import type { Clock } from './clock.js';

/** A user locked out from one source address (User Management shows them; an administrator clears them). */
export interface Lockout {
  address: string;
  /** Consecutive failed sign-ins as the user from this address. */
  failures: number;
  /** Sign-in as the user from this address is refused until then (ISO-8601); null while under the limit. */
  lockedUntil: string | null;
}

export type LockoutVerdict = { kind: 'allowed'; failuresLeft: number } | { kind: 'locked'; until: Date };

const HOUR_MS = 3_600_000;

/**
 * Account lock-out per (user, source address): after `failures` wrong passwords for a user from
 * one address, that user is locked out *from that address* for `lockMinutes`, twice as long after
 * each further failure (up to an hour, or `lockMinutes` if longer); the same user from any other
 * address signs in at once, so nobody can lock the administrator out from elsewhere. Held in the
 * node's memory: a restart forgets it, and each node of a cluster counts its own.
 */
export class SignInLockouts {
  private readonly throttle: FailureThrottle;

  constructor(
    private readonly deps: { clock: Clock; failures: number; lockMinutes: number },
    maxKeys?: number,
  ) {
    const base = deps.lockMinutes * 60_000;
    const max = Math.max(HOUR_MS, base);
    this.throttle = new FailureThrottle({
      // The `failures`-th failure locks: the ones before it are free.
      freeFailures: deps.failures - 1,
      baseDelayMs: base,
      maxDelayMs: max,
      forgetAfterMs: max + HOUR_MS,
      ...(maxKeys !== undefined ? { maxKeys } : {}),
    });
  }

  check(user: string, address: string): LockoutVerdict {
    const now = this.now();
    const verdict = this.throttle.check(key(user, address), now);
    if (verdict.kind === 'wait') return { kind: 'locked', until: new Date(verdict.until) };
    return {
      kind: 'allowed',
      failuresLeft: this.deps.failures - this.throttle.failures(key(user, address), now),
    };
  }

  /** Counts a wrong password; says whether the user is now locked out from the address. */
  failed(user: string, address: string): LockoutVerdict {
    const verdict = this.throttle.failed(key(user, address), this.now());
    if (verdict.kind === 'wait') return { kind: 'locked', until: new Date(verdict.until) };
    return {
      kind: 'allowed',
      failuresLeft: this.deps.failures - this.throttle.failures(key(user, address), this.now()),
    };
  }

  succeeded(user: string, address: string): void {
    this.throttle.succeeded(key(user, address));
  }

  /** The addresses `user` has failed from, with their lock-out. */
  of(user: string): Lockout[] {
    const now = this.now();
    return [...this.throttle.withPrefix(prefix(user), now)].map((e) => ({
      address: e.key.slice(prefix(user).length),
      failures: e.failures,
      lockedUntil: e.until > now ? new Date(e.until).toISOString() : null,
    }));
  }

  /** An administrator's unlock: forgets every failure of `user`; returns the addresses it had failed from. */
  unlock(user: string): string[] {
    const entries = [...this.throttle.withPrefix(prefix(user), this.now())];
    for (const e of entries) this.throttle.succeeded(e.key);
    return entries.map((e) => e.key.slice(prefix(user).length));
  }

  private now(): number {
    return this.deps.clock().getTime();
  }
}

// User names never hold a line feed (account-rules): the prefix of one user is never another's.
const prefix = (user: string) => `${user}\n`;
const key = (user: string, address: string) => `${prefix(user)}${address}`;
