import type { RegistrationEvent, RegistrationOutcome } from '../core/registration-event.js';
import type { DeviceProtocol } from '../core/device.js';
import { sql } from 'kysely';
import type { Flavor } from './database.js';
import type { Executor } from './executor.js';
import { JsonRows } from './json-rows.js';

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

const NEW_EVENTS = new JsonRows<RegistrationEvent>(
  {
    at: 'text',
    device_name: 'text',
    protocol: 'text',
    address: 'text',
    node: 'text',
    outcome: 'text',
    reason: 'text',
    message: 'text',
    remedy: 'text',
  },
  (e) => [e.at, e.deviceName, e.protocol, e.address, e.node, e.outcome, e.reason, e.message, e.remedy],
);

/** The registration log, newest first. */
export class EventRepository {
  constructor(
    private readonly db: Executor,
    private readonly flavor: Flavor,
  ) {}

  async insertMany(events: readonly RegistrationEvent[]): Promise<void> {
    if (events.length === 0) return;
    await sql`INSERT INTO registration_events (at, device_name, protocol, address, node, outcome, reason, message, remedy)
      ${NEW_EVENTS.source(this.flavor, events)}`.execute(this.db);
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
