import type { DeviceProtocol, Line } from '../../core/device.js';
import type { LineAppearance } from '../../core/line-settings.js';
import { DEFAULT_LINE_APPEARANCE } from '../../core/line-settings.js';
import type { DnLocation, DnLocator } from './dn-locator.js';

/** What a registration tells about a device's lines. */
export interface RegisteredDevice {
  deviceName: string;
  protocol: DeviceProtocol;
  lines: readonly Line[];
  /** Display name per line index, when configured. */
  displayNames?: ReadonlyMap<number, string>;
  /** Max calls and busy trigger per line index, when configured (else DEFAULT_LINE_APPEARANCE). */
  appearances?: ReadonlyMap<number, LineAppearance>;
  /** Do Not Disturb, as stored when it registered; absent = off. */
  dnd?: boolean;
}

/**
 * The DNs of the devices registered on this node, in memory: the one-node DnLocator. The live
 * registry (services/live-registry.ts) holds connections, not lines, so the registration service
 * feeds this when it accepts a device (with the lines it accepted) and when the device goes away.
 */
export class RegisteredLines implements DnLocator {
  private readonly byDn = new Map<string, DnLocation[]>();
  /** Each device's DNs, so that forgetting a device touches only its own DNs. */
  private readonly byDevice = new Map<string, string[]>();

  constructor(private readonly node: string) {}

  /** Records the lines of a registered device, replacing what it had (a re-registration may change them). */
  registered(device: RegisteredDevice): void {
    this.unregistered(device.deviceName);
    for (const line of device.lines) {
      const holders = this.byDn.get(line.dn) ?? [];
      holders.push({
        deviceName: device.deviceName,
        node: this.node,
        protocol: device.protocol,
        line: line.index,
        displayName: device.displayNames?.get(line.index) ?? '',
        dnd: device.dnd ?? false,
        ...(device.appearances?.get(line.index) ?? DEFAULT_LINE_APPEARANCE),
      });
      this.byDn.set(line.dn, holders);
    }
    this.byDevice.set(
      device.deviceName,
      device.lines.map((line) => line.dn),
    );
  }

  unregistered(deviceName: string): void {
    const dns = this.byDevice.get(deviceName);
    if (!dns) return;
    this.byDevice.delete(deviceName);
    for (const dn of new Set(dns)) {
      const rest = (this.byDn.get(dn) ?? []).filter((holder) => holder.deviceName !== deviceName);
      if (rest.length === 0) this.byDn.delete(dn);
      else this.byDn.set(dn, rest);
    }
  }

  async devicesFor(dn: string): Promise<DnLocation[]> {
    return [...(this.byDn.get(dn) ?? [])];
  }
}
