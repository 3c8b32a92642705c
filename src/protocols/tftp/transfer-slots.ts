/**
 * How many requests the TFTP server is working on, per source address and in all: a request holds a
 * slot from the moment it is accepted (while its file is opened or rendered) until its transfer ends.
 */
export type SlotRefusal = 'tftpMaxTransfers' | 'tftpMaxTransfersPerAddress';

export class TransferSlots {
  private readonly perAddress = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerAddress: number,
  ) {}

  /** Takes a slot for `address`, or says which limit is reached. */
  take(address: string): SlotRefusal | null {
    const held = this.perAddress.get(address) ?? 0;
    if (held >= this.maxPerAddress) return 'tftpMaxTransfersPerAddress';
    if (this.total >= this.maxTotal) return 'tftpMaxTransfers';
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
