/**
 * Folds repeats of one thing (a refusal of one device name, for one reason, from one source) that
 * arrive within a window into one record with a count and a last-seen time, so that a flood costs
 * a counter rather than a record per attempt. Two bounds keep floods of *different* things cheap
 * too: a group (one source and reason) with more keys than it may have windows of its own shares
 * one window for the rest (a scan of invented names), and beyond a number of windows opened per
 * window time in all (spoofed sources), new keys share one window per "crowd" (a reason). Memory is
 * bounded: beyond `maxOpen` windows the oldest is closed early. Pure: the caller passes the time
 * in and records what it is told to.
 */
export interface RepeatPolicy {
  /** A window lasts this long from its first occurrence; the next occurrence opens a new one. */
  windowMs: number;
  /** An open window's new repeats are reported at most this often (and when it closes). */
  reportEveryMs: number;
  /** Windows open at once, at most. */
  maxOpen: number;
  /** Keys of one group with a window of their own at once, at most; the others share the group's window. */
  maxKeysPerGroup: number;
  /** Windows opened per `windowMs` in all, at most; beyond, new keys share their crowd's window. */
  maxOpenedPerWindow: number;
}

/** Whose repeats a window counts: one key's, the keys of a group beyond its bound, or a crowd's beyond the node's. */
export type RepeatKind = 'own' | 'group' | 'crowd';

export interface RepeatWindow<T> {
  readonly key: string;
  readonly group: string;
  readonly kind: RepeatKind;
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
  /** Open windows of their own per group. */
  private readonly perGroup = new Map<string, number>();
  /** Windows opened since `periodStart` (a fixed period of `windowMs`). */
  private opened = 0;
  private periodStart = Number.NEGATIVE_INFINITY;

  constructor(private readonly policy: RepeatPolicy) {}

  /**
   * Notes one occurrence of `key` (of `group`, and of `crowd`) at `now`. `opened` says the caller
   * must record it (a new window: `data` made its record); otherwise it only counts, and `due`
   * reports the count later.
   */
  note(
    key: string,
    where: { group: string; crowd: string },
    now: number,
    data: (kind: RepeatKind) => T,
  ): { opened: boolean; window: RepeatWindow<T> } {
    if (now - this.periodStart >= this.policy.windowMs) {
      this.periodStart = now;
      this.opened = 0;
    }
    const own = this.current(key, now);
    if (own !== undefined) return this.repeat(own, now);
    if (this.opened >= this.policy.maxOpenedPerWindow)
      return this.into(`\u0000crowd\u0000${where.crowd}`, where.group, 'crowd', now, data);
    if ((this.perGroup.get(where.group) ?? 0) >= this.policy.maxKeysPerGroup)
      return this.into(`\u0000group\u0000${where.group}`, where.group, 'group', now, data);
    return { opened: true, window: this.openWindow(key, where.group, 'own', now, data) };
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

  /** The open window of `key`, or undefined (one past its end is closed first). */
  private current(key: string, now: number): RepeatWindow<T> | undefined {
    const window = this.open.get(key);
    if (window === undefined || now - window.openedAt < this.policy.windowMs) return window;
    this.close(window);
    return undefined;
  }

  /** Counts in the shared window `key`, opening it if needed (a shared window is not held to the bounds it enforces). */
  private into(
    key: string,
    group: string,
    kind: RepeatKind,
    now: number,
    data: (kind: RepeatKind) => T,
  ): { opened: boolean; window: RepeatWindow<T> } {
    const shared = this.current(key, now);
    if (shared !== undefined) return this.repeat(shared, now);
    return { opened: true, window: this.openWindow(key, group, kind, now, data) };
  }

  private repeat(window: RepeatWindow<T>, now: number): { opened: false; window: RepeatWindow<T> } {
    window.count++;
    window.lastAt = now;
    this.dirty.add(window);
    return { opened: false, window };
  }

  private openWindow(
    key: string,
    group: string,
    kind: RepeatKind,
    now: number,
    data: (kind: RepeatKind) => T,
  ): RepeatWindow<T> {
    if (this.open.size >= this.policy.maxOpen) {
      const oldest = this.open.values().next().value;
      if (oldest !== undefined) this.close(oldest);
    }
    const window: RepeatWindow<T> = {
      key,
      group,
      kind,
      openedAt: now,
      lastAt: now,
      count: 1,
      reported: 1,
      reportedAt: now,
      data: data(kind),
    };
    this.open.set(key, window);
    this.opened++;
    if (kind === 'own') this.perGroup.set(group, (this.perGroup.get(group) ?? 0) + 1);
    return window;
  }

  private close(window: RepeatWindow<T>): void {
    if (this.open.get(window.key) !== window) return;
    this.open.delete(window.key);
    if (window.kind === 'own') {
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
