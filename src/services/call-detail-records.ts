import type { CdrQuery, StoredCallDetailRecord } from '../store/cdr-repository.js';
import type { Store } from '../store/store.js';
import { cdrCsv } from './cdr-csv.js';
import type { StatusWriter } from './status-writer.js';

/** Call Detail Records as administrators read them: the list and the CSV export. */
export class CallDetailRecords {
  constructor(private readonly deps: { store: Store; statusWriter: StatusWriter }) {}

  /** Newest first; includes the records of this node's batch already on its way to the database. */
  async list(query: CdrQuery): Promise<StoredCallDetailRecord[]> {
    await this.deps.statusWriter.settled();
    return this.deps.store.cdrs.list(query);
  }

  /** The records that match `filter`, newest first, as CSV (see cdrCsv). */
  async csv(filter: Omit<CdrQuery, 'limit' | 'beforeId'>): Promise<AsyncGenerator<string>> {
    await this.deps.statusWriter.settled();
    return cdrCsv(this.deps.store, filter);
  }
}
