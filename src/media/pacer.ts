/**
 * The cadence of a stream sender: frames are due every `periodMs` from its start, on the clock
 * the caller passes in (no clock read here, so that the logic is tested with time by hand). A
 * sender that wakes late sends the frames it owes, at most `maxBurst` at once (a phone's jitter
 * buffer absorbs a short burst); older ones are skipped and counted, never sent late.
 */
export interface PacerTick {
  /** Frames to send now. */
  send: number;
  /** Frames that fell too far behind and are dropped. */
  skipped: number;
  /** How late the oldest frame sent now is, ms (0 when on time). */
  lateMs: number;
}

export class Pacer {
  private sent = 0;

  constructor(
    private readonly startMs: number,
    readonly periodMs = 20,
    readonly maxBurst = 3,
  ) {}

  /** The frames due at `nowMs`. */
  tick(nowMs: number): PacerTick {
    const due = Math.floor((nowMs - this.startMs) / this.periodMs) + 1;
    let owed = due - this.sent;
    if (owed <= 0) return { send: 0, skipped: 0, lateMs: 0 };
    const skipped = Math.max(0, owed - this.maxBurst);
    owed -= skipped;
    this.sent = due;
    const oldest = this.startMs + (due - owed) * this.periodMs;
    return { send: owed, skipped, lateMs: Math.max(0, nowMs - oldest) };
  }

  /** When the next frame is due. */
  nextDueMs(): number {
    return this.startMs + this.sent * this.periodMs;
  }
}
