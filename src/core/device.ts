/** Signalling protocol a device registers with. */
export type DeviceProtocol = 'SCCP' | 'SIP';
export const DEVICE_PROTOCOLS: readonly DeviceProtocol[] = ['SCCP', 'SIP'];

/** Registration status as the administration shows it (CUCM/RisPort wording). */
export type DeviceStatus = 'registered' | 'unregistered' | 'rejected';

/** A line button of a device, holding one directory number. */
export interface Line {
  /** 1-based line instance, as the phone numbers its line buttons. */
  index: number;
  dn: string;
  /*
   * The line's settings (core/line-settings.ts): the appearance's own, then its DN's, shared by every
   * device the DN is on. A line read from the store has them all; on input, one left out keeps its
   * stored value (or the default for a new line).
   */
  /** CUCM "Display (Caller ID)"; '' = none. */
  displayName?: string;
  /** CUCM "Line Text Label", shown beside the line button; '' = the DN. */
  label?: string;
  maxCalls?: number;
  busyTrigger?: number;
  forwardAll?: string | null;
  forwardBusy?: string | null;
  forwardNoAnswer?: string | null;
  pickupGroup?: string | null;
}

/** A line as stored: every setting present. */
export type StoredLine = Required<Line>;

/** A phone as the call manager knows it (Device > Phone). */
export interface Device {
  /** `SEP` + 12 upper-case hex digits of the MAC. */
  name: string;
  /** Marketing model number, e.g. `7940`. */
  model: string;
  protocol: DeviceProtocol;
  description: string;
  lines: Line[];
  /** Phone Load Name override; null means "use Device Defaults". */
  loadId: string | null;
  /** Do Not Disturb (CUCM "Call Reject"): no call is offered to the device. Read from the store always present; absent = off. */
  dnd?: boolean;
  /** System > Device Pool (its Unified CM Group lists the call managers). Read from the store always present; absent = Default on input. */
  devicePool?: string;
  /** System > Security > Phone Security Profile. Read from the store always present; absent = Standard Non-Secure Profile on input. */
  securityProfile?: string;
}

const DEVICE_NAME = /^SEP[0-9A-F]{12}$/;

/**
 * Explains why `name` is not a device name, or returns null when it is one.
 * Lower-case hex is refused, not upper-cased: names are never silently rewritten.
 */
export function deviceNameProblem(name: string): string | null {
  if (DEVICE_NAME.test(name)) return null;
  if (!name.startsWith('SEP'))
    return `device name "${name}" must start with SEP followed by the 12-digit MAC`;
  const mac = name.slice(3);
  if (mac.length !== 12)
    return `device name "${name}" must have exactly 12 hex digits after SEP (has ${mac.length})`;
  if (/^[0-9A-Fa-f]{12}$/.test(mac))
    return `device name "${name}" must use upper-case hex digits (SEP${mac.toUpperCase()})`;
  return `device name "${name}" has characters that are not hex digits after SEP`;
}

/** The device name of a MAC given as 12 hex digits in any case, with or without separators. */
export function deviceNameFromMac(mac: string): string | null {
  const hex = mac.replace(/[:.-]/g, '');
  if (!/^[0-9A-Fa-f]{12}$/.test(hex)) return null;
  return `SEP${hex.toUpperCase()}`;
}

export const MAX_DESCRIPTION_LENGTH = 128;

/** Why `description` cannot describe a device, or null when it can. */
export function descriptionProblem(description: string): string | null {
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    return `the description has at most ${MAX_DESCRIPTION_LENGTH} characters (has ${description.length})`;
  }
  if ([...description].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    return 'the description cannot contain control characters (tabs, line breaks)';
  }
  return null;
}
