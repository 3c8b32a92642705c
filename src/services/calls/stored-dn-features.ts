import type { Logger } from 'pino';
import type { DnFeatures } from '../../core/line-settings.js';
import { NO_DN_FEATURES } from '../../core/line-settings.js';
import type { LiveEvents } from '../live-events.js';
import { RefreshedRead } from './refreshed-read.js';

export interface StoredDnFeaturesDeps {
  /** The features of every DN that has one set (store.lineSettings.allDnFeatures). */
  load: () => Promise<Map<string, DnFeatures>>;
  live: LiveEvents;
  logger: Logger;
  /** Reread this often (ms) whatever happened: changes made on other nodes, or by a CSV import. */
  refreshMs?: number;
}

/**
 * The call features of the directory numbers (forwards, pickup group), held in memory so that the
 * call service asks them synchronously while it routes: read at start, again when this node changes
 * a device (phone edits, CSV imports), every minute for what other nodes changed, and at once for a
 * change this node stored itself (`stored`, a user's CFwdAll).
 */
export class StoredDnFeatures {
  private current = new Map<string, DnFeatures>();
  /** Changes stored while a read was under way (it may have begun before they were written). */
  private storedDuringRead = new Map<string, DnFeatures>();
  private readonly read: RefreshedRead<Map<string, DnFeatures>>;

  constructor(deps: StoredDnFeaturesDeps) {
    this.read = new RefreshedRead({
      ...deps,
      what: 'the call features of the directory numbers (forwards, pickup groups)',
      accept: (read) => {
        for (const [dn, features] of this.storedDuringRead) read.set(dn, features);
        this.storedDuringRead = new Map();
        this.current = read;
      },
    });
  }

  start(): Promise<void> {
    return this.read.start();
  }

  /** The features of `dn` now (NO_DN_FEATURES when it has none or is unknown). */
  featuresOf(dn: string): DnFeatures {
    return this.current.get(dn) ?? NO_DN_FEATURES;
  }

  /** A change this node has stored: seen at once, without a read. */
  stored(dn: string, change: Partial<DnFeatures>): void {
    const next = { ...this.featuresOf(dn), ...definedOnly(change) };
    this.current.set(dn, next);
    if (this.read.reading) this.storedDuringRead.set(dn, next);
  }

  /** Reads the features now, or once more after the read under way. */
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

function definedOnly(change: Partial<DnFeatures>): Partial<DnFeatures> {
  return Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
}
