import type { Diagnosis } from '../core/diagnosis.js';
import { diagnose } from '../core/diagnosis.js';
import { effectiveDeviceDefaults, loadForDevice } from '../core/device-defaults.js';
import { inRange } from '../core/node.js';
import type { Store } from '../store/store.js';
import type { FirmwareLoadStore } from './firmware-loads.js';
import type { ProvisioningLog } from './provisioning-log.js';
import type { StatusWriter } from './status-writer.js';

/** "Why isn't this phone registering?": gathers the facts and lets core/diagnosis walk the chain. */
export class DiagnosisService {
  constructor(
    private readonly store: Store,
    private readonly provisioningLog: ProvisioningLog,
    private readonly loads: FirmwareLoadStore,
    private readonly statusWriter: StatusWriter,
  ) {}

  async diagnose(deviceName: string): Promise<Diagnosis> {
    await this.statusWriter.settled();
    const { store } = this;
    const [device, nodes, parameters, events, stored] = await Promise.all([
      store.devices.find(deviceName),
      store.nodes.list(),
      store.parameters.get(),
      store.events.list({ deviceName, limit: 50 }),
      store.deviceDefaults.listStored(),
    ]);
    const nodeUsage = await Promise.all(
      nodes.map(async (node) => {
        const ar = node.autoRegistration;
        const dns = await store.devices.dnsWithLength(ar.startingDn.length, ar.endingDn.length);
        return { node, used: dns.filter((dn) => inRange(ar, dn)).length };
      }),
    );
    const configuredLoad = device ? loadForDevice(device, effectiveDeviceDefaults(stored)) : null;
    const holders = device
      ? await store.devices.holdersOf(
          device.lines.map((l) => l.dn),
          device.name,
        )
      : [];
    const sharedDns = [...new Set(holders.map((h) => h.dn))].map((dn) => ({
      dn,
      devices: holders.filter((h) => h.dn === dn).map((h) => h.deviceName),
    }));
    return diagnose({
      deviceName,
      device,
      nodes: nodeUsage,
      parameters,
      configuredLoad,
      configuredLoadAvailable: configuredLoad ? await this.loads.provides(configuredLoad) : null,
      fetches: this.provisioningLog.recent(deviceName.replace(/^SEP/, '')),
      events,
      sharedDns,
    });
  }
}
