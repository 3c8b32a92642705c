import { sql } from 'kysely';
import type { DeviceStatus } from '../core/device.js';
import type { Flavor } from './database.js';
import type { Executor } from './executor.js';
import { paddedInList } from './in-list.js';

/** The database's clock as ISO-8601 UTC text, the format every `*_at` column holds (PostgreSQL). */
export const POSTGRES_NOW_ISO = `to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Serialises the reapers of every node: one reaps at a time, the others skip that round. */
const REAPER_LOCK = `hashtext('openucm_node_reaper')`;

/**
 * The heartbeat a node's listener connection runs every beat ($1: the node's name): the database's
 * clock, so nodes need not agree on theirs. It answers whether another node had declared this one
 * down (`was_down`: the joined `old` row is the one before the update; a CTE with FOR UPDATE would
 * see the updated row), and doubles as the probe of that connection. A reap that commits during the
 * beat may go unseen here; its openucm_nodes notification says the same.
 */
export const HEARTBEAT_SQL = `UPDATE nodes SET heartbeat_at = ${POSTGRES_NOW_ISO}, down_at = NULL
FROM nodes AS old WHERE nodes.name = $1 AND old.name = nodes.name
RETURNING old.down_at AS was_down`;

/** What the other nodes show of a phone: its row's live columns. */
export interface LiveStatusRow {
  name: string;
  status: DeviceStatus;
  node: string | null;
  ipAddress: string | null;
  protocol: string;
  model: string;
  at: string | null;
}

/** A node declared down, and the phones it held that are now shown unregistered. */
export interface ReapedNode {
  node: string;
  at: string;
  phones: { name: string; protocol: string; ipAddress: string | null }[];
}

/** Each node's liveness as stored: last heartbeat (database clock), when declared down, phones registered. */
export interface NodeLivenessRow {
  name: string;
  heartbeatAt: string | null;
  downAt: string | null;
  phonesRegistered: number;
}

/** Cluster queries: notifications in a transaction, the reaper, live statuses of other nodes' phones. */
export class ClusterRepository {
  constructor(
    private readonly db: Executor,
    private readonly flavor: Flavor,
  ) {}

  /**
   * Sends `payload` on `channel` when the transaction this executor belongs to commits (PostgreSQL;
   * nothing on SQLite, where one node tells its LiveEvents itself). Works inside Store.writeBatch.
   */
  async notify(channel: string, payload: string): Promise<void> {
    if (this.flavor !== 'postgres') return;
    await sql`SELECT pg_notify(${channel}, ${payload})`.execute(this.db);
  }

  /** The live columns of the devices among `names` (a few hundred at most). */
  async liveStatuses(names: readonly string[]): Promise<LiveStatusRow[]> {
    if (names.length === 0) return [];
    const rows = await this.db
      .selectFrom('devices')
      .select(['name', 'status', 'status_node', 'ip_address', 'protocol', 'model', 'status_changed_at'])
      .where('name', 'in', paddedInList(names))
      .execute();
    return rows.map((r) => ({
      name: r.name,
      status: r.status as DeviceStatus,
      node: r.status_node,
      ipAddress: r.ip_address,
      protocol: r.protocol,
      model: r.model,
      at: r.status_changed_at,
    }));
  }

  /** Every node's heartbeat, down mark and registered phones, with the database's clock (`now`). */
  async liveness(): Promise<{ now: string | null; nodes: NodeLivenessRow[] }> {
    const nodes = await this.db
      .selectFrom('nodes')
      .select(['name', 'heartbeat_at', 'down_at'])
      .orderBy('name')
      .execute();
    const counts = await this.db
      .selectFrom('devices')
      .select(['status_node', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '=', 'registered')
      .groupBy('status_node')
      .execute();
    const registered = new Map(counts.map((c) => [c.status_node, Number(c.n)]));
    const now =
      this.flavor === 'postgres'
        ? (await sql<{ now: string }>`SELECT ${sql.raw(POSTGRES_NOW_ISO)} AS now`.execute(this.db)).rows[0]
            .now
        : null;
    return {
      now,
      nodes: nodes.map((n) => ({
        name: n.name,
        heartbeatAt: n.heartbeat_at,
        downAt: n.down_at,
        phonesRegistered: registered.get(n.name) ?? 0,
      })),
    };
  }

  /**
   * PostgreSQL, inside a transaction: unless another node's reaper holds the lock, declares down
   * every node whose heartbeat is older than `downAfterMs` (by the database's clock) and shows its
   * registered phones unregistered. A node that stopped cleanly (no heartbeat) is not reaped, nor
   * the reaping node `self` (it runs: its own heartbeat was late because the database was away).
   */
  async reapSilentNodes(downAfterMs: number, self: string): Promise<ReapedNode[]> {
    if (this.flavor !== 'postgres') return [];
    const lock = await sql<{
      locked: boolean;
    }>`SELECT pg_try_advisory_xact_lock(${sql.raw(REAPER_LOCK)}) AS locked`.execute(this.db);
    if (!lock.rows[0]?.locked) return [];
    const now = sql.raw(POSTGRES_NOW_ISO);
    const dead = await sql<{ name: string; at: string }>`
      UPDATE nodes SET down_at = ${now}
      WHERE down_at IS NULL AND heartbeat_at IS NOT NULL AND name <> ${self}
        AND heartbeat_at::timestamptz < now() - (${downAfterMs} * interval '1 millisecond')
      RETURNING name, down_at AS at`.execute(this.db);
    const reaped: ReapedNode[] = [];
    for (const { name, at } of dead.rows) {
      const phones = await sql<{ name: string; protocol: string; ip_address: string | null }>`
        UPDATE devices SET status = 'unregistered', status_changed_at = ${now}
        WHERE status_node = ${name} AND status = 'registered'
        RETURNING name, protocol, ip_address`.execute(this.db);
      reaped.push({
        node: name,
        at,
        phones: phones.rows.map((p) => ({ name: p.name, protocol: p.protocol, ipAddress: p.ip_address })),
      });
    }
    return reaped;
  }
}
