import type { Logger } from 'pino';
import type { DialPlanView } from '../../core/call/dial-plan.js';
import { DirectoryNumberSet } from '../../core/call/dn-set.js';
import type { LiveEvents } from '../live-events.js';
import { RefreshedRead } from './refreshed-read.js';

export interface StoredDialPlanDeps {
  /** Every directory number of the cluster (store.devices.allDirectoryNumbers). */
  load: () => Promise<string[]>;
  live: LiveEvents;
  logger: Logger;
  /** Reread this often (ms) whatever happened: changes made on other nodes, or by a CSV import. */
  refreshMs?: number;
}

/**
 * The dial plan of the call service: the directory numbers in the database, held in memory (a
 * call routes without a query) and read again when this node changes a device (phone edits and
 * deletes, migrations), when a registered device holds a DN it lacks (auto-registration made one),
 * and every minute for what other nodes changed.
 */
export class StoredDialPlan {
  private current = new DirectoryNumberSet([]);
  /** DNs learnt while a read was under way (it may have begun before they were stored). */
  private learnedDuringRead: string[] = [];
  private readonly read: RefreshedRead<string[]>;

  constructor(deps: StoredDialPlanDeps) {
    this.read = new RefreshedRead({
      ...deps,
      what: 'the directory numbers for the dial plan',
      accept: (dns) => {
        const read = new DirectoryNumberSet(dns);
        read.add(this.learnedDuringRead);
        this.learnedDuringRead = [];
        this.current = read;
      },
    });
  }

  /** Reads the DNs once, then keeps them fresh. */
  start(): Promise<void> {
    return this.read.start();
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
    if (this.read.reading) this.learnedDuringRead.push(...dns);
  }

  /** Reads the DNs now, or once more after the read under way. */
  refresh(): void {
    this.read.refresh();
  }

  /** Resolves once no read is under way (tests, and the node stopping). */
  settled(): Promise<void> {
    return this.read.settled();
  }

  stop(): Promise<void> {
    return this.read.stop();
  }
}
