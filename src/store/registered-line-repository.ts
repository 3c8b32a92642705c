import type { Executor } from './executor.js';
import { paddedInList } from './in-list.js';

/** A device's live status and owning node with the DNs of its lines (the cluster's call routing). */
export interface RegisteredLineRow {
  name: string;
  registered: boolean;
  node: string | null;
  dns: string[];
}

/**
 * Where the cluster's phones are registered, with their DNs: what the ClusterLocator of each node
 * keeps in memory (docs/cluster-calls.md). Read at start, after a listener reconnect, and for the
 * devices an openucm_status notification names; never per call.
 */
export class RegisteredLineRepository {
  constructor(private readonly db: Executor) {}

  /** The devices among `names` (a few hundred at most), registered or not, with their DNs. */
  async ofDevices(names: readonly string[]): Promise<RegisteredLineRow[]> {
    if (names.length === 0) return [];
    const devices = await this.db
      .selectFrom('devices')
      .select(['name', 'status', 'status_node'])
      .where('name', 'in', paddedInList(names))
      .execute();
    const lines = await this.db
      .selectFrom('lines')
      .select(['device_name', 'dn'])
      .where('device_name', 'in', paddedInList(names))
      .orderBy('device_name')
      .orderBy('line_index')
      .execute();
    return rowsOf(devices, lines);
  }

  /** Every device registered on a node other than `self`, with its DNs. */
  async registeredElsewhere(self: string): Promise<RegisteredLineRow[]> {
    const devices = await this.db
      .selectFrom('devices')
      .select(['name', 'status', 'status_node'])
      .where('status', '=', 'registered')
      .where('status_node', 'is not', null)
      .where('status_node', '<>', self)
      .execute();
    const lines = await this.db
      .selectFrom('lines')
      .innerJoin('devices', 'devices.name', 'lines.device_name')
      .select(['lines.device_name', 'lines.dn'])
      .where('devices.status', '=', 'registered')
      .where('devices.status_node', 'is not', null)
      .where('devices.status_node', '<>', self)
      .orderBy('lines.device_name')
      .orderBy('lines.line_index')
      .execute();
    return rowsOf(devices, lines);
  }
}

function rowsOf(
  devices: readonly { name: string; status: string; status_node: string | null }[],
  lines: readonly { device_name: string; dn: string }[],
): RegisteredLineRow[] {
  const dns = new Map<string, string[]>();
  for (const line of lines) {
    const list = dns.get(line.device_name) ?? [];
    list.push(line.dn);
    dns.set(line.device_name, list);
  }
  return devices.map((d) => ({
    name: d.name,
    registered: d.status === 'registered',
    node: d.status_node,
    dns: dns.get(d.name) ?? [],
  }));
}
