import type { RegistrationEvent, RegistrationOutcome } from '../core/registration-event.js';
import type { DeviceProtocol } from '../core/device.js';
import type { Executor } from './executor.js';

export interface StoredRegistrationEvent extends RegistrationEvent {
  id: number;
}

export interface EventQuery {
  deviceName?: string;
  outcome?: RegistrationOutcome;
  /** Only events with an id below this (paging backwards from the newest). */
  beforeId?: number;
  limit: number;
}

/** The registration log, newest first. */
export class EventRepository {
  constructor(private readonly db: Executor) {}

  async insertMany(events: RegistrationEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Chunks keep each statement under SQLite's bound-parameter limit.
    for (let i = 0; i < events.length; i += 500) {
      await this.db
        .insertInto('registration_events')
        .values(
          events.slice(i, i + 500).map((e) => ({
            at: e.at,
            device_name: e.deviceName,
            protocol: e.protocol,
            address: e.address,
            node: e.node,
            outcome: e.outcome,
            reason: e.reason,
            message: e.message,
            remedy: e.remedy,
          })),
        )
        .execute();
    }
  }

  async list(q: EventQuery): Promise<StoredRegistrationEvent[]> {
    let query = this.db.selectFrom('registration_events').selectAll();
    if (q.deviceName) query = query.where('device_name', '=', q.deviceName);
    if (q.outcome) query = query.where('outcome', '=', q.outcome);
    if (q.beforeId !== undefined) query = query.where('id', '<', q.beforeId);
    const rows = await query.orderBy('id', 'desc').limit(q.limit).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      at: r.at,
      deviceName: r.device_name,
      protocol: r.protocol as DeviceProtocol,
      address: r.address,
      node: r.node,
      outcome: r.outcome as RegistrationOutcome,
      reason: r.reason as RegistrationEvent['reason'],
      message: r.message,
      remedy: r.remedy,
    }));
  }
}
