import type { Store } from '../store/store.js';
import type { ConfigurationService } from './configuration-service.js';
import type { FreeDns } from './free-dns.js';
import { freeDns } from './free-dns.js';

/** A directory number with the device and line that hold it (none: reserved, not on a line). */
export interface DirectoryNumberRow {
  dn: string;
  deviceName: string | null;
  lineIndex: number | null;
  description: string | null;
}

/** Call Routing > Directory Number: the numbers in use and the free ones of a node's range. */
export class DirectoryNumbers {
  constructor(private readonly deps: { store: Store; configuration: ConfigurationService }) {}

  list(opts: { dn?: string; limit: number; offset: number }): Promise<{
    items: DirectoryNumberRow[];
    total: number;
  }> {
    return this.deps.store.devices.listDirectoryNumbers(opts);
  }

  /** The free numbers of node `name`'s auto-registration range; NotFoundError for an unknown node. */
  async free(name: string, limit: number): Promise<FreeDns> {
    return freeDns(this.deps.store, await this.deps.configuration.getNode(name), limit);
  }
}
