import type { DialPlanView } from './dial-plan.js';

/** The directory numbers that exist, sorted so that "could a longer one match?" is one binary search. */
export class DirectoryNumberSet implements DialPlanView {
  private readonly sorted: string[];
  private readonly all: Set<string>;

  constructor(dns: Iterable<string>) {
    this.all = new Set(dns);
    this.sorted = [...this.all].sort();
  }

  isDirectoryNumber(digits: string): boolean {
    return this.all.has(digits);
  }

  hasLongerThan(digits: string): boolean {
    // Numbers that begin with `digits` sort right after it, together.
    const next = this.sorted[this.firstAfter(digits)];
    return next !== undefined && next.startsWith(digits);
  }

  /** Adds numbers that came to exist (a phone auto-registered with one), without sorting again. */
  add(dns: Iterable<string>): void {
    for (const dn of dns) {
      if (this.all.has(dn)) continue;
      this.all.add(dn);
      this.sorted.splice(this.firstAfter(dn), 0, dn);
    }
  }

  /** Index of the first number that sorts after `digits`. */
  private firstAfter(digits: string): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.sorted[middle] <= digits) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  get size(): number {
    return this.all.size;
  }
}
