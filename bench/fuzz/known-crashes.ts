/**
 * Crash classes the fuzzer has found and that are being fixed elsewhere. `--exclude <name>` leaves
 * their inputs out, so that a run can look for other bugs meanwhile; each entry says how to
 * reproduce it. Remove an entry once its fix is merged: a run without exclusions is the proof.
 */
import type { TargetName } from './targets.js';

export interface KnownCrash {
  name: string;
  targets: readonly TargetName[];
  /** What goes wrong, and a minimal reproducer. */
  description: string;
  matches(input: Buffer): boolean;
}

// None known: the port-0 datagram (issue 12 item 1) was the first entry, until its fix was merged.
export const KNOWN_CRASHES: readonly KnownCrash[] = [];

/** True when `input` belongs to one of the `excluded` classes for `target`. */
export function excludedClass(target: TargetName, input: Buffer, excluded: ReadonlySet<string>): boolean {
  return KNOWN_CRASHES.some((c) => excluded.has(c.name) && c.targets.includes(target) && c.matches(input));
}
