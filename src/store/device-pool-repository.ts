import type { DevicePool } from '../core/device-pool.js';
import type { Executor } from './executor.js';
import type { Schema } from './schema.js';

function toPool(row: Schema['device_pools']): DevicePool {
  return { name: row.name, description: row.description, cmGroup: row.cm_group };
}

/** System > Device Pool, and what uses each pool (devices, nodes' auto-registration). */
export class DevicePoolRepository {
  constructor(private readonly db: Executor) {}

  async list(): Promise<DevicePool[]> {
    const rows = await this.db.selectFrom('device_pools').selectAll().orderBy('name').execute();
    return rows.map(toPool);
  }

  async get(name: string): Promise<DevicePool | null> {
    const row = await this.db
      .selectFrom('device_pools')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? toPool(row) : null;
  }

  /** Creates a pool (checked by core/device-pool before); a name taken throws a unique violation. */
  async insert(pool: DevicePool): Promise<void> {
    await this.db
      .insertInto('device_pools')
      .values({ name: pool.name, description: pool.description, cm_group: pool.cmGroup })
      .execute();
  }

  async update(pool: DevicePool): Promise<void> {
    await this.db
      .updateTable('device_pools')
      .set({ description: pool.description, cm_group: pool.cmGroup })
      .where('name', '=', pool.name)
      .execute();
  }

  async delete(name: string): Promise<void> {
    await this.db.deleteFrom('device_pools').where('name', '=', name).execute();
  }

  /** The pools whose group is `group`, by name. */
  async usingGroup(group: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('device_pools')
      .select('name')
      .where('cm_group', '=', group)
      .orderBy('name')
      .execute();
    return rows.map((r) => r.name);
  }

  /** How many devices are in pool `name`. */
  async deviceCount(name: string): Promise<number> {
    const row = await this.db
      .selectFrom('devices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('device_pool', '=', name)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The nodes whose auto-registered phones get pool `name`. */
  async autoRegistrationNodes(name: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('nodes')
      .select('name')
      .where('auto_registration_pool', '=', name)
      .orderBy('name')
      .execute();
    return rows.map((r) => r.name);
  }

  /** Sets the pool node `node` gives its auto-registered phones. */
  async setAutoRegistrationPool(node: string, pool: string): Promise<void> {
    await this.db
      .updateTable('nodes')
      .set({ auto_registration_pool: pool })
      .where('name', '=', node)
      .execute();
  }

  /** Sets the pool of one device. */
  async setDevicePool(device: string, pool: string): Promise<void> {
    await this.db.updateTable('devices').set({ device_pool: pool }).where('name', '=', device).execute();
  }
}
