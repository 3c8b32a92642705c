import type { Line, StoredLine } from './device.js';
import { DEFAULT_LINE_APPEARANCE, NO_DN_FEATURES } from './line-settings.js';

/**
 * The lines of a change with every setting filled in: one a line leaves out keeps what the same
 * line button had (its DN's features when it holds the same DN), else the default. An API client
 * that sends only `{index, dn}` does not wipe the labels and forwards an administrator set.
 */
export function completeLines(lines: readonly Line[], before: readonly Line[] = []): StoredLine[] {
  const previous = new Map(before.map((l) => [l.index, l]));
  const byDn = new Map(before.map((l) => [l.dn, l]));
  return lines.map((line) => {
    const old = previous.get(line.index);
    // A DN's features belong to the DN: they follow it to another button, not the button.
    const dnOld = byDn.get(line.dn);
    const maxCalls = line.maxCalls ?? old?.maxCalls ?? DEFAULT_LINE_APPEARANCE.maxCalls;
    return {
      index: line.index,
      dn: line.dn,
      displayName: line.displayName ?? old?.displayName ?? '',
      label: line.label ?? old?.label ?? '',
      maxCalls,
      busyTrigger:
        line.busyTrigger ?? old?.busyTrigger ?? Math.min(DEFAULT_LINE_APPEARANCE.busyTrigger, maxCalls),
      ...dnFeaturesOf(line, dnOld),
    };
  });
}

function dnFeaturesOf(line: Line, old: Line | undefined) {
  return {
    forwardAll:
      line.forwardAll !== undefined ? line.forwardAll : (old?.forwardAll ?? NO_DN_FEATURES.forwardAll),
    forwardBusy:
      line.forwardBusy !== undefined ? line.forwardBusy : (old?.forwardBusy ?? NO_DN_FEATURES.forwardBusy),
    forwardNoAnswer:
      line.forwardNoAnswer !== undefined
        ? line.forwardNoAnswer
        : (old?.forwardNoAnswer ?? NO_DN_FEATURES.forwardNoAnswer),
    pickupGroup:
      line.pickupGroup !== undefined ? line.pickupGroup : (old?.pickupGroup ?? NO_DN_FEATURES.pickupGroup),
  };
}
