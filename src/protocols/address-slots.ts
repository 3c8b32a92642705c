/**
 * What clients hold of one kind of resource (connections, transfers), per source address and in
 * all: a client takes a slot before it is served and gives it back when done, or is told which
 * limit it reached. The one count behind every per-address bound of the node (SCCP, SIP TCP and
 * WebSocket, TFTP, HTTP provisioning, administration HTTP); each caller reports and refuses in its
 * protocol's way.
 */
import type { LimitName } from '../limits/index.js';

export interface SlotLimits<L extends LimitName> {
  /** Slots in all, and the limit that says so; none: only the per-address bound applies. */
  total?: { max: number; limit: L };
  /** Slots one source address may hold (0: no limit). The address's own bound is checked first. */
  perAddress: { max: number; limit: L };
}

export class AddressSlots<L extends LimitName> {
  private readonly perAddress = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: SlotLimits<L>) {}

  /** Which limit one more slot for `address` would pass, or null; takes nothing. */
  refusal(address: string): L | null {
    const { perAddress, total } = this.limits;
    if (perAddress.max > 0 && (this.perAddress.get(address) ?? 0) >= perAddress.max) return perAddress.limit;
    if (total !== undefined && this.total >= total.max) return total.limit;
    return null;
  }

  /** Takes a slot for `address`, or says which limit is reached. */
  take(address: string): L | null {
    const refused = this.refusal(address);
    if (refused !== null) return refused;
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    this.total += 1;
    return null;
  }

  /** Gives back a slot `address` took. */
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

  /** Slots held in all. */
  get held(): number {
    return this.total;
  }
}
