import type { AutoRegistration } from '../core/node.js';
import { inRange, lowestFreeDn } from '../core/node.js';
import type { DeviceRepository } from '../store/device-repository.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';

type Range = Pick<AutoRegistration, 'startingDn' | 'endingDn'>;

/**
 * After a re-read of the database found the range still full, the next re-read waits this long:
 * a flood of unknown phones at a full range costs one read of the range per second, not one each.
 */
const EXHAUSTED_REREAD_INTERVAL_MS = 1000;

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
  /** The re-read of the database in progress; proposals that need it share it. */
  rereading: Promise<void> | null;
  /** DNs committed while the re-read was in flight: its answer may predate them. */
  committedDuringReread: Set<string>;
  /** When a re-read last found the range full (ms since epoch), or null. */
  exhaustedAt: number | null;
}

/**
 * Picks candidate DNs for auto-registration without reading the whole range per phone.
 * It only proposes: the primary key on directory_numbers decides. A candidate that another
 * transaction (or node) took first is marked taken and the caller retries with the next.
 * Its copy of the used DNs goes stale when a DN is freed behind its back (a phone deleted through
 * another node sharing PostgreSQL), so it reads the range again before it reports it full.
 */
export class DnAllocator {
  private readonly ranges = new Map<string, RangeState>();

  constructor(private readonly clock: Clock = systemClock) {}

  private key(r: Range): string {
    return `${r.startingDn}-${r.endingDn}`;
  }

  /** The range's state, and whether it was read from the database just now. */
  private async state(range: Range, devices: DeviceRepository): Promise<[RangeState, boolean]> {
    const key = this.key(range);
    const known = this.ranges.get(key);
    if (known) return [known, false];
    const taken = await this.usedIn(range, devices);
    const s = this.ranges.get(key) ?? {
      taken,
      pending: new Set<string>(),
      cursor: range.startingDn,
      proposeFrom: range.startingDn,
      rereading: null,
      committedDuringReread: new Set<string>(),
      exhaustedAt: null,
    };
    this.ranges.set(key, s);
    return [s, true];
  }

  private async usedIn(range: Range, devices: DeviceRepository): Promise<Set<string>> {
    const used = await devices.dnsWithLength(range.startingDn.length, range.endingDn.length);
    return new Set(used.filter((dn) => inRange(range, dn)));
  }

  /**
   * The lowest DN not known to be in use, reserved for the caller until commit/release; null if
   * the range is exhausted in the database too.
   */
  async propose(range: Range, devices: DeviceRepository): Promise<string | null> {
    const [s, justRead] = await this.state(range, devices);
    let dn = this.lowestCandidate(range, s);
    let read = justRead;
    if (dn === null && !read && this.mayReread(s)) {
      await this.reread(range, s, devices);
      dn = this.lowestCandidate(range, s);
      read = true;
    }
    if (dn === null) {
      if (read) s.exhaustedAt = this.clock().getTime();
      return null;
    }
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
    if (s.rereading) s.committedDuringReread.add(dn);
    this.advance(range, s);
  }

  /** The proposal turned out to be taken by someone else. */
  lost(range: Range, dn: string): void {
    this.committed(range, dn);
  }

  /**
   * The proposal was taken by another node sharing the range: what this node knows of the range is
   * behind, so it reads the range again (one read shared by everyone who lost meanwhile) instead of
   * finding the other nodes' numbers one lost proposal at a time.
   */
  async lostToAnother(range: Range, dn: string, devices: DeviceRepository): Promise<void> {
    this.lost(range, dn);
    await this.refresh(range, devices);
  }

  /** Reads the range from the database again (one read shared by everyone who asks meanwhile). */
  async refresh(range: Range, devices: DeviceRepository): Promise<void> {
    const s = this.ranges.get(this.key(range));
    if (s) await this.reread(range, s, devices);
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
      s.committedDuringReread.delete(dn);
      s.exhaustedAt = null;
      if (BigInt(dn) < BigInt(s.cursor)) s.cursor = dn;
      if (BigInt(dn) < BigInt(s.proposeFrom)) s.proposeFrom = dn;
    }
  }

  /** Forgets what it knows (after a range change, or when another node may have changed numbers). */
  invalidate(): void {
    this.ranges.clear();
  }

  private lowestCandidate(range: Range, s: RangeState): string | null {
    const from = BigInt(s.proposeFrom) > BigInt(s.cursor) ? s.proposeFrom : s.cursor;
    return lowestFreeDn(range, (d) => s.taken.has(d) || s.pending.has(d), from);
  }

  private mayReread(s: RangeState): boolean {
    if (s.rereading || s.exhaustedAt === null) return true;
    return this.clock().getTime() - s.exhaustedAt >= EXHAUSTED_REREAD_INTERVAL_MS;
  }

  /** Replaces what it knows of the range with the database's DNs (one read for all who wait). */
  private reread(range: Range, s: RangeState, devices: DeviceRepository): Promise<void> {
    s.rereading ??= (async () => {
      s.committedDuringReread.clear();
      try {
        const taken = await this.usedIn(range, devices);
        for (const dn of s.committedDuringReread) taken.add(dn);
        s.taken = taken;
        s.exhaustedAt = null;
        s.cursor = range.startingDn;
        this.advance(range, s);
        s.proposeFrom = s.cursor;
      } finally {
        s.rereading = null;
        s.committedDuringReread.clear();
      }
    })();
    return s.rereading;
  }

  private advance(range: Range, s: RangeState): void {
    const next = lowestFreeDn(range, (d) => s.taken.has(d), s.cursor);
    if (next !== null) s.cursor = next;
    else s.cursor = range.endingDn;
  }
}
