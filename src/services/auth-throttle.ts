import { FailureThrottle } from '../core/failure-throttle.js';
import type { Clock } from './clock.js';
import type { LimitReporter } from './limit-log.js';

/** A door that checks credentials: each is throttled by the same per-address count. */
export type AuthDoor = 'sign-in' | 'basic' | 'api-key' | 'sip-digest';

/**
 * Failed authentication per source address, shared by every door of a node (sign-in, HTTP Basic,
 * API keys, SIP digest): an address that keeps failing waits, whichever door it knocks on, while
 * every other address (the administrator's own) is served at once. Ask `check` before any
 * password is hashed.
 */
export class AuthThrottle {
  private readonly byAddress: FailureThrottle;

  constructor(private readonly deps: { clock: Clock; limits: LimitReporter; failuresPerAddress: number }) {
    // --auth-failures-per-address counts the failures before the wait: the last of them starts it.
    this.byAddress = new FailureThrottle({ freeFailures: Math.max(0, deps.failuresPerAddress - 1) });
  }

  /** null when `address` may try now; otherwise when it may try again (the refusal is reported). */
  check(address: string, door: AuthDoor): Date | null {
    const verdict = this.byAddress.check(address, this.deps.clock().getTime());
    if (verdict.kind === 'allowed') return null;
    const until = new Date(verdict.until);
    this.deps.limits.reached(
      'authFailuresPerAddress',
      { address },
      `refused a ${door} attempt from ${address} without checking it: ${verdict.failures} failed authentications from there; it may try again at ${until.toISOString()} (--auth-failures-per-address)`,
    );
    return until;
  }

  failed(address: string): void {
    this.byAddress.failed(address, this.deps.clock().getTime());
  }

  succeeded(address: string): void {
    this.byAddress.succeeded(address);
  }
}
