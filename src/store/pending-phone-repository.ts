import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { ApprovalState } from '../core/auto-registration-guard.js';
import type { DeviceProtocol } from '../core/device.js';
import { likePattern } from './device-repository.js';
import type { Executor } from './executor.js';
import type { Schema } from './schema.js';

/** Where a queued phone stands: waiting, or decided by an administrator. */
export type PendingPhoneState = Exclude<ApprovalState, 'none'>;
export const PENDING_PHONE_STATES: readonly PendingPhoneState[] = ['pending', 'accepted', 'refused'];

/** An unknown phone the auto-registration guard holds for approval (Device > Pending Phones). */
export interface PendingPhone {
  deviceName: string;
  model: string;
  protocol: DeviceProtocol;
  /** The IP address of its last attempt. */
  sourceIp: string;
  /** The node it last asked. */
  node: string;
  state: PendingPhoneState;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Registration attempts seen while it waited. */
  attempts: number;
  /** Who accepted or refused it, and when. */
  decidedBy: string | null;
  decidedAt: string | null;
}

export interface PendingPhoneQuery {
  state?: PendingPhoneState;
  /** Device name contains. */
  name?: string;
  node?: string;
  /** Source IP contains. */
  sourceIp?: string;
  page: number;
  pageSize: number;
}

/** A phone's attempt while it waits: where from, when. */
export interface PendingAttempt {
  deviceName: string;
  model: string;
  protocol: DeviceProtocol;
  sourceIp: string;
  node: string;
  at: string;
}

function toPendingPhone(row: Selectable<Schema['pending_phones']>): PendingPhone {
  return {
    deviceName: row.device_name,
    model: row.model,
    protocol: row.protocol as DeviceProtocol,
    sourceIp: row.source_ip,
    node: row.node,
    state: row.state as PendingPhoneState,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    attempts: Number(row.attempts),
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
  };
}

/** The approval queue of the auto-registration guard, shared by the nodes of a cluster. */
export class PendingPhoneRepository {
  constructor(private readonly db: Executor) {}

  async find(deviceName: string): Promise<PendingPhone | null> {
    const row = await this.db
      .selectFrom('pending_phones')
      .selectAll()
      .where('device_name', '=', deviceName)
      .executeTakeFirst();
    return row ? toPendingPhone(row) : null;
  }

  /** Queues a phone as pending unless it is queued already; true when this call queued it. */
  async hold(attempt: PendingAttempt): Promise<boolean> {
    const result = await this.db
      .insertInto('pending_phones')
      .values({
        device_name: attempt.deviceName,
        model: attempt.model,
        protocol: attempt.protocol,
        source_ip: attempt.sourceIp,
        node: attempt.node,
        state: 'pending',
        first_seen_at: attempt.at,
        last_seen_at: attempt.at,
        attempts: 1,
      })
      .onConflict((oc) => oc.column('device_name').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Adds `attempts` attempts of a queued phone, the last one `attempt`. */
  async touch(attempt: PendingAttempt, attempts: number): Promise<void> {
    await this.db
      .updateTable('pending_phones')
      .set({
        source_ip: attempt.sourceIp,
        node: attempt.node,
        model: attempt.model,
        protocol: attempt.protocol,
        last_seen_at: attempt.at,
        attempts: sql<number>`attempts + ${attempts}`,
      })
      .where('device_name', '=', attempt.deviceName)
      .execute();
  }

  async countPending(): Promise<number> {
    const row = await this.db
      .selectFrom('pending_phones')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '=', 'pending')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Queued phones, oldest first, with the total that match. */
  async list(q: PendingPhoneQuery): Promise<{ items: PendingPhone[]; total: number }> {
    let query = this.db.selectFrom('pending_phones');
    if (q.state) query = query.where('state', '=', q.state);
    if (q.node) query = query.where('node', '=', q.node);
    if (q.name) query = query.where(sql<string>`lower(device_name)`, 'like', likePattern(q.name));
    if (q.sourceIp) query = query.where(sql<string>`lower(source_ip)`, 'like', likePattern(q.sourceIp));
    const count = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy('first_seen_at')
      .orderBy('device_name')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute();
    return { items: rows.map(toPendingPhone), total: Number(count.n) };
  }

  /** Records an administrator's decision; false when the phone is not queued. */
  async decide(deviceName: string, state: 'accepted' | 'refused', by: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('pending_phones')
      .set({ state, decided_by: by, decided_at: at })
      .where('device_name', '=', deviceName)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Forgets phones (removed by an administrator, or auto-registered); how many were queued. */
  async remove(deviceNames: readonly string[]): Promise<number> {
    if (deviceNames.length === 0) return 0;
    const result = await this.db
      .deleteFrom('pending_phones')
      .where('device_name', 'in', deviceNames)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
