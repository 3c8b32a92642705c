import type { Logger } from 'pino';
import type { PendingPhone, PendingPhoneQuery } from '../store/pending-phone-repository.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import { NotFoundError } from './configuration-service.js';
import type { LiveEvents } from './live-events.js';

/**
 * Device > Pending Phones: the unknown phones an auto-registration guard holds for approval, and
 * the administrator's decisions. A decision is stored before it is answered; the phone acts on it
 * at its next attempt (phones retry on their own).
 */
export class PendingPhoneService {
  constructor(private readonly deps: { store: Store; clock: Clock; live: LiveEvents; logger: Logger }) {}

  list(query: PendingPhoneQuery): Promise<{ items: PendingPhone[]; total: number }> {
    return this.deps.store.pendingPhones.list(query);
  }

  async get(deviceName: string): Promise<PendingPhone> {
    const phone = await this.deps.store.pendingPhones.find(deviceName);
    if (!phone) throw new NotFoundError(`${deviceName} is not among the pending phones`);
    return phone;
  }

  /**
   * Accepted: the phone auto-registers at its next attempt, with the next free DN of the range of
   * the node it asks, and leaves the queue as its device is stored. Refused: its attempts are
   * refused (with a registration event) until it is removed from the queue.
   */
  async decide(
    deviceName: string,
    decision: 'accepted' | 'refused',
    by: string,
  ): Promise<{ before: PendingPhone; after: PendingPhone }> {
    const { store, clock, live, logger } = this.deps;
    const before = await this.get(deviceName);
    const at = clock().toISOString();
    if (!(await store.pendingPhones.decide(deviceName, decision, by, at)))
      throw new NotFoundError(`${deviceName} is not among the pending phones`);
    const after = await this.get(deviceName);
    logger.info(
      { device: deviceName, user: by, address: after.sourceIp },
      decision === 'accepted'
        ? `${deviceName} (${after.model}) accepted by ${by}: it auto-registers at its next attempt`
        : `${deviceName} (${after.model}) refused by ${by}: its attempts to auto-register are refused until it is removed from Device > Pending Phones`,
    );
    live.emit('pending-phone', { deviceName, state: decision, node: after.node, at });
    return { before, after };
  }

  /** Forgets the phone: a pending or refused one waits for approval again at its next attempt. */
  async remove(deviceName: string, by: string): Promise<PendingPhone> {
    const { store, clock, live, logger } = this.deps;
    const before = await this.get(deviceName);
    if ((await store.pendingPhones.remove([deviceName])) === 0)
      throw new NotFoundError(`${deviceName} is not among the pending phones`);
    logger.info({ device: deviceName, user: by }, `${deviceName} removed from the pending phones by ${by}`);
    live.emit('pending-phone', {
      deviceName,
      state: 'removed',
      node: before.node,
      at: clock().toISOString(),
    });
    return before;
  }
}
