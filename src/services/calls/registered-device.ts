import type { Device } from '../../core/device.js';
import type { LineAppearance } from '../../core/line-settings.js';
import { DEFAULT_LINE_APPEARANCE } from '../../core/line-settings.js';
import type { RegisteredDevice } from './registered-lines.js';

/**
 * What call routing learns of a device accepted to register: its lines with their stored
 * appearance (max calls, busy trigger), display names and Do Not Disturb. They apply from this
 * registration on, as in CUCM, where a line change reaches the phone when it is reset.
 */
export function registeredDevice(device: Device): RegisteredDevice {
  const displayNames = new Map<number, string>();
  const appearances = new Map<number, LineAppearance>();
  for (const line of device.lines) {
    if (line.displayName) displayNames.set(line.index, line.displayName);
    appearances.set(line.index, {
      maxCalls: line.maxCalls ?? DEFAULT_LINE_APPEARANCE.maxCalls,
      busyTrigger: line.busyTrigger ?? DEFAULT_LINE_APPEARANCE.busyTrigger,
    });
  }
  return {
    deviceName: device.name,
    protocol: device.protocol,
    lines: device.lines,
    displayNames,
    appearances,
    dnd: device.dnd ?? false,
  };
}
