import type { Logger } from 'pino';
import type { LiveEvents } from '../live-events.js';

export interface RefreshedReadDeps<T> {
  /** Reads the whole value from the store. */
  load: () => Promise<T>;
  /** Takes a value read (the owner adds what it learnt while the read was under way). */
  accept: (read: T) => void;
  live: LiveEvents;
  logger: Logger;
  /** What is read, for the operator's warning when a read fails: "the directory numbers for the dial plan". */
  what: string;
  /** Reread this often (ms) whatever happened: changes made on other nodes, or by a CSV import. */
  refreshMs?: number;
}

/** A safety net: changes on any node of a cluster arrive as configuration-changed at once (docs/cluster.md). */
const REFRESH_MS = 30_000;

/**
 * A value the call service reads from the store and keeps in memory (a call routes without a query):
 * read at start, again when a device changes (on this node, or on another one of a PostgreSQL
 * cluster: openucm_config), and every 30 s whatever happened. Reads never overlap: a refresh asked during one runs once after it. StoredDialPlan and
 * StoredDnFeatures are its two users.
 */
export class RefreshedRead<T> {
  private loading: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly onChange = (change: { what: string }) => {
    if (change.what === 'device') this.refresh();
  };

  constructor(private readonly deps: RefreshedReadDeps<T>) {}

  /** Reads once, then keeps the value fresh. */
  async start(): Promise<void> {
    this.deps.live.on('configuration-changed', this.onChange);
    this.timer = setInterval(() => this.refresh(), this.deps.refreshMs ?? REFRESH_MS);
    this.timer.unref();
    this.refresh();
    await this.loading;
  }

  /** A read is under way: what the owner learns now may be missing from its result. */
  get reading(): boolean {
    return this.loading !== null;
  }

  /** Reads now, or once more after the read under way. */
  refresh(): void {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = this.deps
      .load()
      .then((read) => this.deps.accept(read))
      .catch((error: unknown) => {
        this.deps.logger.warn(
          { err: error },
          `could not read ${this.deps.what} (${(error as Error).message}); calls use what was read before, and the next change or minute tries again`,
        );
      })
      .finally(() => {
        this.loading = null;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  /** Resolves once no read is under way (tests, and the node stopping). */
  async settled(): Promise<void> {
    while (this.loading) await this.loading;
  }

  async stop(): Promise<void> {
    this.deps.live.off('configuration-changed', this.onChange);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.settled();
  }
}
