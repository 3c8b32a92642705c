import type { Logger } from 'pino';

/** Examples a folded line names, at most. */
const EXAMPLES = 5;

export interface FoldedWarningOptions {
  logger: Logger;
  /** Warnings after the first of a burst are folded for this long (ms). */
  intervalMs: number;
  now: () => number;
  /** The folded line's text: how many more there were, and a few of them. */
  summary: (count: number, examples: readonly string[]) => string;
}

/**
 * One kind of warning that can come in bursts of thousands (every phone behind a switch that just
 * died missing its keepalives): the first of a burst is written at once, as it is; the ones that
 * follow within the interval are counted, and written as one line with their count and a few
 * examples when the interval ends. A burst costs two lines per interval, however many phones.
 */
export class FoldedWarning {
  private burstStart = Number.NEGATIVE_INFINITY;
  private folded = 0;
  private examples: string[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: FoldedWarningOptions) {}

  /** Writes `message` with `fields`, or folds it into this burst's line, where `example` names it. */
  warn(fields: Record<string, unknown>, message: string, example: string): void {
    const { logger, intervalMs, now } = this.options;
    const at = now();
    if (at - this.burstStart >= intervalMs) {
      this.flush();
      this.burstStart = at;
      logger.warn(fields, message);
      return;
    }
    this.folded++;
    if (this.examples.length < EXAMPLES) this.examples.push(example);
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, this.burstStart + intervalMs - at));
    this.timer.unref();
  }

  /** Writes the folded line of the burst so far, if anything was folded. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.folded === 0) return;
    const { logger, summary } = this.options;
    logger.warn({ count: this.folded, examples: this.examples }, summary(this.folded, this.examples));
    this.folded = 0;
    this.examples = [];
  }
}
