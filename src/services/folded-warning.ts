import type { Logger } from 'pino';

/** Examples a folded line names, at most. */
const EXAMPLES = 5;
/** How long the warnings after the first of a burst are folded into one line. */
export const FOLD_MS = 10_000;

/** The folded line's text: how many more there were, and a few of them. */
export type FoldSummary = (count: number, examples: readonly string[]) => string;

export interface FoldedWarningOptions {
  logger: Logger;
  /** Warnings after the first of a burst are folded for this long (ms); FOLD_MS unless a test says. */
  intervalMs?: number;
  now: () => number;
  summary: FoldSummary;
}

/**
 * One kind of warning that can come in bursts of thousands (every phone behind a switch that just
 * died missing its keepalives, a fuzzer sending garbage): the first of a burst is written at once,
 * as it is; the ones that follow within the interval are counted, and written as one line with
 * their count and a few examples when the interval ends. A burst costs two lines per interval,
 * however many phones or packets. Examples are one per source, so that one address flooding does
 * not hide the others.
 */
export class FoldedWarning {
  private burstStart = Number.NEGATIVE_INFINITY;
  private folded = 0;
  private examples = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: FoldedWarningOptions) {}

  /**
   * Writes `message` with `fields`, or folds it into this burst's line, where `example` names it;
   * `source` (the example itself unless given, e.g. the address) keeps one example per source.
   */
  warn(fields: Record<string, unknown>, message: string, example: string, source = example): void {
    const { logger, now } = this.options;
    const intervalMs = this.options.intervalMs ?? FOLD_MS;
    const at = now();
    if (at - this.burstStart >= intervalMs) {
      this.flush();
      this.burstStart = at;
      logger.warn(fields, message);
      return;
    }
    this.folded++;
    if (this.examples.size < EXAMPLES && !this.examples.has(source)) this.examples.set(source, example);
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, this.burstStart + intervalMs - at));
    this.timer.unref();
  }

  /** Writes the folded line of the burst so far, if anything was folded. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.folded === 0) return;
    const { logger, summary } = this.options;
    const examples = [...this.examples.values()];
    logger.warn({ count: this.folded, examples }, summary(this.folded, examples));
    this.folded = 0;
    this.examples = new Map();
  }
}

/**
 * The folded warnings of one component, one per kind (e.g. TFTP: malformed datagrams, refused
 * names), flushed together when it stops so that no count is lost.
 */
export class FoldedWarnings<Kind extends string> {
  private readonly kinds = new Map<Kind, FoldedWarning>();

  constructor(logger: Logger, now: () => number, summaries: Record<Kind, FoldSummary>) {
    for (const [kind, summary] of Object.entries(summaries) as Array<[Kind, FoldSummary]>) {
      this.kinds.set(kind, new FoldedWarning({ logger, now, summary }));
    }
  }

  /** See FoldedWarning.warn. */
  warn(kind: Kind, fields: Record<string, unknown>, message: string, example: string, source?: string): void {
    this.kinds.get(kind)?.warn(fields, message, example, source);
  }

  flush(): void {
    for (const folded of this.kinds.values()) folded.flush();
  }
}

/** "1 more X" / "N more Xs": the start of most folded lines. */
export function more(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} more ${count === 1 ? singular : plural}`;
}
