/** Something whose keepalives are watched. */
export interface Supervised {
  /** Milliseconds (of the supervisor's clock) when the last keepalive or message arrived. */
  lastSeen: number;
  /** Called once when the deadline passes. */
  expired(): void;
}

/**
 * Unregisters phones that stop sending keepalives. One sweep over all sessions each second is
 * cheaper than a timer per phone at 50,000 phones, and exact under an injected clock.
 */
export class KeepaliveSupervisor {
  private readonly watched = new Set<Supervised>();
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param timeoutMs silence after which a phone counts as gone. sccp.md §3.5 leaves it to
   *   server policy; two intervals plus a grace period tolerates one lost keepalive.
   */
  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number,
  ) {}

  watch(s: Supervised): void {
    this.watched.add(s);
  }

  unwatch(s: Supervised): void {
    this.watched.delete(s);
  }

  /** Expires every watched session whose deadline has passed. */
  sweep(): void {
    const deadline = this.now() - this.timeoutMs;
    for (const s of this.watched) {
      if (s.lastSeen < deadline) {
        this.watched.delete(s);
        s.expired();
      }
    }
  }

  start(intervalMs = 1000): void {
    this.timer ??= setInterval(() => this.sweep(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.watched.clear();
  }
}
