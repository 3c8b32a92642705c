import type { Logger } from 'pino';
import type { DialPlanView } from '../../core/call/dial-plan.js';
import { DirectoryNumberSet } from '../../core/call/dn-set.js';
import type { LiveEvents } from '../live-events.js';

export interface StoredDialPlanDeps {
  /** Every directory number of the cluster (store.devices.allDirectoryNumbers). */
  load: () => Promise<string[]>;
  live: LiveEvents;
  logger: Logger;
  /** Reread this often (ms) whatever happened: changes made on other nodes, or by a CSV import. */
  refreshMs?: number;
}

const REFRESH_MS = 60_000;

/**
 * The dial plan of the call service: the directory numbers in the database, held in memory (a
 * call routes without a query) and read again when this node changes a device (phone edits and
 * deletes, migrations), when a registered device holds a DN it lacks (auto-registration made one),
 * and every minute for what other nodes changed.
 */
export class StoredDialPlan {
  private current = new DirectoryNumberSet([]);
  private loading: Promise<void> | null = null;
  private again = false;
  /** DNs learnt while a read was under way (it may have begun before they were stored). */
  private learnedDuringRead: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly onChange = (change: { what: string }) => {
    if (change.what === 'device') this.refresh();
  };

  constructor(private readonly deps: StoredDialPlanDeps) {}

  /** Reads the DNs once, then keeps them fresh. */
  async start(): Promise<void> {
    this.deps.live.on('configuration-changed', this.onChange);
    this.timer = setInterval(() => this.refresh(), this.deps.refreshMs ?? REFRESH_MS);
    this.timer.unref();
    this.refresh();
    await this.loading;
  }

  /** The directory numbers known now. */
  view(): DialPlanView {
    return this.current;
  }

  /**
   * A registered device holds these DNs, so they exist: added at once, without a read (an
   * auto-registration storm brings a new DN with every phone). A read under way may have missed
   * them; they are added to its result too.
   */
  learn(dns: readonly string[]): void {
    this.current.add(dns);
    if (this.loading) this.learnedDuringRead.push(...dns);
  }

  /** Reads the DNs now, or once more after the read under way. */
  refresh(): void {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = this.deps
      .load()
      .then((dns) => {
        const read = new DirectoryNumberSet(dns);
        read.add(this.learnedDuringRead);
        this.current = read;
      })
      .catch((error: unknown) => {
        this.deps.logger.warn(
          { err: error },
          `could not read the directory numbers for the dial plan (${(error as Error).message}); calls route with the ones read before, and the next change or minute tries again`,
        );
      })
      .finally(() => {
        this.loading = null;
        this.learnedDuringRead = [];
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
