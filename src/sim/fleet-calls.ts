/**
 * A fleet's calls: pairs of its own phones (phone 2k calls phone 2k+1, both in this process, so
 * the caller knows the callee's DN from the callee's own registration) call each other at a given
 * rate. The caller lifts the handset and dials key by key, the callee answers when it rings, both
 * send and receive RTP for the talk time, the caller hangs up. One call per pair at a time; a call
 * due while every ready pair is busy is not placed and is counted as such (or, at rate 0, each pair
 * calls again as soon as it is idle: bench:calls). SCCP phones only.
 */
import { CallStateCode, ToneCode } from '../protocols/sccp/codec/index.js';
import type { Phone } from './phone.js';
import { receivedOf } from './sccp-calls.js';
import type { SccpPhoneCalls, SimCall } from './sccp-calls.js';

export interface FleetCallSpec {
  /**
   * Calls started per second by this fleet. 0: as fast as the pairs can (closed loop, a
   * benchmark): once every pair is ready, each pair places its next call as soon as it is idle.
   */
  callsPerSecond: number;
  /** Seconds both sides talk (send RTP) before the caller hangs up (0: at once, audio not judged). */
  talkSeconds: number;
  /** Longest wait for dial tone, for the call to connect, and for both phones to be on-hook again (ms). */
  setupTimeoutMs?: number;
  /** Place this many calls in all, then no more. */
  totalCalls?: number;
}

export interface CallStats {
  /** Calls the callers dialled. */
  placed: number;
  /** Calls that reached connected on the caller's screen. */
  connected: number;
  /** Calls that did not connect, by what the caller saw (busy, unknown number, no answer, rejected …). */
  failed: Record<string, number>;
  /** Calls being set up or talking now. */
  inProgress: number;
  /** Connected calls in which one side (or both) received no RTP. */
  oneWay: number;
  /** Calls due while every ready pair of phones was in a call already (not placed). */
  notPlaced: number;
}

export function emptyCallStats(): CallStats {
  return { placed: 0, connected: 0, failed: {}, inProgress: 0, oneWay: 0, notPlaced: 0 };
}

export function addCallStats(a: CallStats, b: CallStats): CallStats {
  a.placed += b.placed;
  a.connected += b.connected;
  a.inProgress += b.inProgress;
  a.oneWay += b.oneWay;
  a.notPlaced += b.notPlaced;
  for (const [k, v] of Object.entries(b.failed)) a.failed[k] = (a.failed[k] ?? 0) + v;
  return a;
}

export function failedCalls(s: CallStats): number {
  return Object.values(s.failed).reduce((n, v) => n + v, 0);
}

/**
 * Most phones a simulator process holds while they call: each phone's SCCP connection plus, in a
 * call, its RTP port (pairs inside one process: at most every phone in a call at once), under a
 * 20,000 open-file limit with room for the process's own files.
 */
export const CALLING_PHONES_PER_PROCESS = 9_000;

/** Label prompts (DisplayPromptStatus 0x80 + code, calls.md SCCP adapter table). */
const UNKNOWN_NUMBER = String.fromCharCode(0x80, 0x38);

interface Member {
  phone: Phone;
  calls: SccpPhoneCalls | null;
  dn: string | null;
}

interface Pair {
  caller: Member;
  callee: Member;
  busy: boolean;
}

type Setup =
  | { kind: 'connected'; call: SimCall }
  /** `settled`: what the pair must wait for before its next call, if anything. */
  | { kind: 'failed'; reason: string; settled?: Promise<unknown> };

/** Resolves once the phone holds no call (its last one showed on-hook), or after `timeoutMs`. */
export function whenIdle(calls: SccpPhoneCalls, timeoutMs: number): Promise<boolean> {
  if (calls.calls.size === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      calls.off('ended', check);
      resolve(false);
    }, timeoutMs);
    const check = () => {
      if (calls.calls.size > 0) return;
      clearTimeout(timer);
      calls.off('ended', check);
      resolve(true);
    };
    calls.on('ended', check);
  });
}

/** What the caller saw of a call that did not connect. */
function failureOf(call: SimCall): string | null {
  if (call.state === CallStateCode.Connected) return null;
  if (call.tone === ToneCode.Busy) return 'busy';
  if (call.tone === ToneCode.Reorder) {
    if (call.prompt === UNKNOWN_NUMBER) return 'unknown number';
    return call.state === CallStateCode.RingOut ? 'no answer' : 'rejected';
  }
  if (call.state === CallStateCode.OnHook) return 'rejected';
  return null;
}

export class FleetCalls {
  private readonly pairs: Pair[] = [];
  private readonly stats = emptyCallStats();
  private readonly timers = new Set<NodeJS.Timeout>();
  private ticker: NodeJS.Timeout | null = null;
  private began = 0;
  private due = 0;
  private next = 0;
  private readonly setupTimeoutMs: number;

  constructor(
    phones: readonly Phone[],
    private readonly spec: FleetCallSpec,
  ) {
    this.setupTimeoutMs = spec.setupTimeoutMs ?? 15_000;
    const members = phones.map((phone) => {
      const m: Member = { phone, calls: null, dn: null };
      phone.on('sccpCalls', (calls) => (m.calls = calls));
      phone.on('change', (s) => {
        const registered = s.state === 'registered';
        m.dn = registered ? (s.lines[0]?.dn ?? null) : null;
        if (!registered) m.calls = null;
      });
      return m;
    });
    for (let i = 0; i + 1 < members.length; i += 2)
      this.pairs.push({ caller: members[i], callee: members[i + 1], busy: false });
  }

