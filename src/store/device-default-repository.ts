import type { DeviceProtocol } from '../core/device.js';
import type { DeviceDefault } from '../core/device-defaults.js';
import type { Executor } from './executor.js';

/** Device Defaults rows that an administrator changed; the catalogue supplies the others. */
export class DeviceDefaultRepository {
  constructor(private readonly db: Executor) {}

  async listStored(): Promise<DeviceDefault[]> {
    const rows = await this.db.selectFrom('device_defaults').selectAll().execute();
    return rows.map((r) => ({
      model: r.model,
      protocol: r.protocol as DeviceProtocol,
      loadId: r.load_id,
      devicePool: r.device_pool,
    }));
  }

  async save(d: DeviceDefault): Promise<void> {
    await this.db
      .insertInto('device_defaults')
      .values({ model: d.model, protocol: d.protocol, load_id: d.loadId, device_pool: d.devicePool })
      .onConflict((oc) =>
        oc.columns(['model', 'protocol']).doUpdateSet({ load_id: d.loadId, device_pool: d.devicePool }),
      )
      .execute();
  }
}
