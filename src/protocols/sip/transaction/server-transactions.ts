/**
 * Server transactions (RFC 3261 §17.2): absorb retransmitted requests, resend the last
 * response, and forget a transaction when its timer says so. Non-INVITE transactions keep
 * their final response for Timer J (32 s on UDP); INVITE transactions retransmit their final
 * non-2xx response (Timer G) until the ACK or Timer H.
 */
import type { SipRequest } from '../message.js';
import type { SipFlow } from '../transport/flow.js';
import { responsePort } from '../transport/flow.js';
import type { Via } from '../via.js';
import type { SipTimers, TimerHost } from './timers.js';
import { DEFAULT_TIMERS, SYSTEM_TIMERS, timerH, timerI, timerJ } from './timers.js';

/** RFC 3261 §17.2.1 / §17.2.2 states. */
export type ServerTransactionState = 'trying' | 'proceeding' | 'completed' | 'confirmed' | 'terminated';

/** RFC 3261 §8.1.1.7: "The branch ID inserted by an element compliant with this specification MUST always begin with the characters "z9hG4bK"". */
const MAGIC_COOKIE = 'z9hG4bK';

export interface ServerTransactionOptions {
  timers?: SipTimers;
  host?: TimerHost;
  /** Most transactions kept; beyond it the oldest completed ones are forgotten early. */
  maxEntries?: number;
  /** Told when a completed transaction is forgotten before its timer because the table is full. */
  onEvict?: () => void;
}

/** One request being answered. */
export class ServerTransaction {
  state: ServerTransactionState;
  private last: Buffer | undefined;
  private timerG: unknown;
  private timerH: unknown;
  private interval = 0;
  /** Held until the final response: a completed transaction keeps only what a retransmission needs. */
  private pending: SipRequest | undefined;

  /** @internal Created by the table. */
  constructor(
    private readonly table: ServerTransactionTable,
    readonly key: string,
    request: SipRequest,
    public flow: SipFlow,
    /** Where UDP responses go (RFC 3261 §18.2.2), kept instead of the Via itself. */
    private readonly sentByPort: number | undefined,
    readonly isInvite: boolean,
  ) {
    this.state = isInvite ? 'proceeding' : 'trying';
    this.pending = request;
  }

  /** True once the final response went out (the request is no longer held). */
  get answered(): boolean {
    return this.pending === undefined;
  }

  /** The request being answered; only until the final response is sent. */
  get request(): SipRequest {
    if (this.pending === undefined) throw new Error(`transaction ${this.key} already has its final response`);
    return this.pending;
  }

  /** Sends `response` (status `status`) and moves the state machine on; ignored once a final response went out. */
  respond(status: number, response: Buffer): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    this.last = response;
    this.flow.respond(response, this.sentByPort);
    if (status < 200) {
      this.state = 'proceeding';
      return;
    }
    if (this.isInvite && status < 300) {
      // RFC 3261 §17.2.1: on a 2xx "the server transaction MUST transition to the "Terminated" state".
      this.terminate();
      return;
    }
    this.state = 'completed';
    this.pending = undefined;
    this.table.completed(this);
    if (this.isInvite) this.startInviteTimers();
  }

  /** The request arrived again: resend what the state calls for. */
  retransmitted(flow: SipFlow): void {
    // RFC 3261 §17.2.2: "Once in the "Trying" state, any further request retransmissions are discarded."
    // "If a retransmission of the request is received while in the "Proceeding" state, the most recently sent
    // provisional response MUST be passed to the transport layer"; likewise the final response in "Completed".
    if ((this.state === 'proceeding' || this.state === 'completed') && this.last !== undefined) {
      this.flow = flow;
      flow.respond(this.last, this.sentByPort);
    }
  }

  /** @internal RFC 3261 §17.2.1: the ACK moves a completed INVITE transaction to "Confirmed". */
  acked(): void {
    if (this.state !== 'completed' || !this.isInvite) return;
    this.state = 'confirmed';
    const host = this.table.host;
    host.clearTimeout(this.timerG);
    host.clearTimeout(this.timerH);
    const i = timerI(this.table.timers, this.flow.reliable);
    if (i === 0) this.terminate();
    else this.timerH = host.setTimeout(() => this.terminate(), i);
  }

  private startInviteTimers(): void {
    const { host, timers } = this.table;
    if (!this.flow.reliable) {
      // RFC 3261 §17.2.1: "timer G is set to fire in T1 seconds ... the response is passed to the transport
      // layer once more for retransmission, and timer G is set to fire in MIN(2*T1, T2) seconds."
      this.interval = timers.t1;
      const fire = () => {
        if (this.state !== 'completed' || this.last === undefined) return;
        this.flow.respond(this.last, this.sentByPort);
        this.interval = Math.min(this.interval * 2, timers.t2);
        this.timerG = host.setTimeout(fire, this.interval);
      };
      this.timerG = host.setTimeout(fire, this.interval);
    }
    // RFC 3261 §17.2.1: "If timer H fires while in the "Completed" state, ... the server transaction MUST
    // transition to the "Terminated" state".
    this.timerH = host.setTimeout(() => this.terminate(), timerH(timers));
  }

  /** @internal */
  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.pending = undefined;
    this.table.host.clearTimeout(this.timerG);
    this.table.host.clearTimeout(this.timerH);
    this.table.forget(this);
  }
}

/**
 * Every live server transaction, keyed as RFC 3261 §17.2.3 matches them. Completed non-INVITE
 * transactions all live for the same Timer J, so they expire from a FIFO instead of one timer each.
 */
