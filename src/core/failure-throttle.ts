/**
 * Throttling of failed authentication, keyed by whatever a door chooses (a source address, a user
 * and a source address, a SIP device and a source address). The first `freeFailures` failures of a
 * key cost nothing; each failure after them makes it wait before its next attempt, twice as long
 * each time, up to `maxDelayMs`; a success clears it. Pure: the caller passes the time in.
 */
export interface ThrottlePolicy {
  /** Failures that cost nothing: the one after them starts the first wait. */
  freeFailures: number;
  /** The first wait (ms); doubles with each further failure. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A key without a failure for this long is forgotten. */
  forgetAfterMs: number;
  /** Keys remembered at most; the one that failed longest ago is forgotten first. */
  maxKeys: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  freeFailures: 10,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
  maxKeys: 100_000,
};

export type ThrottleVerdict = { kind: 'allowed' } | { kind: 'wait'; until: number; failures: number };

interface Entry {
  failures: number;
  last: number;
  until: number;
}

const ALLOWED: ThrottleVerdict = { kind: 'allowed' };

export class FailureThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly policy: ThrottlePolicy;

  constructor(policy: Partial<ThrottlePolicy> = {}) {
    this.policy = { ...DEFAULT_THROTTLE_POLICY, ...policy };
  }

  /** Whether `key` may try now; ask before any password is hashed. */
  check(key: string, now: number): ThrottleVerdict {
    const entry = this.entries.get(key);
    if (entry === undefined) return ALLOWED;
    if (now - entry.last > this.policy.forgetAfterMs) {
      this.entries.delete(key);
      return ALLOWED;
    }
    return now < entry.until ? { kind: 'wait', until: entry.until, failures: entry.failures } : ALLOWED;
  }

  /** Records a failure of `key`; returns what its next attempt will be told. */
  failed(key: string, now: number): ThrottleVerdict {
    const previous = this.entries.get(key);
    const fresh = previous === undefined || now - previous.last > this.policy.forgetAfterMs;
    const failures = fresh ? 1 : previous.failures + 1;
    const over = failures - this.policy.freeFailures;
    const until =
      over > 0
        ? now + Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** Math.min(over - 1, 30))
        : 0;
    // Re-inserted last, so that the oldest failure is first in line to be forgotten.
    this.entries.delete(key);
    this.entries.set(key, { failures, last: now, until });
    if (this.entries.size > this.policy.maxKeys) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return until > now ? { kind: 'wait', until, failures } : ALLOWED;
  }

  /** Failures counted for `key` that are not yet forgotten (0 when none). */
  failures(key: string, now: number): number {
    const entry = this.entries.get(key);
    return entry === undefined || now - entry.last > this.policy.forgetAfterMs ? 0 : entry.failures;
  }

  /** The keys whose name starts with `prefix`, with their failures and wait (`until` ≤ now: may try). */
  *withPrefix(prefix: string, now: number): Generator<{ key: string; failures: number; until: number }> {
    for (const [key, entry] of this.entries) {
      if (key.startsWith(prefix) && now - entry.last <= this.policy.forgetAfterMs)
        yield { key, failures: entry.failures, until: entry.until };
    }
  }

  /** A success clears the key's failures. */
  succeeded(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
