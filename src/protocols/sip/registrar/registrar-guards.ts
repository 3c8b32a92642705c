/**
 * The registrar's refusals at a limit (README: Security and limits), each reported through the
 * LimitReporter and answered without a registration event: a name that cannot exist, a queue
 * without room, an address that failed authentication too often.
 */
import type { AuthThrottle } from '../../../services/auth-throttle.js';
import type { LimitReporter } from '../../../services/limit-log.js';
import { identityProblem, nameForLog } from './device-identity.js';
import type { QueueVerdict } from './register-queues.js';
import type { RegistrarReply } from './replies.js';
import { throttledReply, warningHeader } from './replies.js';

/** What the registrar uses of the node's AuthThrottle (services/auth-throttle.ts). */
export type AuthGate = Pick<AuthThrottle, 'check' | 'failed' | 'succeeded'>;

/** Seconds a phone whose device has REGISTERs waiting should wait: the line drains in a moment. */
const RETRY_AFTER_DEVICE_BUSY = 5;

/** Seconds a phone should wait when the whole registrar is busy: 10 to 30, so that a storm of retries is spread. */
function retryAfterNodeBusy(): number {
  return 10 + Math.floor(Math.random() * 21);
}

export class RegistrarGuards {
  constructor(
    private readonly deps: {
      reporter: LimitReporter;
      authThrottle: AuthGate;
      /** warn-agent of Warning headers. */
      warnAgent: string;
      now: () => number;
      maxIdentityLength: number;
      queues: { perLine: number; total: number };
    },
  ) {}

  /** 404 (reported) for a name that cannot be a device or user name; null when it can be one. */
  unnameable(name: string, address: string): RegistrarReply | null {
    const problem = identityProblem(name, this.deps.maxIdentityLength);
    if (problem === null) return null;
    this.deps.reporter.reached(
      'sipMaxIdentityLength',
      { address },
      `refused a REGISTER from ${address} naming "${nameForLog(name)}" without recording it: ${problem} (--sip-max-identity-length)`,
    );
    return {
      status: 404,
      reason: 'Not Found (not a device or user name)',
      headers: [
        warningHeader(
          this.deps.warnAgent,
          `the REGISTER names no device or user that can exist: ${problem}. A phone names itself SEP followed by its 12-digit MAC, or by its digest user name`,
        ),
      ],
    };
  }

  /** 403 with when to retry for an address that failed authentication too often (reported by the throttle); else null. */
  throttled(address: string): RegistrarReply | null {
    const until = this.deps.authThrottle.check(address, 'sip-digest');
    return until === null ? null : throttledReply(until, address, this.deps.now(), this.deps.warnAgent);
  }

  /**
   * A REGISTER no queue has room for. RFC 3261 §21.5.4: 503 "The server is temporarily unable to process the
   * request due to a temporary overloading ... The server MAY indicate when the client should retry the request
   * in a Retry-After header field."
   */
  busy(verdict: Exclude<QueueVerdict, 'queued'>, who: string, address: string): RegistrarReply {
    const { perLine, total } = this.deps.queues;
    let text: string;
    if (verdict === 'line-full') {
      text = `${perLine} REGISTERs for ${who} are already waiting to be decided; this one is refused, retry later`;
      this.deps.reporter.reached(
        'sipMaxQueuedRegistersPerDevice',
        { address, device: who },
        `answered 503 to a REGISTER for ${who} from ${address}: ${perLine} REGISTERs for it are already waiting (--sip-max-queued-registers-per-device); a phone sends one at a time, so this is a flood`,
      );
    } else {
      text = `${total} REGISTERs are waiting to be decided on this node; retry later`;
      this.deps.reporter.reached(
        'sipMaxPendingRegisters',
        { address, device: who },
        `answered 503 to a REGISTER for ${who} from ${address}: ${total} REGISTERs are waiting for a decision (--sip-max-pending-registers); the database may be slow, or this is a flood`,
      );
    }
    return {
      status: 503,
      reason: 'Service Unavailable',
      headers: [
        ['Retry-After', String(verdict === 'line-full' ? RETRY_AFTER_DEVICE_BUSY : retryAfterNodeBusy())],
        warningHeader(this.deps.warnAgent, text),
      ],
    };
  }
}
