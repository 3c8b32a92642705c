import { lowestFreeDn, rangeSize } from '../core/node.js';
import type { StoredNode } from '../store/node-repository.js';
import type { Store } from '../store/store.js';

/** The free numbers of a node's auto-registration range (Call Routing > Directory Number). */
export interface FreeDns {
  node: string;
  startingDn: string;
  endingDn: string;
  enabled: boolean;
  size: number;
  used: number;
  free: number;
  /** The lowest free numbers, in order, at most `limit` of them. */
  next: string[];
}

/** Counts and lists the lowest free DNs of `node`'s range, from one read of the numbers in use. */
export async function freeDns(store: Store, node: StoredNode, limit: number): Promise<FreeDns> {
  const ar = node.autoRegistration;
  const candidates = await store.devices.dnsWithLength(ar.startingDn.length, ar.endingDn.length);
  const size = Number(rangeSize(ar));
  const taken = new Set(candidates.filter((dn) => /^[1-9][0-9]*$/.test(dn)));
  const inRange = [...taken].filter(
    (dn) => BigInt(dn) >= BigInt(ar.startingDn) && BigInt(dn) <= BigInt(ar.endingDn),
  );
  const next: string[] = [];
  let from: string | undefined;
  while (next.length < limit) {
    const dn = lowestFreeDn(ar, (d) => taken.has(d), from);
    if (dn === null) break;
    next.push(dn);
    taken.add(dn);
    from = dn;
  }
  return {
    node: node.name,
    startingDn: ar.startingDn,
    endingDn: ar.endingDn,
    enabled: ar.enabled,
    size,
    used: inRange.length,
    free: size - inRange.length,
    next,
  };
}
