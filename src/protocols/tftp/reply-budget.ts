/**
 * How many error answers one source address gets per second. UDP sources can be forged: without a
 * bound, anyone could aim the server's answers (each larger than the datagram that drew it) at a
 * victim. Beyond the budget, requests are still refused, silently.
 */
export class ReplyBudget {
  private second = Number.NaN;
  private readonly counts = new Map<string, number>();

  /**
   * `maxAddresses`: addresses counted in one second at most; in a flood of forged addresses the
   * ones beyond get no answer that second (memory stays bounded).
   */
  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Whether `address` may be sent one more error answer now; counts it when so. */
  allow(address: string): boolean {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.counts.clear();
    }
    const sent = this.counts.get(address) ?? 0;
    if (sent >= this.perSecond) return false;
    if (sent === 0 && this.counts.size >= this.maxAddresses) return false;
    this.counts.set(address, sent + 1);
    return true;
  }
}
