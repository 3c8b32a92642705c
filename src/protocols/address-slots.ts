/**
 * What clients hold of one kind of resource (transfers, connections), per source address and in
 * all: a client takes a slot before it is served and gives it back when done, or is told which
 * limit it reached.
 */
import type { LimitName } from '../limits/index.js';

export interface SlotLimits<L extends LimitName> {
  /** Slots in all, and the limit that says so. */
  total: { max: number; limit: L };
  /** Slots one source address may hold. */
  perAddress: { max: number; limit: L };
}

export class AddressSlots<L extends LimitName> {
  private readonly perAddress = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: SlotLimits<L>) {}

  /** Takes a slot for `address`, or says which limit is reached. */
  take(address: string): L | null {
    const held = this.perAddress.get(address) ?? 0;
    if (held >= this.limits.perAddress.max) return this.limits.perAddress.limit;
    if (this.total >= this.limits.total.max) return this.limits.total.limit;
    this.perAddress.set(address, held + 1);
    this.total += 1;
    return null;
  }

  release(address: string): void {
    const held = this.perAddress.get(address);
    if (held === undefined) return;
    if (held <= 1) this.perAddress.delete(address);
    else this.perAddress.set(address, held - 1);
    this.total -= 1;
  }

  /** Slots held by `address`. */
  heldBy(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }

  get held(): number {
    return this.total;
  }
}
