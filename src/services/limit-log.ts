import type { Logger } from 'pino';
import type { Config } from '../config.js';

/**
 * What refused a client: a limit of src/limits/ or another setting that decides a refusal (e.g. the
 * origins allowed to open SIP over WebSocket), named as in the config.
 */
export type RefusalSetting = keyof Config;

/** Where a limit was reached: the client's source address and, when known, the device or user. */
export interface LimitContext {
  address?: string;
  device?: string;
  user?: string;
}

/**
 * Told each time a client reaches a limit and is refused. Every protocol adapter reports through
 * this one interface, so that each refusal is counted (`openucm_limit_refusals_total`) and
 * logged in one way; a cluster may forward the counts.
 */
export interface LimitReporter {
  /** `message` says to an operator what was refused and what to change. */
  reached(limit: RefusalSetting, context: LimitContext, message: string): void;
}

/** One log line per limit and source address per interval; a flood costs a counter, not a log. */
const LOG_INTERVAL_MS = 10_000;
/** Sources remembered for log throttling; beyond that the memory is reset (a flood of addresses). */
const MAX_SOURCES = 10_000;

export class LimitLog implements LimitReporter {
  private readonly counts = new Map<RefusalSetting, number>();
  private readonly lastLogged = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  reached(limit: RefusalSetting, context: LimitContext, message: string): void {
    this.counts.set(limit, (this.counts.get(limit) ?? 0) + 1);
    const key = `${limit}|${context.address ?? ''}`;
    const now = this.now();
    const last = this.lastLogged.get(key);
    if (last && now - last.at < LOG_INTERVAL_MS) {
      last.suppressed++;
      return;
    }
    if (this.lastLogged.size >= MAX_SOURCES) this.lastLogged.clear();
    this.lastLogged.set(key, { at: now, suppressed: 0 });
    const more =
      last && last.suppressed > 0
        ? ` (${last.suppressed} more refusal${last.suppressed === 1 ? '' : 's'} of this kind from this source since the last such line)`
        : '';
    this.logger.warn({ limit, ...context }, `${message}${more}`);
  }

  /** Refusals per limit since the node started. */
  totals(): ReadonlyMap<RefusalSetting, number> {
    return this.counts;
  }
}
