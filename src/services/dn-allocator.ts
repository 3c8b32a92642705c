import type { AutoRegistration } from '../core/node.js';
import { inRange, lowestFreeDn } from '../core/node.js';
import type { DeviceRepository } from '../store/device-repository.js';

type Range = Pick<AutoRegistration, 'startingDn' | 'endingDn'>;

interface RangeState {
  /** DNs known to be in use (from the database, our own allocations, or a lost race). */
  taken: Set<string>;
  /** Handed out to a transaction that has not finished yet. */
  pending: Set<string>;
  /** No DN below this is free, as far as this node knows. */
  cursor: string;
  /**
   * No DN below this is free or pending: where the next proposal starts looking, so that a
   * storm's hundreds of pending proposals are not scanned again for each new one.
   */
  proposeFrom: string;
}

/**
 * Picks candidate DNs for auto-registration without reading the whole range per phone.
 * It only proposes: the primary key on directory_numbers decides. A candidate that another
 * transaction (or node) took first is marked taken and the caller retries with the next.
 */
export class DnAllocator {
  private readonly ranges = new Map<string, RangeState>();

  private key(r: Range): string {
    return `${r.startingDn}-${r.endingDn}`;
  }

  private async state(range: Range, devices: DeviceRepository): Promise<RangeState> {
    const key = this.key(range);
    let s = this.ranges.get(key);
    if (!s) {
      const used = await devices.dnsWithLength(range.startingDn.length, range.endingDn.length);
      s = this.ranges.get(key) ?? {
        taken: new Set(used.filter((dn) => inRange(range, dn))),
        pending: new Set(),
        cursor: range.startingDn,
        proposeFrom: range.startingDn,
      };
      this.ranges.set(key, s);
    }
    return s;
  }

  /** The lowest DN not known to be in use, reserved for the caller until commit/release; null if exhausted. */
  async propose(range: Range, devices: DeviceRepository): Promise<string | null> {
    const s = await this.state(range, devices);
    const from = BigInt(s.proposeFrom) > BigInt(s.cursor) ? s.proposeFrom : s.cursor;
    const dn = lowestFreeDn(range, (d) => s.taken.has(d) || s.pending.has(d), from);
    if (dn === null) return null;
    s.pending.add(dn);
    s.proposeFrom = dn;
    return dn;
  }

  /** The proposal was stored: it is in use now. */
  committed(range: Range, dn: string): void {
    const s = this.ranges.get(this.key(range));
    if (!s) return;
    s.pending.delete(dn);
    s.taken.add(dn);
    this.advance(range, s);
  }

  /** The proposal turned out to be taken by someone else. */
  lost(range: Range, dn: string): void {
    this.committed(range, dn);
  }

  /** The proposal was not used (the transaction failed for another reason): it is free again. */
  released(range: Range, dn: string): void {
    const s = this.ranges.get(this.key(range));
    if (!s) return;
    s.pending.delete(dn);
    if (BigInt(dn) < BigInt(s.proposeFrom)) s.proposeFrom = dn;
  }

  /** A DN was freed (its device deleted): it becomes the lowest candidate again if it is lower. */
  freed(dn: string): void {
    for (const [key, s] of this.ranges) {
      const [startingDn, endingDn] = key.split('-');
      const range = { startingDn, endingDn };
      if (!inRange(range, dn) || !s.taken.delete(dn)) continue;
      if (BigInt(dn) < BigInt(s.cursor)) s.cursor = dn;
      if (BigInt(dn) < BigInt(s.proposeFrom)) s.proposeFrom = dn;
    }
  }

  /** Forgets what it knows (after a range change, or when another node may have changed numbers). */
  invalidate(): void {
    this.ranges.clear();
  }

  private advance(range: Range, s: RangeState): void {
    const next = lowestFreeDn(range, (d) => s.taken.has(d), s.cursor);
    if (next !== null) s.cursor = next;
    else s.cursor = range.endingDn;
  }
}
