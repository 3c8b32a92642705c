/** RFC 3261 timer values (§17, Appendix A), in milliseconds; tests may shrink them. */
export interface SipTimers {
  /** RFC 3261 Appendix A: "T1 500ms default — RTT Estimate". */
  readonly t1: number;
  /** RFC 3261 Appendix A: "T2 4s — The maximum retransmit interval for non-INVITE requests and INVITE responses". */
  readonly t2: number;
  /** RFC 3261 Appendix A: "T4 5s — Maximum duration a message will remain in the network". */
  readonly t4: number;
}

export const DEFAULT_TIMERS: SipTimers = { t1: 500, t2: 4000, t4: 5000 };

/** RFC 3261 §17.2.2: "Timer J ... 64*T1 seconds for unreliable transports, and zero seconds for reliable transports". */
export function timerJ(t: SipTimers, reliable: boolean): number {
  return reliable ? 0 : 64 * t.t1;
}

/** RFC 3261 §17.2.1: "Timer H ... 64*T1" — how long a server waits for the ACK to a final INVITE response. */
export function timerH(t: SipTimers): number {
  return 64 * t.t1;
}

/** RFC 3261 §17.2.1: "Timer I ... T4 seconds for unreliable transports, and zero seconds for reliable". */
export function timerI(t: SipTimers, reliable: boolean): number {
  return reliable ? 0 : t.t4;
}

/** RFC 3261 §17.1.2.2: "Timer F ... 64*T1" — a non-INVITE client transaction gives up. */
export function timerF(t: SipTimers): number {
  return 64 * t.t1;
}

/** Where timers come from: the global ones by default, fakes in tests. */
export interface TimerHost {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_TIMERS: TimerHost = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
