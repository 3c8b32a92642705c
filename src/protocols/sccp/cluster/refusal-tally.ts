import type { LimitContext, LimitReporter } from '../../../services/limit-log.js';

type Setting = Parameters<LimitReporter['reached']>[0];

/** Refusals of one kind from one source, gathered in a worker until they are sent on. */
export interface RefusalCount {
  limit: Setting;
  context: LimitContext;
  /** The latest refusal's message. */
  message: string;
  count: number;
}

/** Kinds and sources gathered at most: beyond, the tally is sent at once (a flood from many addresses). */
const MAX_KEYS = 1000;

/**
 * A worker's refusals at limits, counted per limit and source address and sent to the primary
 * as counts: a flood of refused connections costs the worker a counter and the primary one
 * message per source and interval, not one each, even while the primary is slow to read.
 */
export class RefusalTally implements LimitReporter {
  private counts = new Map<string, RefusalCount>();
  private timer: NodeJS.Timeout | null = null;

  /** @param send receives the counts gathered, every `intervalMs` while there are some. */
  constructor(
    private readonly send: (counts: RefusalCount[]) => void,
    private readonly intervalMs = 250,
  ) {}

  reached(limit: Setting, context: LimitContext, message: string): void {
    const key = `${limit}|${context.address ?? ''}`;
    const entry = this.counts.get(key);
    if (entry) {
      entry.count++;
      entry.message = message;
      entry.context = context;
    } else {
      this.counts.set(key, { limit, context, message, count: 1 });
    }
    if (this.counts.size >= MAX_KEYS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.counts.size === 0) return;
    const counts = [...this.counts.values()];
    this.counts = new Map();
    this.send(counts);
  }
}
