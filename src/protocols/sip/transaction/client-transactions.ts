/**
 * Non-INVITE client transactions (RFC 3261 §17.1.2): the requests this server sends itself
 * (NOTIFY service-control). Retransmits over UDP (Timer E), gives up after Timer F, and matches
 * responses by branch (§17.1.3).
 */
import type { SipResponse } from '../message.js';
import type { SipFlow } from '../transport/flow.js';
import type { SipTimers, TimerHost } from './timers.js';
import { DEFAULT_TIMERS, SYSTEM_TIMERS, timerF } from './timers.js';

export type ClientOutcome =
  { kind: 'response'; response: SipResponse } | { kind: 'timeout' } | { kind: 'flow-closed' };

interface Pending {
  flow: SipFlow;
  request: Buffer;
  interval: number;
  timerE: unknown;
  timerF: unknown;
  done(outcome: ClientOutcome): void;
}

export class ClientTransactionTable {
  private readonly pending = new Map<string, Pending>();
  private readonly timers: SipTimers;
  private readonly host: TimerHost;

  constructor(options: { timers?: SipTimers; host?: TimerHost } = {}) {
    this.timers = options.timers ?? DEFAULT_TIMERS;
    this.host = options.host ?? SYSTEM_TIMERS;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Sends `request` (whose top Via carries `branch`) on `flow`; resolves with the final response or why none came. */
  send(branch: string, request: Buffer, flow: SipFlow): Promise<ClientOutcome> {
    return new Promise((resolve) => {
      const p: Pending = {
        flow,
        request,
        interval: this.timers.t1,
        timerE: undefined,
        timerF: undefined,
        done: (outcome) => {
          this.host.clearTimeout(p.timerE);
          this.host.clearTimeout(p.timerF);
          this.pending.delete(branch);
          resolve(outcome);
        },
      };
      if (!flow.send(request)) {
        resolve({ kind: 'flow-closed' });
        return;
      }
      this.pending.set(branch, p);
      if (!flow.reliable) {
        // RFC 3261 §17.1.2.2: "If timer E fires while still in this state, the timer is reset, but this time with
        // a value of MIN(2*T1, T2)."
        const fire = () => {
          p.flow.send(p.request);
          p.interval = Math.min(p.interval * 2, this.timers.t2);
          p.timerE = this.host.setTimeout(fire, p.interval);
        };
        p.timerE = this.host.setTimeout(fire, p.interval);
      }
      // RFC 3261 §17.1.2.2: "If Timer F fires while the client transaction is still in the "Trying" state, the
      // client transaction SHOULD inform the TU about the timeout".
      p.timerF = this.host.setTimeout(() => p.done({ kind: 'timeout' }), timerF(this.timers));
    });
  }

  /** A response arrived; true when it belonged to one of our transactions. */
  receive(response: SipResponse): boolean {
    // RFC 3261 §17.1.3: a response matches "if the response has the same value of the branch parameter in the
    // top Via header field as the branch parameter in the top Via header field of the request".
    const branch = response.via[0]?.branch;
    const p = branch === undefined ? undefined : this.pending.get(branch);
    if (p === undefined) return false;
    // RFC 3261 §17.1.2.2: provisional responses stop nothing but Timer E's growth; final ones complete.
    if (response.status >= 200) p.done({ kind: 'response', response });
    return true;
  }

  dispose(): void {
    for (const p of [...this.pending.values()]) p.done({ kind: 'flow-closed' });
  }
}
