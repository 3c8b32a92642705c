/**
 * Fallback at a pace (cluster.md §1.3): a phone registered to its backup asks its primary for a
 * token (RegisterTokenRequest) before it moves back. CUCM bounds that queue (service parameter
 * MaxPhonesFallBackQueueDepth); openucm grants `--fallback-pace` tokens per second, node-wide, and
 * tells the others when to ask again (RegisterTokenReject.waitTimeBeforeNextReq) so that the
 * refused come back spread over the following seconds instead of all at once.
 */

/** What a phone asking for a token is told. */
export type TokenAnswer = { granted: true } | { granted: false; waitSeconds: number };

/** The node's fallback tokens as a session reaches them: the pacer itself, or its IPC proxy in a worker. */
export interface FallbackTokens {
  request(device: string, address: string): Promise<TokenAnswer>;
}

/** Longest wait a refused phone is told (a backlog this long means the pace is far too low). */
const MAX_WAIT_SECONDS = 3600;

/**
 * Grants at most `pace` tokens per second (a bucket of one second's worth that refills
 * continuously). Each refused phone is booked a later second of its own, so that the phones
 * refused in one burst return at about the pace, and is told to wait until then.
 */
export class FallbackPacer {
  private tokens: number;
  private refilledAt: number;
  /** The end of the time already promised to refused phones (ms of `now`). */
  private bookedUntil = 0;
  granted = 0;
  refused = 0;

  constructor(
    private readonly pace: number,
    private readonly now: () => number,
  ) {
    this.tokens = pace;
    this.refilledAt = now();
  }

  take(): TokenAnswer {
    const now = this.now();
    this.tokens = Math.min(this.pace, this.tokens + ((now - this.refilledAt) / 1000) * this.pace);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.granted++;
      return { granted: true };
    }
    this.refused++;
    // The refused phone's slot: after every slot already promised, and at least a second away.
    const slot = Math.max(this.bookedUntil, now + 1000);
    this.bookedUntil = slot + 1000 / this.pace;
    const waitSeconds = Math.min(MAX_WAIT_SECONDS, Math.max(1, Math.floor((slot - now) / 1000)));
    return { granted: false, waitSeconds };
  }
}

/** What {@link NodeFallbackTokens} reports a refusal to (the node's LimitLog). */
interface RefusalReporter {
  reached(limit: 'fallbackPace', context: { address: string; device: string }, message: string): void;
}

/**
 * The node's fallback tokens, in its primary process: the pacer's answer, each refusal counted
 * and logged as the limit `fallbackPace` (`openucm_limit_refusals_total{limit="fallbackPace"}`).
 */
export class NodeFallbackTokens implements FallbackTokens {
  readonly pacer: FallbackPacer;

  constructor(
    pace: number,
    now: () => number,
    private readonly reporter: RefusalReporter,
  ) {
    this.pacer = new FallbackPacer(pace, now);
  }

  request(device: string, address: string): Promise<TokenAnswer> {
    const answer = this.pacer.take();
    if (!answer.granted)
      this.reporter.reached(
        'fallbackPace',
        { address, device },
        `told ${device} (${address}) to ask again in ${answer.waitSeconds} s before falling back to this node (RegisterTokenReject): more than --fallback-pace phones per second are coming back; they return at that pace`,
      );
    return Promise.resolve(answer);
  }
}
