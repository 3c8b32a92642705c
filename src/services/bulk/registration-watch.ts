import type { DeviceProtocol } from '../../core/device.js';
import type { RegistrationEvent } from '../../core/registration-event.js';
import type { DeviceRegistrationRow } from '../../store/bulk-job-repository.js';
import type { Store } from '../../store/store.js';
import type { DeviceStatusChange, LiveEvents } from '../live-events.js';
import type { StatusWriter } from '../status-writer.js';

/** What a watched phone did. */
export type Observation =
  | {
      kind: 'registered';
      /** Protocol it registered with (its device's protocol: the registration was accepted). */
      protocol: DeviceProtocol;
      /** Load it reported with this registration; null when it did not say. */
      activeLoadId: string | null;
    }
  | { kind: 'rejected'; protocol: DeviceProtocol; reason: string; message: string }
  | { kind: 'unregistered'; reason: string };

export type WaitOutcome<T> =
  { kind: 'result'; value: T } | { kind: 'timeout'; last: Observation | null } | { kind: 'aborted' };

/**
 * Observations of one device, queued from the moment of subscribing, so that a phone that
 * answers a Reset faster than the step starts waiting is not missed.
 */
export class DeviceSubscription {
  private queue: Observation[] = [];
  private last: Observation | null = null;
  private wake: (() => void) | null = null;

  constructor(
    readonly deviceName: string,
    private readonly onClose: (s: DeviceSubscription) => void,
  ) {}

  /** Called by the watch. */
  push(o: Observation): void {
    this.queue.push(o);
    this.last = o;
    this.wake?.();
  }

  /** Drops what was observed so far (before an action whose answer the step waits for). */
  clear(): void {
    this.queue = [];
  }

  /** The last observation, cleared or not. */
  get lastObservation(): Observation | null {
    return this.last;
  }

  /**
   * Feeds observations to `judge` until it returns a value, `timeoutMs` passes, or `signal`
   * aborts. Observations queued before the call are judged first.
   */
  async next<T>(
    judge: (o: Observation) => T | undefined,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<WaitOutcome<T>> {
    if (signal.aborted) return { kind: 'aborted' };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.wake?.();
    }, timeoutMs);
    const onAbort = () => this.wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        while (this.queue.length > 0) {
          const value = judge(this.queue.shift() as Observation);
          if (value !== undefined) return { kind: 'result', value };
        }
        if (signal.aborted) return { kind: 'aborted' };
        if (timedOut) return { kind: 'timeout', last: this.last };
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = null;
      }
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  close(): void {
    this.onClose(this);
  }
}

/**
 * Follows registrations of the phones a job is working on, from LiveEvents (never by polling
 * the database). The load a phone reported is read once per burst of registrations: the status
 * writer is flushed and the devices of the burst are read in one query.
 */
export class RegistrationWatch {
  private readonly subscriptions = new Map<string, Set<DeviceSubscription>>();
  /** Phones that registered since the last read, with the protocol they registered over. */
  private pendingLoads = new Map<string, DeviceProtocol>();
  private reading: Promise<void> | null = null;
  private readonly onStatus = (c: DeviceStatusChange) => this.status(c);
  private readonly onEvent = (e: RegistrationEvent) => this.event(e);

  constructor(
    private readonly deps: {
      live: LiveEvents;
      store: Store;
      statusWriter: StatusWriter;
      onError(error: unknown): void;
    },
  ) {
    deps.live.on('device-status', this.onStatus);
    deps.live.on('registration-event', this.onEvent);
  }

  subscribe(deviceName: string): DeviceSubscription {
    const s = new DeviceSubscription(deviceName, (sub) => {
      const set = this.subscriptions.get(deviceName);
      set?.delete(sub);
      if (set?.size === 0) this.subscriptions.delete(deviceName);
    });
    const set = this.subscriptions.get(deviceName) ?? new Set();
    set.add(s);
    this.subscriptions.set(deviceName, set);
    return s;
  }

  /** The registration columns of a device, after the status writer's queued writes. */
  async current(deviceName: string): Promise<DeviceRegistrationRow | null> {
    await this.deps.statusWriter.flush();
    const [row] = await this.deps.store.bulkJobs.deviceRegistrations([deviceName]);
    return row ?? null;
  }

  dispose(): void {
    this.deps.live.off('device-status', this.onStatus);
    this.deps.live.off('registration-event', this.onEvent);
  }

  private deliver(name: string, o: Observation): void {
    for (const s of this.subscriptions.get(name) ?? []) s.push(o);
  }

  private status(c: DeviceStatusChange): void {
    if (!this.subscriptions.has(c.name)) return;
    if (c.status === 'registered') {
      this.pendingLoads.set(c.name, c.protocol as DeviceProtocol);
      this.reading ??= this.readLoads();
    }
  }

  private event(e: RegistrationEvent): void {
    if (!this.subscriptions.has(e.deviceName)) return;
    if (e.outcome === 'rejected') {
      this.deliver(e.deviceName, {
        kind: 'rejected',
        protocol: e.protocol,
        reason: e.reason,
        message: e.message,
      });
    } else if (e.outcome === 'unregistered') {
      this.deliver(e.deviceName, { kind: 'unregistered', reason: e.reason });
    }
  }

  /** Reads the reported loads of the phones that registered since the last read, in one query. */
  private async readLoads(): Promise<void> {
    try {
      // Let the rest of a registration burst arrive (same tick) before reading.
      await new Promise((r) => setImmediate(r));
      while (this.pendingLoads.size > 0) {
        const batch = this.pendingLoads;
        this.pendingLoads = new Map();
        await this.deps.statusWriter.flush();
        const rows = await this.deps.store.bulkJobs.deviceRegistrations([...batch.keys()]);
        for (const row of rows) {
          const protocol = batch.get(row.name) ?? row.protocol;
          this.deliver(row.name, { kind: 'registered', protocol, activeLoadId: row.activeLoadId });
        }
      }
    } catch (error) {
      // The phones' waits run into their timeouts, whose reasons say the registration was not seen.
      this.pendingLoads = new Map();
      this.deps.onError(error);
    } finally {
      this.reading = null;
    }
  }
}
