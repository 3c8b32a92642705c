import type { DeviceProtocol } from './device.js';
import { phoneModels } from './phone-models.js';

/** Device > Device Settings > Device Defaults: one row per model and protocol. */
export interface DeviceDefault {
  model: string;
  protocol: DeviceProtocol;
  /** Load given to phones of this model and protocol that have no Phone Load Name; null = none forced. */
  loadId: string | null;
  devicePool: string;
}

export const DEFAULT_DEVICE_POOL = 'Default';

/**
 * Every model × protocol of the catalogue, with the stored rows applied over the catalogue's
 * last public loads (cucm.md §3: installing a load updates Device Defaults; we start from those).
 */
export function effectiveDeviceDefaults(stored: DeviceDefault[]): DeviceDefault[] {
  const byKey = new Map(stored.map((d) => [`${d.model}/${d.protocol}`, d]));
  const rows: DeviceDefault[] = [];
  for (const m of phoneModels()) {
    for (const protocol of m.protocols) {
      rows.push(
        byKey.get(`${m.model}/${protocol}`) ?? {
          model: m.model,
          protocol,
          loadId: m.defaultLoads[protocol] ?? null,
          devicePool: DEFAULT_DEVICE_POOL,
        },
      );
    }
  }
  return rows;
}

/** The load a device should run: its own Phone Load Name, else the Device Default of its model and protocol. */
export function loadForDevice(
  device: { model: string; protocol: DeviceProtocol; loadId: string | null },
  defaults: DeviceDefault[],
): string | null {
  if (device.loadId) return device.loadId;
  return defaults.find((d) => d.model === device.model && d.protocol === device.protocol)?.loadId ?? null;
}
