import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { AuditEntry, AuditQuery } from '../store/audit-repository.js';
import type { Store } from '../store/store.js';
import { auditSummary, fieldChanges } from './audit-diff.js';
import type { Clock } from './clock.js';

/** Who made a change and through which door (`ui`, `basic`, `api-key`). */
export interface Actor {
  name: string;
  via: string;
}

/** A change to record: the values before and after (null before = created, null after = deleted). */
export interface AuditInput {
  action: string;
  target: string;
  targetName: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** The audit log: every change, with who, when, and old and new values; new entries are also emitted. */
export class AuditTrail extends EventEmitter<{ entry: [AuditEntry] }> {
  constructor(private readonly deps: { store: Store; clock: Clock; logger: Logger }) {
    super();
    this.setMaxListeners(0);
  }

  /** The audit log, newest first (Monitoring > Audit Log). */
  list(query: AuditQuery): Promise<AuditEntry[]> {
    return this.deps.store.audit.list(query);
  }

  async record(actor: Actor, input: AuditInput): Promise<AuditEntry> {
    const changes = fieldChanges(input.before, input.after);
    const entry: Omit<AuditEntry, 'id'> = {
      at: this.deps.clock().toISOString(),
      user: actor.name,
      via: actor.via,
      action: input.action,
      target: input.target,
      targetName: input.targetName,
      changes,
      summary: auditSummary(input.action, input.target, input.targetName, changes),
    };
    const id = await this.deps.store.audit.insert(entry);
    const stored = { id, ...entry };
    this.deps.logger.info(
      { audit: { user: actor.name, via: actor.via } },
      `audit: ${actor.name} ${entry.summary}`,
    );
    this.emit('entry', stored);
    return stored;
  }
}
