/** Why a new connection was refused: the limit it reached and how many were held. */
export type Refusal =
  { limit: 'sccpMaxConnections'; held: number } | { limit: 'sccpMaxConnectionsPerAddress'; held: number };

/**
 * Counts the connections one SCCP process holds, in all and per source address, and says whether
 * one more may come in. Pure bookkeeping: the server refuses, reports and closes.
 */
export class ConnectionAdmission {
  private readonly perAddress = new Map<string, number>();
  private held = 0;

  /**
   * @param maxTotal connections held at most in all
   * @param maxPerAddress connections one source address may hold (0: no limit)
   */
  constructor(
    private readonly maxTotal: number,
    private readonly maxPerAddress: number,
  ) {}

  /** Takes a place for a connection from `ip`, or says which limit refuses it. */
  admit(ip: string): Refusal | null {
    if (this.held >= this.maxTotal) return { limit: 'sccpMaxConnections', held: this.held };
    const fromAddress = this.perAddress.get(ip) ?? 0;
    if (this.maxPerAddress > 0 && fromAddress >= this.maxPerAddress)
      return { limit: 'sccpMaxConnectionsPerAddress', held: fromAddress };
    this.perAddress.set(ip, fromAddress + 1);
    this.held++;
    return null;
  }

  /** A connection admitted from `ip` has closed. */
  release(ip: string): void {
    const fromAddress = this.perAddress.get(ip) ?? 0;
    if (fromAddress <= 1) this.perAddress.delete(ip);
    else this.perAddress.set(ip, fromAddress - 1);
    this.held = Math.max(0, this.held - 1);
  }

  /** Connections held now. */
  get count(): number {
    return this.held;
  }

  /** Connections held at most. */
  get capacity(): number {
    return this.maxTotal;
  }
}
