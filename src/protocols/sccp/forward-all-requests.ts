import type { Logger } from 'pino';
import type { DnFeatures } from '../../core/line-settings.js';
import type { ForwardSettings } from '../../services/calls/call-ports.js';
import type { ForwardReply } from './forward-all-key.js';

/** What the node needs to answer CFwdAll: the DNs' forwards now, and where a user's change is stored. */
export interface ForwardAllDeps {
  settings: ForwardSettings;
  features: (dn: string) => DnFeatures;
  logger: Logger;
}

/**
 * A CFwdAll press or number from a phone (calls.md §1.5): a press clears Forward All when it is set,
 * else asks for the number; a number is stored (durable) before the phone is told, so that the
 * phone never shows a forward the node would forget.
 */
export async function answerForwardAll(
  deps: ForwardAllDeps,
  deviceName: string,
  dn: string,
  target: string | undefined,
): Promise<ForwardReply> {
  if (target === undefined && !deps.features(dn).forwardAll) return { kind: 'enter-number' };
  const next = target ?? null;
  try {
    await deps.settings.setForwardAll(dn, next, deviceName);
    return { kind: 'status', forwardAll: next };
  } catch (error) {
    const message = (error as Error).message;
    deps.logger.warn(
      { device: deviceName, dn, forwardAll: next, err: error },
      `Call Forward All of ${dn} from ${deviceName} was not stored: ${message}; the phone shows it was not set`,
    );
    return { kind: 'refused', message: 'Forward not set' };
  }
}
