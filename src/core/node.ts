import { directoryNumberProblem } from './directory-number.js';

/** The auto-registration settings of one node (System > Cisco Unified CM). */
export interface AutoRegistration {
  enabled: boolean;
  startingDn: string;
  endingDn: string;
}

/** A call-processing node ("Cisco Unified CM" in CUCM). */
export interface CallManagerNode {
  name: string;
  autoRegistration: AutoRegistration;
}

export const DEFAULT_AUTO_REGISTRATION: AutoRegistration = {
  enabled: true,
  startingDn: '1000',
  endingDn: '1999',
};

/** A refused change, naming the field and the rule. */
export interface FieldProblem {
  field: string;
  message: string;
  /** The change clashes with another node's current setting (named here), not with a rule of its own. */
  conflictsWith?: string;
}

function rangeValue(dn: string): bigint {
  return BigInt(dn);
}

/** Number of DNs in the node's range. */
export function rangeSize(ar: AutoRegistration): bigint {
  return rangeValue(ar.endingDn) - rangeValue(ar.startingDn) + 1n;
}

/** True when `dn` lies inside the range (leading-zero DNs never do: the range has none). */
export function inRange(ar: Pick<AutoRegistration, 'startingDn' | 'endingDn'>, dn: string): boolean {
  if (!/^[1-9][0-9]*$/.test(dn)) return false;
  const v = rangeValue(dn);
  return v >= rangeValue(ar.startingDn) && v <= rangeValue(ar.endingDn);
}

function dnFieldProblem(field: 'startingDn' | 'endingDn', dn: string): FieldProblem | null {
  const label = field === 'startingDn' ? 'Starting Directory Number' : 'Ending Directory Number';
  const problem = directoryNumberProblem(dn);
  if (problem) return { field, message: `${label}: ${problem}` };
  if (dn.startsWith('0')) {
    return {
      field,
      message:
        `${label} "${dn}" starts with 0. Auto-registration counts through the range as numbers, so a leading ` +
        `zero would be lost (CUCM strips it silently and hands out "${dn.replace(/^0+(?=.)/, '')}"…). ` +
        'Use a range without a leading zero, and add a translation or dialling rule if users must dial the 0.',
    };
  }
  return null;
}

/**
 * Checks a proposed auto-registration setting of `nodeName` against the rules:
 * DN syntax, no leading zero, start ≤ end, no partial overlap with another node's range (an equal
 * range is shared), and
 * no auto-registered DN of the current range left outside the new one.
 */
export function autoRegistrationProblems(input: {
  nodeName: string;
  proposed: AutoRegistration;
  current: AutoRegistration;
  otherNodes: CallManagerNode[];
  /** DNs currently held by devices inside the current range. */
  assignedInCurrentRange: string[];
}): FieldProblem[] {
  const { proposed } = input;
  const problems: FieldProblem[] = [];
  for (const field of ['startingDn', 'endingDn'] as const) {
    const p = dnFieldProblem(field, proposed[field]);
    if (p) problems.push(p);
  }
  if (problems.length > 0) return problems;
  if (rangeValue(proposed.startingDn) > rangeValue(proposed.endingDn)) {
    return [
      {
        field: 'endingDn',
        message: `Ending Directory Number ${proposed.endingDn} is lower than Starting Directory Number ${proposed.startingDn}`,
      },
    ];
  }
  for (const other of input.otherNodes) {
    const o = other.autoRegistration;
    // Nodes of a cluster may share one range exactly: they draw from it in turn (a DN is given once,
    // the database's key sees to it). A partial overlap is taken for a mistake.
    const shared = proposed.startingDn === o.startingDn && proposed.endingDn === o.endingDn;
    const overlaps =
      rangeValue(proposed.startingDn) <= rangeValue(o.endingDn) &&
      rangeValue(o.startingDn) <= rangeValue(proposed.endingDn);
    if (overlaps && !shared) {
      return [
        {
          field: 'startingDn',
          message:
            `range ${proposed.startingDn}–${proposed.endingDn} overlaps node ${other.name}'s range ` +
            `${o.startingDn}–${o.endingDn}; give each node its own range, or both exactly the same one to share it`,
          conflictsWith: other.name,
        },
      ];
    }
  }
  const dropped = input.assignedInCurrentRange.filter((dn) => !inRange(proposed, dn));
  if (dropped.length > 0) {
    const sample = dropped.slice(0, 5).join(', ') + (dropped.length > 5 ? ', …' : '');
    return [
      {
        field:
          rangeValue(proposed.startingDn) > rangeValue(input.current.startingDn) ? 'startingDn' : 'endingDn',
        message:
          `the new range ${proposed.startingDn}–${proposed.endingDn} leaves out ${dropped.length} directory ` +
          `number(s) already assigned from the current range (${sample}); widen the range or move those lines first`,
      },
    ];
  }
  return [];
}

/**
 * The lowest DN of the range, at or above `from`, for which `isTaken` is false, or null
 * when the range is exhausted. Pure: the caller supplies what is taken.
 */
export function lowestFreeDn(
  ar: Pick<AutoRegistration, 'startingDn' | 'endingDn'>,
  isTaken: (dn: string) => boolean,
  from?: string,
): string | null {
  const end = rangeValue(ar.endingDn);
  let v = rangeValue(ar.startingDn);
  if (from !== undefined && inRange(ar, from)) v = rangeValue(from);
  for (; v <= end; v++) {
    const dn = v.toString();
    if (!isTaken(dn)) return dn;
  }
  return null;
}

/** The state of a node's auto-registration in one plain sentence, as the API and UI show it. */
export function autoRegistrationSummary(node: CallManagerNode, used: number): string {
  const ar = node.autoRegistration;
  const range = `DNs ${ar.startingDn}–${ar.endingDn}, ${used} used`;
  return ar.enabled
    ? `Auto-registration is ON for ${node.name}: ${range}`
    : `Auto-registration is OFF for ${node.name} (range ${range})`;
}
