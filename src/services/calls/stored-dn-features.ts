import type { Logger } from 'pino';
import type { DnFeatures } from '../../core/line-settings.js';
import { NO_DN_FEATURES } from '../../core/line-settings.js';
import type { LiveEvents } from '../live-events.js';

export interface StoredDnFeaturesDeps {
  /** The features of every DN that has one set (store.lineSettings.allDnFeatures). */
  load: () => Promise<Map<string, DnFeatures>>;
  live: LiveEvents;
  logger: Logger;
  /** Reread this often (ms) whatever happened: changes made on other nodes, or by a CSV import. */
  refreshMs?: number;
}

const REFRESH_MS = 60_000;

/**
 * The call features of the directory numbers (forwards, pickup group), held in memory so that the
 * call service asks them synchronously while it routes: read at start, again when this node changes
 * a device (phone edits, CSV imports), every minute for what other nodes changed, and at once for a
 * change this node stored itself (`stored`, a user's CFwdAll). Like StoredDialPlan.
 */
export class StoredDnFeatures {
  private current = new Map<string, DnFeatures>();
  private loading: Promise<void> | null = null;
  private again = false;
  /** Changes stored while a read was under way (it may have begun before they were written). */
  private storedDuringRead = new Map<string, DnFeatures>();
  private timer: NodeJS.Timeout | null = null;
  private readonly onChange = (change: { what: string }) => {
    if (change.what === 'device') this.refresh();
  };

  constructor(private readonly deps: StoredDnFeaturesDeps) {}

  async start(): Promise<void> {
    this.deps.live.on('configuration-changed', this.onChange);
    this.timer = setInterval(() => this.refresh(), this.deps.refreshMs ?? REFRESH_MS);
    this.timer.unref();
    this.refresh();
    await this.loading;
  }

  /** The features of `dn` now (NO_DN_FEATURES when it has none or is unknown). */
  featuresOf(dn: string): DnFeatures {
    return this.current.get(dn) ?? NO_DN_FEATURES;
  }

  /** A change this node has stored: seen at once, without a read. */
  stored(dn: string, change: Partial<DnFeatures>): void {
    const next = { ...this.featuresOf(dn), ...definedOnly(change) };
    this.current.set(dn, next);
    if (this.loading) this.storedDuringRead.set(dn, next);
  }

  /** Reads the features now, or once more after the read under way. */
  refresh(): void {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = this.deps
      .load()
      .then((read) => {
        for (const [dn, features] of this.storedDuringRead) read.set(dn, features);
        this.current = read;
      })
      .catch((error: unknown) => {
        this.deps.logger.warn(
          { err: error },
          `could not read the call features of the directory numbers (forwards, pickup groups) (${(error as Error).message}); calls use the ones read before, and the next change or minute tries again`,
        );
      })
      .finally(() => {
        this.loading = null;
        this.storedDuringRead = new Map();
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

function definedOnly(change: Partial<DnFeatures>): Partial<DnFeatures> {
  return Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
}
