/**
 * INVITE client transactions (RFC 3261 §17.1.1, with RFC 6026's Accepted state): the INVITEs the
 * call adapter sends phones. Retransmits over UDP (Timer A) until a response, gives up after
 * Timer B, ACKs a non-2xx final response itself (hop by hop, the same branch) and re-ACKs its
 * retransmissions until Timer D; every 2xx (retransmissions too) goes to the TU, which ACKs it.
 */
import type { SipResponse } from '../message.js';
import type { SipFlow } from '../transport/flow.js';
import type { SipTimers, TimerHost } from './timers.js';
import { DEFAULT_TIMERS, SYSTEM_TIMERS } from './timers.js';

export interface InviteClientUser {
  /** A 1xx arrived. */
  provisional(response: SipResponse): void;
  /** A final response arrived (each 2xx retransmission again; a non-2xx once, already ACKed). */
  final(response: SipResponse): void;
  /** No response within Timer B, or the flow could not carry the INVITE. */
  failed(why: 'timeout' | 'flow-closed'): void;
}

type Phase = 'calling' | 'proceeding' | 'accepted' | 'completed';

interface Pending {
  phase: Phase;
  flow: SipFlow;
  request: Buffer;
  ackOf: (response: SipResponse) => Buffer;
  ack: Buffer | null;
  user: InviteClientUser;
  interval: number;
  timerA: unknown;
  timerB: unknown;
  linger: unknown;
}

export class InviteClientTable {
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

  /**
   * Sends the INVITE `request` (top Via branch `branch`) on `flow`. `ackOf` builds the ACK for a
   * non-2xx final response (RFC 3261 §17.1.1.3: same Request-URI, Call-ID, From, CSeq number, top Via;
   * the To of the response).
   */
  send(
    branch: string,
    request: Buffer,
    flow: SipFlow,
    ackOf: (response: SipResponse) => Buffer,
    user: InviteClientUser,
  ): void {
    const p: Pending = {
      phase: 'calling',
      flow,
      request,
      ackOf,
      ack: null,
      user,
      interval: this.timers.t1,
      timerA: undefined,
      timerB: undefined,
      linger: undefined,
    };
    if (!flow.send(request)) {
      user.failed('flow-closed');
      return;
    }
    this.pending.set(branch, p);
    if (!flow.reliable) {
      // RFC 3261 §17.1.1.2: "When timer A fires, the client transaction MUST retransmit the request ... and reset
      // the timer with a value of 2*T1."
      const fire = () => {
        if (p.phase !== 'calling') return;
        p.flow.send(p.request);
        p.interval *= 2;
        p.timerA = this.host.setTimeout(fire, p.interval);
      };
      p.timerA = this.host.setTimeout(fire, p.interval);
    }
    // RFC 3261 §17.1.1.2: "If the client transaction is still in the "Calling" state when timer B fires, the
    // client transaction SHOULD inform the TU that a timeout has occurred."
    p.timerB = this.host.setTimeout(() => {
      if (p.phase !== 'calling') return;
      this.end(branch, p);
      user.failed('timeout');
    }, 64 * this.timers.t1);
  }

  /** A response arrived; true when it belongs to one of these transactions. */
  receive(response: SipResponse): boolean {
    const branch = response.via[0]?.branch;
    const p = branch === undefined ? undefined : this.pending.get(branch);
    if (branch === undefined || p === undefined || response.cseq.method !== 'INVITE') return false;
    this.host.clearTimeout(p.timerA);
    const status = response.status;
    if (status < 200) {
      if (p.phase === 'calling' || p.phase === 'proceeding') {
        p.phase = 'proceeding';
        p.user.provisional(response);
      }
      return true;
    }
    if (status < 300) {
      // RFC 6026 §7.2: in "Accepted" every 2xx goes to the TU, for 64*T1.
      if (p.phase !== 'accepted') {
        if (p.phase === 'completed') return true;
        p.phase = 'accepted';
        this.host.clearTimeout(p.timerB);
        p.linger = this.host.setTimeout(() => this.end(branch, p), 64 * this.timers.t1);
      }
      p.user.final(response);
      return true;
    }
    // RFC 3261 §17.1.1.3: the ACK for a non-2xx goes at once and again for each retransmission, until Timer D.
    if (p.phase === 'completed') {
      if (p.ack) p.flow.send(p.ack);
      return true;
    }
    if (p.phase === 'accepted') return true;
    p.phase = 'completed';
    this.host.clearTimeout(p.timerB);
    try {
      p.ack = p.ackOf(response);
      p.flow.send(p.ack);
    } finally {
      const timerD = p.flow.reliable ? 0 : 32_000;
      if (timerD === 0) this.end(branch, p);
      else p.linger = this.host.setTimeout(() => this.end(branch, p), timerD);
      p.user.final(response);
    }
    return true;
  }

  /**
   * Forgets the transaction of `branch` (RFC 3261 §9.1: a CANCELled INVITE with no final response
   * within 64*T1 "should be considered" terminated); a late response then matches nothing.
   */
  forget(branch: string): void {
    const p = this.pending.get(branch);
    if (p) this.end(branch, p);
  }

  dispose(): void {
    for (const [branch, p] of [...this.pending]) this.end(branch, p);
  }

  private end(branch: string, p: Pending): void {
    this.host.clearTimeout(p.timerA);
    this.host.clearTimeout(p.timerB);
    this.host.clearTimeout(p.linger);
    if (this.pending.get(branch) === p) this.pending.delete(branch);
  }
}