export class ServerTransactionTable {
  readonly timers: SipTimers;
  readonly host: TimerHost;
  private readonly maxEntries: number;
  private readonly onEvict: () => void;
  private readonly entries = new Map<string, ServerTransaction>();
  private fifoTx: ServerTransaction[] = [];
  private fifoAt: number[] = [];
  private head = 0;
  private sweeper: unknown;

  constructor(options: ServerTransactionOptions = {}) {
    this.timers = options.timers ?? DEFAULT_TIMERS;
    this.host = options.host ?? SYSTEM_TIMERS;
    this.maxEntries = options.maxEntries ?? 1_000_000;
    this.onEvict = options.onEvict ?? (() => undefined);
  }

  /** Transactions currently held. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * A request arrived. Returns the new transaction for the TU to answer, or undefined when the
   * request belongs to an existing transaction (a retransmission, or an ACK), which is handled here.
   */
  receive(request: SipRequest, flow: SipFlow): ServerTransaction | undefined {
    this.expire();
    const via = request.via[0];
    if (request.method === 'ACK') {
      // RFC 3261 §17.2.3: the ACK matches "except for ACK, where the method of the request that created the
      // transaction is INVITE".
      const tx = this.entries.get(transactionKey(request, via, 'INVITE'));
      tx?.acked();
      return undefined;
    }
    const key = transactionKey(request, via, request.method);
    const existing = this.entries.get(key);
    if (existing !== undefined) {
      existing.retransmitted(flow);
      return undefined;
    }
    const tx = new ServerTransaction(
      this,
      key,
      request,
      flow,
      responsePort(via),
      request.method === 'INVITE',
    );
    this.entries.set(key, tx);
    return tx;
  }

  /** The INVITE transaction a CANCEL refers to (RFC 3261 §9.2: same key, method INVITE). */
  inviteFor(cancel: SipRequest): ServerTransaction | undefined {
    return this.entries.get(transactionKey(cancel, cancel.via[0], 'INVITE'));
  }

  /** Starts the periodic clean-up of expired transactions (when no traffic drives it). */
  start(): void {
    const tick = () => {
      this.expire();
      this.sweeper = this.host.setTimeout(tick, 1000);
    };
    this.sweeper = this.host.setTimeout(tick, 1000);
  }

  /** Stops timers and forgets everything. */
  dispose(): void {
    this.host.clearTimeout(this.sweeper);
    for (const tx of [...this.entries.values()]) tx.terminate();
    this.entries.clear();
    this.fifoTx = [];
    this.fifoAt = [];
    this.head = 0;
  }

  /**
   * @internal A final response went out. Completed transactions of both kinds are kept in arrival order, so
   * that a full table forgets the oldest first: INVITE ones end by their own timers (ACK, I, H), the others at
   * Timer J from here.
   */
  completed(tx: ServerTransaction): void {
    const reliable = tx.flow.reliable;
    if (!tx.isInvite && timerJ(this.timers, reliable) === 0) {
      // RFC 3261 §17.2.2: Timer J is zero for reliable transports: the transaction ends at once.
      tx.terminate();
      return;
    }
    this.fifoTx.push(tx);
    this.fifoAt.push(this.host.now() + (tx.isInvite ? timerH(this.timers) : timerJ(this.timers, reliable)));
    if (this.entries.size > this.maxEntries) {
      this.evictOldest();
      this.onEvict();
    }
  }

  /** @internal */
  forget(tx: ServerTransaction): void {
    if (this.entries.get(tx.key) === tx) this.entries.delete(tx.key);
  }

  /** Ends the completed non-INVITE transactions whose Timer J has fired. */
  expire(): void {
    if (this.head === this.fifoTx.length) return;
    const now = this.host.now();
    while (this.head < this.fifoTx.length && this.fifoAt[this.head] <= now) this.popHead();
    this.compact();
  }

  /** Forgets the oldest completed transactions until the table is within its size (some may have ended already). */
  private evictOldest(): void {
    while (this.entries.size > this.maxEntries && this.head < this.fifoTx.length) this.popHead();
    this.compact();
  }

  private popHead(): void {
    const tx = this.fifoTx[this.head];
    this.fifoTx[this.head] = undefined as unknown as ServerTransaction;
    this.head++;
    tx.terminate();
  }

  private compact(): void {
    if (this.head === this.fifoTx.length) {
      this.fifoTx = [];
      this.fifoAt = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.fifoTx.length) {
      this.fifoTx = this.fifoTx.slice(this.head);
      this.fifoAt = this.fifoAt.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * RFC 3261 §17.2.3: with a magic-cookie branch, match on "the branch parameter ..., the sent-by value in the
 * top Via ... and the method"; otherwise (RFC 2543 peers) on Request-URI, To tag, From tag, Call-ID, CSeq and
 * top Via.
 */
export function transactionKey(request: SipRequest, via: Via | undefined, method: string): string {
  const branch = via?.branch;
  const sentBy = via === undefined ? '' : via.port === undefined ? via.host : `${via.host}:${via.port}`;
  if (branch !== undefined && branch.startsWith(MAGIC_COOKIE)) return `${branch}\n${sentBy}\n${method}`;
  // Accessors may throw on a malformed header: the parser validated these for every message it returns.
  return [
    '2543',
    request.uri,
    request.to.tag ?? '',
    request.from.tag ?? '',
    request.callId,
    request.cseq.seq,
    via?.raw ?? '',
    method,
  ].join('\n');
}
