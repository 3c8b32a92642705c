/**
 * Folds repeats of one thing (a refusal of one device name, for one reason, from one source) that
 * arrive within a window into one record with a count and a last-seen time, so that a flood costs
 * a counter rather than a record per attempt. Keys are grouped (one source and reason): a group
 * that opens windows for more keys than it may at once shares one overflow window for the rest
 * (a scan of invented names). Memory is bounded: beyond `maxOpen` windows the oldest is closed
 * early. Pure: the caller passes the time in and records what it is told to.
 */
export interface RepeatPolicy {
  /** A window lasts this long from its first occurrence; the next occurrence opens a new one. */
  windowMs: number;
  /** An open window's new repeats are reported at most this often (and when it closes). */
  reportEveryMs: number;
  /** Windows open at once, at most. */
  maxOpen: number;
  /** Keys of one group with a window of their own at once, at most; the others share its overflow window. */
  maxKeysPerGroup: number;
}

export interface RepeatWindow<T> {
  readonly key: string;
  readonly group: string;
  /** The window that takes the keys of a group beyond `maxKeysPerGroup`. */
  readonly overflow: boolean;
  readonly openedAt: number;
  lastAt: number;
  /** Occurrences so far, the first included. */
  count: number;
  /** The count as last reported: the opening (1) is reported by the caller at once. */
  reported: number;
  reportedAt: number;
  /** What the caller keeps with the window (the record of its first occurrence). */
  readonly data: T;
}

/**
 * A window to report: `added` repeats since its last report; `closed` when it ended (then reported
 * even without new repeats if it had any, so that its final count is told once).
 */
export interface RepeatReport<T> {
  window: RepeatWindow<T>;
  added: number;
  closed: boolean;
}

export class RepeatWindows<T> {
  /** Open windows in the order they opened (a Map keeps insertion order). */
  private readonly open = new Map<string, RepeatWindow<T>>();
  /** Windows with repeats not reported yet. */
  private readonly dirty = new Set<RepeatWindow<T>>();
  /** Windows that ended with repeats, not reported since. */
  private closedUnreported: RepeatWindow<T>[] = [];
  /** Open windows of each group, its overflow window left out. */
  private readonly perGroup = new Map<string, number>();

  constructor(private readonly policy: RepeatPolicy) {}

  /**
   * Notes one occurrence of `key` at `now`. `opened` says the caller must record it (a new window:
   * `data` made its record); otherwise it only counts, and `due` reports the count later.
   */
  note(
    key: string,
    group: string,
    now: number,
    data: (overflow: boolean) => T,
  ): { opened: boolean; window: RepeatWindow<T> } {
    let window = this.open.get(key);
    if (window !== undefined && now - window.openedAt >= this.policy.windowMs) {
      this.close(window);
      window = undefined;
    }
    if (window === undefined && (this.perGroup.get(group) ?? 0) >= this.policy.maxKeysPerGroup) {
      const overflowKey = overflowKeyOf(group);
      window = this.open.get(overflowKey);
      if (window !== undefined && now - window.openedAt >= this.policy.windowMs) {
        this.close(window);
        window = undefined;
      }
      if (window === undefined)
        return { opened: true, window: this.openWindow(overflowKey, group, true, now, data) };
    }
    if (window === undefined) return { opened: true, window: this.openWindow(key, group, false, now, data) };
    window.count++;
    window.lastAt = now;
    this.dirty.add(window);
    return { opened: false, window };
  }

  /**
   * The windows whose new repeats are due for a report at `now`: those that ended, and those whose
   * last report is `reportEveryMs` old. Ended windows are forgotten.
   */
  due(now: number): RepeatReport<T>[] {
    const reports = this.takeClosed();
    for (const window of this.open.values()) {
      if (now - window.openedAt < this.policy.windowMs) break;
      this.close(window);
    }
    reports.push(...this.takeClosed());
    for (const window of this.dirty) {
      if (now - window.reportedAt < this.policy.reportEveryMs) continue;
      reports.push(this.report(window, now));
    }
    return reports;
  }

  /** Every unreported repeat, open windows included (the node stops). */
  drain(): RepeatReport<T>[] {
    for (const window of [...this.open.values()]) this.close(window);
    return this.takeClosed();
  }

  /** Windows open now. */
  get size(): number {
    return this.open.size;
  }

  private openWindow(
    key: string,
    group: string,
    overflow: boolean,
    now: number,
    data: (overflow: boolean) => T,
  ): RepeatWindow<T> {
    if (this.open.size >= this.policy.maxOpen) {
      const oldest = this.open.values().next().value;
      if (oldest !== undefined) this.close(oldest);
    }
    const window: RepeatWindow<T> = {
      key,
      group,
      overflow,
      openedAt: now,
      lastAt: now,
      count: 1,
      reported: 1,
      reportedAt: now,
      data: data(overflow),
    };
    this.open.set(key, window);
    if (!overflow) this.perGroup.set(group, (this.perGroup.get(group) ?? 0) + 1);
    return window;
  }

  private close(window: RepeatWindow<T>): void {
    if (this.open.get(window.key) !== window) return;
    this.open.delete(window.key);
    if (!window.overflow) {
      const n = (this.perGroup.get(window.group) ?? 1) - 1;
      if (n > 0) this.perGroup.set(window.group, n);
      else this.perGroup.delete(window.group);
    }
    if (this.dirty.delete(window) || window.count > 1) this.closedUnreported.push(window);
  }

  private takeClosed(): RepeatReport<T>[] {
    const closed = this.closedUnreported;
    this.closedUnreported = [];
    return closed.map((window) => this.report(window, window.lastAt, true));
  }

  private report(window: RepeatWindow<T>, now: number, closed = false): RepeatReport<T> {
    const added = window.count - window.reported;
    window.reported = window.count;
    window.reportedAt = now;
    this.dirty.delete(window);
    return { window, added, closed };
  }
}

function overflowKeyOf(group: string): string {
  // NUL cannot occur in a key the caller builds from printable names.
  return `\u0000overflow\u0000${group}`;
}
