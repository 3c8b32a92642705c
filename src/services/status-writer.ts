import type { Logger } from 'pino';
import type { RegistrationEvent } from '../core/registration-event.js';
import type { StatusChange } from '../store/device-repository.js';
import type { Store } from '../store/store.js';

/**
 * Batches status transitions and registration events into few database writes, so that a
 * registration storm costs a transaction per batch instead of one per phone. `flush()` gives
 * readers of the same node read-your-writes.
 */
export class StatusWriter {
  private statuses = new Map<string, StatusChange>();
  private events: RegistrationEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly delayMs = 50,
    private readonly maxBatch = 2000,
  ) {}

  status(change: StatusChange): void {
    // Only the newest transition of a device matters.
    this.statuses.set(change.name, change);
    this.schedule();
  }

  /**
   * The device's newest status is in the database already (written with the device itself): a
   * change still queued for it is older and must not overwrite it.
   */
  alreadyStored(name: string): void {
    this.statuses.delete(name);
  }

  event(event: RegistrationEvent): void {
    this.events.push(event);
    this.schedule();
  }

  private schedule(): void {
    if (this.statuses.size + this.events.length >= this.maxBatch) {
      void this.flush();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Writes everything queued so far; resolves when it is in the database. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const statuses = [...this.statuses.values()];
    const events = this.events;
    this.statuses = new Map();
    this.events = [];
    const write = async () => {
      if (statuses.length === 0 && events.length === 0) return;
      try {
        await this.store.writeBatch(async (tx) => {
          await tx.devices.applyStatusChanges(statuses);
          await tx.events.insertMany(events);
        });
      } catch (error) {
        this.logger.error(
          { err: error, statuses: statuses.length, events: events.length },
          'could not write registration status and events to the database; they are lost — check the database',
        );
      }
    };
    // Batches are written in order.
    this.running = this.running.then(write);
    return this.running;
  }
}
