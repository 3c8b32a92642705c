import type { EventQuery, StoredRegistrationEvent } from '../store/event-repository.js';
import type { Store } from '../store/store.js';
import type { StatusWriter } from './status-writer.js';

/** The registration log as administrators read it (Monitoring > Registration Events). */
export class RegistrationLog {
  constructor(private readonly deps: { store: Store; statusWriter: StatusWriter }) {}

  /** Newest first; includes the events of this node's batch already on its way to the database. */
  async list(query: EventQuery): Promise<StoredRegistrationEvent[]> {
    await this.deps.statusWriter.settled();
    return this.deps.store.events.list(query);
  }
}
