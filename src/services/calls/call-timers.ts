import type { CallTimer } from '../../core/call/call-command.js';
import type { CallEvent } from '../../core/call/call-event.js';
import type { Limits } from '../../limits/index.js';
import type { Scheduler } from './call-ports.js';

const TIMERS: readonly CallTimer[] = ['t302', 'ring', 'no-answer'];

/** The settings that time the call timers. */
export type TimerSettings = Pick<
  Limits,
  'callT302Milliseconds' | 'callRingTimeoutSeconds' | 'callForwardNoAnswerSeconds'
>;

/** How long a call timer runs (0: it never expires) and the event its expiry sends the call. */
export function timerPlan(timer: CallTimer, settings: TimerSettings): { ms: number; expired: CallEvent } {
  switch (timer) {
    case 't302':
      return { ms: settings.callT302Milliseconds, expired: { kind: 't302-expired' } };
    case 'ring':
      return { ms: settings.callRingTimeoutSeconds * 1000, expired: { kind: 'ring-timeout' } };
    case 'no-answer':
      return { ms: settings.callForwardNoAnswerSeconds * 1000, expired: { kind: 'no-answer-timeout' } };
  }
}

/** The running timers of the live calls: one of each kind per call, restarted by a new start. */
export class CallTimers {
  private readonly running = new Map<string, unknown>();

  constructor(private readonly scheduler: Scheduler) {}

  start(callId: number, timer: CallTimer, ms: number, expired: () => void): void {
    this.stop(callId, timer);
    const key = `${callId}:${timer}`;
    this.running.set(
      key,
      this.scheduler.set(ms, () => {
        this.running.delete(key);
        expired();
      }),
    );
  }

  stop(callId: number, timer: CallTimer): void {
    const key = `${callId}:${timer}`;
    const handle = this.running.get(key);
    if (handle === undefined) return;
    this.running.delete(key);
    this.scheduler.clear(handle);
  }

  stopAll(callId: number): void {
    for (const timer of TIMERS) this.stop(callId, timer);
  }

  get size(): number {
    return this.running.size;
  }
}
