import type { Store } from '../store/store.js';

/** Devices counted by status, protocol, the node that holds them, and model. */
export interface DeviceStateCount {
  status: string;
  protocol: string;
  node: string | null;
  model: string;
  n: number;
}

/**
 * Device counts for /metrics, from the database as last written: a scrape never forces the
 * status writer's batch (the next scrape sees it).
 */
export class DeviceStatistics {
  constructor(private readonly store: Store) {}

  byState(): Promise<DeviceStateCount[]> {
    return this.store.statistics.devicesByState();
  }
}
