import type { CallTimer } from '../../core/call/call-command.js';
import type { Scheduler } from './call-ports.js';

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
    this.stop(callId, 't302');
    this.stop(callId, 'ring');
  }

  get size(): number {
    return this.running.size;
  }
}
