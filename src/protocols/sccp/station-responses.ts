import type { Device } from '../../core/device.js';
import type { PhoneModel } from '../../core/phone-models.js';
import { ButtonDefinition } from './codec/messages/button-template.js';
import type { ButtonTemplateInput } from './codec/messages/button-template.js';
import type { DefineTimeDate } from './codec/messages/time-date.js';

// chan-sccp implements these protocol versions; we speak the same set (sccp.md §3.2) so that the
// agreed version is always one Wireshark and phones accept in the header (sccp.md §1).
const SPOKEN_VERSIONS = [3, 5, 8, 9, 10, 11, 15, 16, 17] as const;

/** The protocol version to agree on: the highest we speak that is ≤ the phone's (sccp.md §3.2). */
export function agreedProtocolVersion(phoneVersion: number): number {
  let agreed: number = SPOKEN_VERSIONS[0];
  for (const v of SPOKEN_VERSIONS) if (v <= phoneVersion) agreed = v;
  return agreed;
}

/** Header version for messages other than RegisterAck/KeepAliveAck/UnregisterAck (sccp.md §1). */
export function headerVersionFor(agreed: number): number {
  return agreed < 10 ? 0 : agreed;
}

/** Line buttons first (one per line the model has), the device's lines on them in order. */
export function buttonTemplate(device: Device, model: PhoneModel | undefined): ButtonTemplateInput {
  const buttons = Math.max(model?.lineButtons ?? 1, device.lines.length);
  return {
    buttons: Array.from({ length: buttons }, (_, i) => ({
      instanceNumber: i + 1,
      buttonDefinition: ButtonDefinition.Line,
    })),
  };
}

/** The DN and label of line `lineNumber` (1-based); an unconfigured button gets empty fields. */
export function lineStatus(device: Device, lineNumber: number) {
  const line = device.lines.find((l) => l.index === lineNumber);
  return {
    lineNumber,
    lineDirNumber: line?.dn ?? '',
    // The line's Display (Caller ID) when set, else the device's description as before line settings.
    lineFullyQualifiedDisplayName: line ? (line.displayName || device.description).slice(0, 39) : '',
    // Line Text Label beside the button; the DN when none is set.
    lineTextLabel: line ? line.label || line.dn : '',
    lineDisplayOptions: line ? 0x0f : 0,
  };
}

/**
 * The Call Forward All part of ForwardStat for a line (sccp.md §3.12; calls.md §1.5): the stored
 * destination as the device registered with it, so the phone shows "Forwarded to …" after a restart.
 */
export function forwardAllStatus(device: Device, lineNumber: number) {
  const target = device.lines.find((l) => l.index === lineNumber)?.forwardAll ?? null;
  return {
    activeForward: target ? 1 : 0,
    forwardAllActive: target ? 1 : 0,
    forwardAllNumber: target ?? '',
  };
}

/** DefineTimeDate from the node's wall clock (sccp.md §3.10: local time, plus epoch seconds). */
export function timeDate(now: Date): Omit<DefineTimeDate, 'type'> {
  return {
    year: now.getFullYear(),
    month: now.getMonth() + 1,
    dayOfWeek: now.getDay(),
    day: now.getDate(),
    hour: now.getHours(),
    minute: now.getMinutes(),
    seconds: now.getSeconds(),
    milliseconds: now.getMilliseconds(),
    systemTime: Math.floor(now.getTime() / 1000),
  };
}
