import type { DnFeatures, LineAppearance } from './line-settings.js';
import type { FieldProblem } from './node.js';

/**
 * Most calls a line appearance may hold. CUCM allows up to 200 on a 7960 line, but a 79xx shows
 * six call instances on its screen at most, and every call held is a leg and timers on the node:
 * six keeps the per-line resource small and still gives call waiting plus a transfer and a
 * conference consultation room to spare.
 */
export const MAX_CALLS_PER_LINE = 6;
/** Longest forward target: the longest DN (24 digits), as CUCM's forward destination fields. */
export const MAX_FORWARD_TARGET_LENGTH = 24;
/** Longest Display (Caller ID) and line text label: what a 79xx shows beside the line button. */
export const MAX_LINE_TEXT_LENGTH = 30;
/** Longest Call Pickup Group number (digits, as a DN). */
export const MAX_PICKUP_GROUP_LENGTH = 24;

/** A line appearance's texts: shown to the called party and beside the line button. */
export interface LineTexts {
  /** CUCM "Display (Caller ID)": the name the other party sees; '' = none (the device's description is not used). */
  displayName: string;
  /** CUCM "Line Text Label": the text beside the line button; '' = the DN. */
  label: string;
}

const FORWARD_TARGET = /^[0-9*#]+$/;
const PICKUP_GROUP = /^[0-9]+$/;

function textProblem(field: string, what: string, text: string): FieldProblem | null {
  if (text.length > MAX_LINE_TEXT_LENGTH) {
    return {
      field,
      message: `${what} has at most ${MAX_LINE_TEXT_LENGTH} characters (has ${text.length})`,
    };
  }
  // The phone's display takes printable characters only; a control character would garble it.
  if ([...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    return { field, message: `${what} cannot contain control characters (tabs, line breaks)` };
  }
  return null;
}

/** The first rule a line's texts break, or null. `prefix` names the line in the field (e.g. `lines.0.`). */
export function lineTextsProblem(texts: Partial<LineTexts>, prefix = ''): FieldProblem | null {
  return (
    (texts.displayName === undefined
      ? null
      : textProblem(`${prefix}displayName`, 'the display name', texts.displayName)) ??
    (texts.label === undefined ? null : textProblem(`${prefix}label`, 'the line text label', texts.label))
  );
}

/** The first rule a line appearance breaks (1 ≤ busy trigger ≤ max calls ≤ MAX_CALLS_PER_LINE), or null. */
export function lineAppearanceProblem(a: LineAppearance, prefix = ''): FieldProblem | null {
  if (!Number.isInteger(a.maxCalls) || a.maxCalls < 1 || a.maxCalls > MAX_CALLS_PER_LINE) {
    return {
      field: `${prefix}maxCalls`,
      message: `Maximum Number of Calls is a whole number from 1 to ${MAX_CALLS_PER_LINE} (is ${a.maxCalls})`,
    };
  }
  if (!Number.isInteger(a.busyTrigger) || a.busyTrigger < 1 || a.busyTrigger > a.maxCalls) {
    return {
      field: `${prefix}busyTrigger`,
      message: `Busy Trigger is a whole number from 1 to the Maximum Number of Calls (${a.maxCalls}) (is ${a.busyTrigger})`,
    };
  }
  return null;
}

const FORWARD_NAMES = {
  forwardAll: 'Forward All',
  forwardBusy: 'Forward Busy',
  forwardNoAnswer: 'Forward No Answer',
} as const;

/** Why `target` cannot be where `dn` forwards to, or null. */
export function forwardTargetProblem(dn: string, target: string): string | null {
  if (target.length === 0) return 'the destination cannot be empty (send null to turn forwarding off)';
  if (target.length > MAX_FORWARD_TARGET_LENGTH) {
    return `the destination has at most ${MAX_FORWARD_TARGET_LENGTH} characters (has ${target.length})`;
  }
  if (!FORWARD_TARGET.test(target)) return `the destination "${target}" may contain only 0-9, * and #`;
  // A DN forwarded to itself would loop on its own line.
  if (target === dn) return `the destination cannot be the directory number itself (${dn})`;
  return null;
}

/** The first rule a DN's features break, or null. */
export function dnFeaturesProblem(dn: string, f: Partial<DnFeatures>, prefix = ''): FieldProblem | null {
  for (const key of ['forwardAll', 'forwardBusy', 'forwardNoAnswer'] as const) {
    const target = f[key];
    if (target === undefined || target === null) continue;
    const problem = forwardTargetProblem(dn, target);
    if (problem) return { field: `${prefix}${key}`, message: `${FORWARD_NAMES[key]}: ${problem}` };
  }
  const group = f.pickupGroup;
  if (group !== undefined && group !== null) {
    if (group.length === 0 || group.length > MAX_PICKUP_GROUP_LENGTH || !PICKUP_GROUP.test(group)) {
      return {
        field: `${prefix}pickupGroup`,
        message: `Call Pickup Group is its number: 1 to ${MAX_PICKUP_GROUP_LENGTH} digits 0-9 (send null for none)`,
      };
    }
  }
  return null;
}
