import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { AutoRegistrationGuard } from '../core/auto-registration-guard.js';
import { OPEN_GUARD } from '../core/auto-registration-guard.js';
import type { AutoRegistration, CallManagerNode } from '../core/node.js';
import type { Flavor } from './database.js';
import { CmGroupRepository } from './cm-group-repository.js';
import type { Executor } from './executor.js';
import type { Schema } from './schema.js';

/** Where a node listens, as it announced on start; phones are sent there by their config files. */
export interface NodeEndpoint {
  address: string;
  sccpPort: number;
  sipPort: number | null;
  /** SIP over TLS (null or absent: the node has no TLS listener, or did not say). */
  sipTlsPort?: number | null;
}

export interface StoredNode extends CallManagerNode {
  autoRegistrationChangedAt: string;
  endpoint: NodeEndpoint | null;
  /** Which unknown phones may auto-register here (System > Cisco Unified CM). */
  autoRegistrationGuard: AutoRegistrationGuard;
  /** The device pool this node's auto-registered phones get (System > Device Pool). */
  autoRegistrationPool: string;
}

/** The stored guard, any field it lacks (written by an older version) taken as open. */
function guardOf(json: string | null): AutoRegistrationGuard {
  if (json === null) return OPEN_GUARD;
  return { ...OPEN_GUARD, ...(JSON.parse(json) as Partial<AutoRegistrationGuard>) };
}

function toNode(row: Selectable<Schema['nodes']>): StoredNode {
  return {
    name: row.name,
    autoRegistration: {
      enabled: row.auto_registration_enabled === 1,
      startingDn: row.starting_dn,
      endingDn: row.ending_dn,
    },
    autoRegistrationChangedAt: row.auto_registration_changed_at,
    endpoint:
      row.address !== null && row.sccp_port !== null
        ? {
            address: row.address,
            sccpPort: row.sccp_port,
            sipPort: row.sip_port,
            sipTlsPort: row.sip_tls_port,
          }
        : null,
    autoRegistrationGuard: guardOf(row.auto_registration_guard),
    autoRegistrationPool: row.auto_registration_pool,
  };
}

/** Call-processing nodes and their auto-registration settings. */
export class NodeRepository {
  constructor(
    private readonly db: Executor,
    private readonly flavor: Flavor,
  ) {}

  async list(): Promise<StoredNode[]> {
    const rows = await this.db.selectFrom('nodes').selectAll().orderBy('name').execute();
    return rows.map(toNode);
  }

  /**
   * Every node, each row locked until the transaction (this repository's executor) ends, so that a
   * check across nodes and the write that follows it cannot interleave with another's. PostgreSQL
   * locks the rows, in name order so that two lockers never deadlock; SQLite's writer runs one
   * transaction at a time, which serialises them already.
   */
  async lockAll(): Promise<StoredNode[]> {
    const query = this.db.selectFrom('nodes').selectAll().orderBy('name');
    const rows = await (this.flavor === 'postgres' ? query.forUpdate() : query).execute();
    return rows.map(toNode);
  }

  async get(name: string): Promise<StoredNode | null> {
    const row = await this.db.selectFrom('nodes').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toNode(row) : null;
  }

  /**
   * Creates the node with `defaults` unless it exists; returns it either way. A new node joins the
   * Default Unified CM Group while that has room (CmGroupRepository.adoptNode).
   */
  async ensure(name: string, defaults: AutoRegistration, now: Date): Promise<StoredNode> {
    const inserted = await this.db
      .insertInto('nodes')
      .values({
        name,
        auto_registration_enabled: defaults.enabled ? 1 : 0,
        starting_dn: defaults.startingDn,
        ending_dn: defaults.endingDn,
        auto_registration_changed_at: now.toISOString(),
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0)
      await new CmGroupRepository(this.db).adoptNode(name);
    const node = await this.get(name);
    if (!node) throw new Error(`node ${name} vanished right after it was created`);
    return node;
  }

  /**
   * The node's number (globalCallID_callManagerId of its CDRs), unique in the cluster; a node
   * without one takes the next free number. Two nodes numbering themselves at once on PostgreSQL
   * may pick the same; the unique index refuses the second, which tries again.
   */
  async numberOf(name: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const row = await this.db
        .selectFrom('nodes')
        .select('number')
        .where('name', '=', name)
        .executeTakeFirst();
      if (!row) throw new Error(`node ${name} is not stored; it cannot be numbered`);
      if (row.number !== null) return row.number;
      try {
        await sql`UPDATE nodes SET number = (SELECT coalesce(max(number), 0) + 1 FROM nodes) WHERE name = ${name} AND number IS NULL`.execute(
          this.db,
        );
      } catch (error) {
        if (attempt >= 5) throw error;
      }
    }
  }

  /** Records where the node listens (on every start, since ports may be picked by the system). */
  async announce(name: string, endpoint: NodeEndpoint): Promise<void> {
    await this.db
      .updateTable('nodes')
      .set({
        address: endpoint.address,
        sccp_port: endpoint.sccpPort,
        sip_port: endpoint.sipPort,
        sip_tls_port: endpoint.sipTlsPort ?? null,
      })
      .where('name', '=', name)
      .execute();
  }

  /** Records that the node is running (`at`), or that it stopped cleanly (null). */
  async heartbeat(name: string, at: Date | null): Promise<void> {
    await this.db
      .updateTable('nodes')
      .set({ heartbeat_at: at?.toISOString() ?? null })
      .where('name', '=', name)
      .execute();
  }

  /** Each node's last heartbeat (null: stopped cleanly, or never started since heartbeats exist). */
  async heartbeats(): Promise<{ name: string; at: Date | null }[]> {
    const rows = await this.db.selectFrom('nodes').select(['name', 'heartbeat_at']).orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, at: r.heartbeat_at ? new Date(r.heartbeat_at) : null }));
  }

  /** Stores the node's auto-registration guard (checked by core/auto-registration-guard before). */
  async updateGuard(name: string, guard: AutoRegistrationGuard): Promise<void> {
    await this.db
      .updateTable('nodes')
      .set({ auto_registration_guard: JSON.stringify(guard) })
      .where('name', '=', name)
      .execute();
  }

  async updateAutoRegistration(name: string, ar: AutoRegistration, now: Date): Promise<void> {
    const current = await this.get(name);
    const switched = current !== null && current.autoRegistration.enabled !== ar.enabled;
    await this.db
      .updateTable('nodes')
      .set({
        auto_registration_enabled: ar.enabled ? 1 : 0,
        starting_dn: ar.startingDn,
        ending_dn: ar.endingDn,
        ...(switched ? { auto_registration_changed_at: now.toISOString() } : {}),
      })
      .where('name', '=', name)
      .execute();
  }
}
