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
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.sorted[middle] <= digits) low = middle + 1;
      else high = middle;
    }
    const next = this.sorted[low];
    return next !== undefined && next.startsWith(digits);
  }

  get size(): number {
    return this.all.size;
  }
}
