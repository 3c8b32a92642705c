import type { Logger } from 'pino';
import { forwardTargetProblem } from '../../core/line-settings-rules.js';
import type { Store } from '../../store/store.js';
import { auditSummary, fieldChanges } from '../audit-diff.js';
import type { Clock } from '../clock.js';
import { NotFoundError, ValidationError } from '../configuration-service.js';
import type { ForwardSettings } from './call-ports.js';
import type { StoredDnFeatures } from './stored-dn-features.js';

/**
 * A user's Call Forward All from the phone (SCCP CFwdAll): stored with its audit entry in one
 * transaction before the promise resolves (durable before the phone is told), then seen by the
 * call service's DN features at once.
 */
export class StoredForwardSettings implements ForwardSettings {
  constructor(
    private readonly deps: { store: Store; features: StoredDnFeatures; clock: Clock; logger: Logger },
  ) {}

  /**
   * `by` names the device whose user pressed the key (the audit's user); the DN's devices when not
   * given. Throws ValidationError for a target that is not a forward destination, NotFoundError for
   * an unknown DN.
   */
  async setForwardAll(dn: string, target: string | null, by?: string): Promise<void> {
    const { store, features, clock, logger } = this.deps;
    if (target !== null) {
      const problem = forwardTargetProblem(dn, target);
      if (problem)
        throw new ValidationError({ field: 'forwardAll', message: `Forward All of ${dn}: ${problem}` });
    }
    let user = by ?? '';
    await store.transaction(async (tx) => {
      const before = await tx.lineSettings.forwardAllOf(dn);
      if (before === undefined) throw new NotFoundError(`directory number ${dn} does not exist`);
      await tx.lineSettings.setDnFeatures(dn, { forwardAll: target });
      if (!user) user = (await tx.lineSettings.devicesOn(dn)).join(', ') || 'phone';
      const changes = fieldChanges({ forwardAll: before }, { forwardAll: target });
      await tx.audit.insert({
        at: clock().toISOString(),
        user,
        via: 'phone',
        action: 'update',
        target: 'directory-number',
        targetName: dn,
        changes,
        summary: auditSummary('update', 'directory-number', dn, changes),
      });
    });
    features.stored(dn, { forwardAll: target });
    logger.info(
      { dn, forwardAll: target, device: user },
      target === null
        ? `Call Forward All of ${dn} cleared from phone ${user}`
        : `Call Forward All of ${dn} set to ${target} from phone ${user}`,
    );
  }
}
