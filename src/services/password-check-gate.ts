/**
 * Bounds the password checks (scrypt: 32 MiB and a libuv thread for tens of milliseconds each)
 * in progress at once, per source address and in all. Without it, requests sent all at once would
 * each pass the failure throttle before any of them failed, and queue hashes without end in the
 * thread pool that file reads share.
 */
export class PasswordCheckGate {
  private readonly byAddress = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: { perAddress: number; total: number }) {}

  /** A release function when `address` may start a check now; which limit stops it otherwise. */
  enter(address: string): { release: () => void } | { full: 'per-address' | 'total' } {
    const mine = this.byAddress.get(address) ?? 0;
    if (mine >= this.limits.perAddress) return { full: 'per-address' };
    if (this.total >= this.limits.total) return { full: 'total' };
    this.byAddress.set(address, mine + 1);
    this.total++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.byAddress.get(address) ?? 1) - 1;
        if (left === 0) this.byAddress.delete(address);
        else this.byAddress.set(address, left);
      },
    };
  }

  get inProgress(): number {
    return this.total;
  }
}
