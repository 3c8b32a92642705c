/** One file a phone asked the TFTP or HTTP provisioning server for. */
export interface ProvisioningFetch {
  at: string;
  file: string;
  address: string;
  via: 'tftp' | 'http';
  found: boolean;
}

const PER_MAC = 20;
const MAX_MACS = 100_000;

/**
 * The last files each MAC fetched, in memory: enough for "why isn't this phone registering"
 * (did it even get its configuration?) without writing every TFTP read to the database.
 */
export class ProvisioningLog {
  private readonly byMac = new Map<string, ProvisioningFetch[]>();

  record(mac: string, fetch: ProvisioningFetch): void {
    let list = this.byMac.get(mac);
    if (!list) {
      if (this.byMac.size >= MAX_MACS) {
        // Forget the MAC seen least recently (Map keeps insertion order; re-insertion below refreshes it).
        const oldest = this.byMac.keys().next().value;
        if (oldest !== undefined) this.byMac.delete(oldest);
      }
      list = [];
    } else {
      this.byMac.delete(mac);
    }
    list.push(fetch);
    if (list.length > PER_MAC) list.shift();
    this.byMac.set(mac, list);
  }

  /** Newest first. */
  recent(mac: string): ProvisioningFetch[] {
    return [...(this.byMac.get(mac.toUpperCase()) ?? [])].reverse();
  }
}