  /** Starts placing calls; the rate's clock starts when the first pair is ready. */
  start(): void {
    if (this.ticker || this.pairs.length === 0) return;
    this.ticker = setInterval(() => this.tick(), 20);
  }

  /** Places no more calls; the calls under way go on to their end. */
  stopPlacing(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  /** Stops placing and forgets the calls under way (the phones are being powered off). */
  stop(): void {
    this.stopPlacing();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  snapshot(): CallStats {
    return { ...this.stats, failed: { ...this.stats.failed } };
  }

  private ready(p: Pair): boolean {
    return !p.busy && !!p.caller.calls && !!p.callee.calls && !!p.callee.dn && !!p.caller.dn;
  }

  private get closedLoop(): boolean {
    return this.spec.callsPerSecond <= 0;
  }

  private get allPlaced(): boolean {
    return this.spec.totalCalls !== undefined && this.stats.placed >= this.spec.totalCalls;
  }

  private tick(): void {
    const now = Date.now();
    if (this.allPlaced) return this.stopPlacing();
    if (this.closedLoop) {
      if (this.began === 0 && !this.pairs.every((p) => this.ready(p))) return;
      this.began = now;
      for (const pair of this.pairs) if (this.ready(pair) && !this.allPlaced) void this.place(pair);
      return;
    }
    if (this.began === 0) {
      if (!this.pairs.some((p) => this.ready(p))) return;
      this.began = now;
    }
    const due = Math.floor(((now - this.began) / 1000) * this.spec.callsPerSecond) + 1;
    while (this.due < due) {
      this.due++;
      const pair = this.nextReady();
      if (pair) void this.place(pair);
      else this.stats.notPlaced++;
    }
  }

  /** The next ready pair after the last one used (round robin), if any. */
  private nextReady(): Pair | null {
    for (let n = 0; n < this.pairs.length; n++) {
      const pair = this.pairs[(this.next + n) % this.pairs.length];
      if (this.ready(pair)) {
        this.next = (this.next + n + 1) % this.pairs.length;
        return pair;
      }
    }
    return null;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private async place(pair: Pair): Promise<void> {
    const caller = pair.caller.calls as SccpPhoneCalls;
    const callee = pair.callee.calls as SccpPhoneCalls;
    pair.busy = true;
    this.stats.placed++;
    this.stats.inProgress++;
    let counted = false;
    try {
      const setup = await this.setUp(caller, pair.callee.dn as string);
      if (setup.kind === 'failed') {
        this.stats.failed[setup.reason] = (this.stats.failed[setup.reason] ?? 0) + 1;
        this.stats.inProgress--;
        counted = true;
      } else {
        this.stats.connected++;
        // Talk 0 (a benchmark's calls): hang up at once, audio not judged.
        if (this.spec.talkSeconds > 0) {
          await this.sleep(this.spec.talkSeconds * 1000);
          // The callee's side: its one call (connected now, unless the node dropped it).
          const answered = callee.find(() => true);
          const heard = receivedOf(setup.call).received > 0;
          const heardBack = !!answered && receivedOf(answered).received > 0;
          if (!heard || !heardBack) this.stats.oneWay++;
        }
      }
      // The handset goes down (a refused off-hook too: the phone saw reorder, not a call).
      if (caller.calls.size > 0 || setup.kind === 'failed') caller.hangUp();
      await Promise.all([whenIdle(caller, this.setupTimeoutMs), whenIdle(callee, this.setupTimeoutMs)]);
      if (setup.kind === 'failed') await setup.settled;
    } finally {
      // What ended is kept for a phone's screen; a fleet places thousands of calls.
      caller.ended.length = 0;
      callee.ended.length = 0;
      if (!counted) this.stats.inProgress--;
      pair.busy = false;
    }
    // Closed loop: the pair calls again at once.
    if (this.closedLoop && this.ticker && !this.allPlaced && this.ready(pair)) void this.place(pair);
  }

  /** Dials `dn` and waits for what the caller's screen shows: connected, or why not. */
  private async setUp(caller: SccpPhoneCalls, dn: string): Promise<Setup> {
    let call: SimCall;
    caller.shown = { tone: null, prompt: '' };
    let onShown = () => undefined as void;
    // Refused at off-hook (a limit): reorder and "Temp Fail" come without a call state.
    const refused = new Promise<null>((resolve) => {
      onShown = () => {
        if (caller.shown.tone === ToneCode.Reorder) resolve(null);
      };
      caller.on('shown', onShown);
    });
    const dialling = caller.dial(dn, this.setupTimeoutMs);
    try {
      const dialled = await Promise.race([dialling, refused]);
      // The dial still waits for dial tone (and would key the digits into the pair's next call):
      // the pair waits until it gives up.
      if (!dialled) return { kind: 'failed', reason: 'rejected', settled: dialling.catch(() => undefined) };
      call = dialled;
    } catch {
      return { kind: 'failed', reason: 'no dial tone' };
    } finally {
      caller.off('shown', onShown);
    }
    const ref = call.callReference;
    try {
      const seen = await caller.waitFor(
        (c) => c.callReference === ref && (c.state === CallStateCode.Connected || failureOf(c) !== null),
        this.setupTimeoutMs,
      );
      const reason = failureOf(seen);
      return reason ? { kind: 'failed', reason } : { kind: 'connected', call: seen };
    } catch {
      return { kind: 'failed', reason: call.state === CallStateCode.RingOut ? 'no answer' : 'no connect' };
    }
  }
}
