import type { Logger } from 'pino';
import type { DeviceDefault } from '../core/device-defaults.js';
import { effectiveDeviceDefaults } from '../core/device-defaults.js';
import type { DeviceProtocol } from '../core/device.js';
import { loadIdProblem } from '../core/load.js';
import { phoneModel } from '../core/phone-models.js';
import type { Store } from '../store/store.js';
import { NotFoundError, ValidationError } from './configuration-service.js';
import type { FirmwareLoadStore } from './firmware-loads.js';
import type { LiveEvents } from './live-events.js';

export interface DeviceDefaultView extends DeviceDefault {
  /** True when an uploaded firmware load provides loadId. */
  loadAvailable: boolean;
}

/** The warning CUCM does not give: a load that is not on the TFTP server leaves phones on their old load. */
export function missingLoadWarning(loadId: string): string {
  return `no uploaded firmware provides load ${loadId}: the setting is saved, but phones keep the load they run until ${loadId} is uploaded (Device > Firmware Loads)`;
}

/** Device > Device Settings > Device Defaults. */
export class DeviceDefaultService {
  constructor(
    private readonly store: Store,
    private readonly loads: FirmwareLoadStore,
    private readonly logger: Logger,
    private readonly live: LiveEvents,
  ) {}

  async list(): Promise<DeviceDefaultView[]> {
    const rows = effectiveDeviceDefaults(await this.store.deviceDefaults.listStored());
    const ids = new Set((await this.loads.loads()).map((l) => l.loadId.toLowerCase()));
    return rows.map((r) => ({ ...r, loadAvailable: r.loadId !== null && ids.has(r.loadId.toLowerCase()) }));
  }

  async update(
    model: string,
    protocol: DeviceProtocol,
    changes: { loadId?: string | null; devicePool?: string },
  ): Promise<{ deviceDefault: DeviceDefaultView; warnings: string[] }> {
    const m = phoneModel(model);
    if (!m) throw new NotFoundError(`model ${model} is not in the phone model catalogue`);
    if (!m.protocols.includes(protocol))
      throw new NotFoundError(`model ${model} has no ${protocol} firmware`);
    if (changes.loadId !== undefined && changes.loadId !== null) {
      // An empty string is refused rather than read as "no load": send null for that.
      const problem = loadIdProblem(changes.loadId);
      if (problem) throw new ValidationError({ field: 'loadId', message: problem });
    }
    if (changes.devicePool !== undefined && changes.devicePool.trim() === '') {
      throw new ValidationError({ field: 'devicePool', message: 'device pool cannot be empty' });
    }
    const current = (await this.list()).find((d) => d.model === model && d.protocol === protocol)!;
    const next: DeviceDefault = {
      model,
      protocol,
      loadId: changes.loadId === undefined ? current.loadId : changes.loadId,
      devicePool: changes.devicePool ?? current.devicePool,
    };
    await this.store.deviceDefaults.save(next);
    // XMLDefault.cnf.xml and the phones' files name these loads.
    this.live.emit('configuration-changed', { what: 'device-defaults', name: `${model}/${protocol}` });
    const warnings: string[] = [];
    const loadAvailable = next.loadId !== null && (await this.loads.provides(next.loadId));
    if (next.loadId && !loadAvailable) warnings.push(missingLoadWarning(next.loadId));
    this.logger.info(
      { model, protocol, loadId: next.loadId, devicePool: next.devicePool },
      'device defaults changed',
    );
    return { deviceDefault: { ...next, loadAvailable }, warnings };
  }
}
