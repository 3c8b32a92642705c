import type { RegistrationEvent, RegistrationOutcome } from '../core/registration-event.js';
import type { DeviceProtocol } from '../core/device.js';
import { ipOf } from '../core/ip-of.js';
import { sql } from 'kysely';
import type { Flavor } from './database.js';
import type { Executor } from './executor.js';
import { JsonRows } from './json-rows.js';

/** An event as the log holds it: every event with its count (1 unless it is a folded refusal). */
export interface StoredRegistrationEvent extends RegistrationEvent {
  id: number;
  count: number;
  lastAt: string;
}

export interface EventQuery {
  deviceName?: string;
  outcome?: RegistrationOutcome;
  /** Only events from this source IP address. */
  sourceIp?: string;
  /** Only events with an id below this (paging backwards from the newest). */
  beforeId?: number;
  limit: number;
}

/** Refused attempts from one source address, summed over the folded events. */
export interface RefusedSource {
  sourceIp: string;
  attempts: number;
  /** Registration events they are recorded in (one per device name, or one shared by many). */
  events: number;
  /** The reason with the most attempts. */
  topReason: string;
  lastAt: string;
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
    attempt_count: 'integer',
    last_at: 'text',
    repeat_key: 'text',
    source_ip: 'text',
  },
  (e) => [
    e.at,
    e.deviceName,
    e.protocol,
    e.address,
    e.node,
    e.outcome,
    e.reason,
    e.message,
    e.remedy,
    e.count ?? 1,
    e.lastAt ?? null,
    e.repeatKey ?? null,
    ipOf(e.address),
  ],
);

/** The registration log, newest first. */
export class EventRepository {
  constructor(
    private readonly db: Executor,
    private readonly flavor: Flavor,
  ) {}

  /**
   * Adds events; one that carries the repeat key of an event already stored (a folded refusal's
   * count update) updates that event's count and last time instead.
   */
  async insertMany(events: readonly RegistrationEvent[]): Promise<void> {
    if (events.length === 0) return;
    await sql`INSERT INTO registration_events (at, device_name, protocol, address, node, outcome, reason, message, remedy, attempt_count, last_at, repeat_key, source_ip)
      ${NEW_EVENTS.source(this.flavor, latestOfEachRepeat(events))}
      ON CONFLICT (repeat_key) DO UPDATE SET attempt_count = excluded.attempt_count, last_at = excluded.last_at`.execute(
      this.db,
    );
  }

  async list(q: EventQuery): Promise<StoredRegistrationEvent[]> {
    let query = this.db.selectFrom('registration_events').selectAll();
    if (q.deviceName) query = query.where('device_name', '=', q.deviceName);
    if (q.outcome) query = query.where('outcome', '=', q.outcome);
    if (q.sourceIp) query = query.where('source_ip', '=', q.sourceIp);
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
      count: Number(r.attempt_count),
      lastAt: r.last_at ?? r.at,
      ...(r.repeat_key !== null ? { repeatKey: r.repeat_key } : {}),
    }));
  }

  /**
   * The source addresses with the most refused attempts whose last attempt is at or after `since`
   * (ISO-8601), most first. Events are read from `windowStart` on: a folded event starts at most a
   * window before its last attempt.
   */
  async refusedSources(since: string, windowStart: string, limit: number): Promise<RefusedSource[]> {
    const lastAt = sql<string>`coalesce(last_at, at)`;
    const rows = await this.db
      .selectFrom('registration_events')
      .select([
        'source_ip',
        'reason',
        (eb) => eb.fn.sum<number>('attempt_count').as('attempts'),
        (eb) => eb.fn.countAll<number>().as('events'),
        (eb) => eb.fn.max(lastAt).as('last'),
      ])
      .where('outcome', '=', 'rejected')
      .where('at', '>=', windowStart)
      .where(lastAt, '>=', since)
      .where('source_ip', 'is not', null)
      .groupBy(['source_ip', 'reason'])
      .execute();
    const bySource = new Map<string, RefusedSource & { topAttempts: number }>();
    for (const r of rows) {
      const ip = r.source_ip as string;
      const attempts = Number(r.attempts);
      const s = bySource.get(ip) ?? {
        sourceIp: ip,
        attempts: 0,
        events: 0,
        topReason: r.reason,
        topAttempts: 0,
        lastAt: String(r.last),
      };
      s.attempts += attempts;
      s.events += Number(r.events);
      if (attempts > s.topAttempts) {
        s.topAttempts = attempts;
        s.topReason = r.reason;
      }
      if (String(r.last) > s.lastAt) s.lastAt = String(r.last);
      bySource.set(ip, s);
    }
    return [...bySource.values()]
      .sort((a, b) => b.attempts - a.attempts || a.sourceIp.localeCompare(b.sourceIp))
      .slice(0, limit)
      .map(({ topAttempts: _, ...s }) => s);
  }

  /** Deletes up to `limit` events older than `before` (ISO-8601), oldest first; returns how many. */
  async deleteOlderThan(before: string, limit: number): Promise<number> {
    const r = await this.db
      .deleteFrom('registration_events')
      .where('id', 'in', (eb) =>
        eb.selectFrom('registration_events').select('id').where('at', '<', before).orderBy('id').limit(limit),
      )
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Deletes up to `limit` of the oldest events beyond the newest `keep`; returns how many. */
  async deleteBeyond(keep: number, limit: number): Promise<number> {
    const edge = await this.db
      .selectFrom('registration_events')
      .select('id')
      .orderBy('id', 'desc')
      .offset(keep)
      .limit(1)
      .executeTakeFirst();
    if (edge === undefined) return 0;
    const r = await this.db
      .deleteFrom('registration_events')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('registration_events')
          .select('id')
          .where('id', '<=', Number(edge.id))
          .orderBy('id')
          .limit(limit),
      )
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

/**
 * One row per repeat key, the latest count, at the place of the first: PostgreSQL refuses an
 * INSERT … ON CONFLICT that would update one row twice.
 */
function latestOfEachRepeat(events: readonly RegistrationEvent[]): readonly RegistrationEvent[] {
  if (!events.some((e) => e.repeatKey !== undefined)) return events;
  const out: RegistrationEvent[] = [];
  const at = new Map<string, number>();
  for (const e of events) {
    if (e.repeatKey === undefined) {
      out.push(e);
      continue;
    }
    const i = at.get(e.repeatKey);
    if (i === undefined) {
      at.set(e.repeatKey, out.length);
      out.push(e);
    } else if ((e.count ?? 1) >= (out[i].count ?? 1)) {
      out[i] = e;
    }
  }
  return out;
}
