import type { DnLocation, DnLocator, LocatorScope } from './dn-locator.js';
import type { RegisteredLines } from './registered-lines.js';
import { trunkDeviceName } from './trunk-names.js';

/** What the cluster's tables say of one device registered on another node (or no longer). */
export interface RemoteRegistration {
  name: string;
  /** Registered on `node` now; false: it is registered nowhere else any more. */
  registered: boolean;
  node: string | null;
  dns: readonly string[];
}

/**
 * "Where is DN N?" across a cluster (docs/cluster-calls.md, step 1): this node's own registrations
 * first (RegisteredLines), then the other nodes holding the DN, each as one location on the trunk
 * device of that node. The other nodes' registrations live in memory, fed by the cluster's status
 * notifications (openucm_status, read from the tables by the feed) and replaced whole after a
 * listener reconnect: no query per call. A DN on several other nodes gets a location per node.
 */
export class ClusterLocator implements DnLocator {
  /** The nodes holding each DN (other nodes only), with how many of their devices hold it. */
  private readonly byDn = new Map<string, Map<string, number>>();
  /** What each remote device was last seen holding, so that a change touches only its own DNs. */
  private readonly byDevice = new Map<string, { node: string; dns: readonly string[] }>();

  constructor(
    private readonly self: string,
    private readonly local: RegisteredLines,
  ) {}

  async devicesFor(dn: string, scope: LocatorScope = 'cluster'): Promise<DnLocation[]> {
    const own = await this.local.devicesFor(dn);
    if (scope === 'local') return own;
    const nodes = this.byDn.get(dn);
    if (!nodes) return own;
    const remote = [...nodes.keys()].sort().map((node): DnLocation => ({
      deviceName: trunkDeviceName(node),
      node,
      protocol: 'trunk',
      line: 1,
      displayName: '',
      // The called node decides busy, Do Not Disturb and its lines' limits itself.
      dnd: false,
      maxCalls: Number.MAX_SAFE_INTEGER,
      busyTrigger: Number.MAX_SAFE_INTEGER,
    }));
    return [...own, ...remote];
  }

  /** The nodes holding `dn` other than this one (for the call troubleshooter and tests). */
  nodesOf(dn: string): string[] {
    return [...(this.byDn.get(dn)?.keys() ?? [])].sort();
  }

  /** Registrations that changed (rows read after an openucm_status notification). */
  apply(rows: readonly RemoteRegistration[]): void {
    for (const row of rows) {
      this.forget(row.name);
      if (!row.registered || row.node === null || row.node === this.self) continue;
      this.byDevice.set(row.name, { node: row.node, dns: row.dns });
      for (const dn of new Set(row.dns)) {
        const nodes = this.byDn.get(dn) ?? new Map<string, number>();
        nodes.set(row.node, (nodes.get(row.node) ?? 0) + 1);
        this.byDn.set(dn, nodes);
      }
    }
  }

  /** Every registration elsewhere, read whole (at start and after the listener reconnected). */
  replaceAll(rows: readonly RemoteRegistration[]): void {
    this.byDn.clear();
    this.byDevice.clear();
    this.apply(rows);
  }

  /** Node `node` was declared down: none of its DNs is reachable through it. */
  nodeDown(node: string): void {
    for (const [name, device] of [...this.byDevice]) if (device.node === node) this.forget(name);
  }

  /** Devices registered on other nodes, as known here. */
  get size(): number {
    return this.byDevice.size;
  }

  private forget(name: string): void {
    const device = this.byDevice.get(name);
    if (!device) return;
    this.byDevice.delete(name);
    for (const dn of new Set(device.dns)) {
      const nodes = this.byDn.get(dn);
      if (!nodes) continue;
      const left = (nodes.get(device.node) ?? 1) - 1;
      if (left > 0) nodes.set(device.node, left);
      else nodes.delete(device.node);
      if (nodes.size === 0) this.byDn.delete(dn);
    }
  }
}
