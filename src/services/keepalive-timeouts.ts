import type { Logger } from 'pino';
import { FOLD_MS, FoldedWarning, more } from './folded-warning.js';

/**
 * The warnings of phones unregistered for missing their keepalives, folded: many at once say that
 * something between them and the node failed, which one line with a count says better than
 * thousands.
 */
export function keepaliveTimeoutLog(logger: Logger, now: () => number): FoldedWarning {
  return new FoldedWarning({
    logger,
    now,
    summary: (count, examples) =>
      `${more(count, 'phone')} stopped sending keepalives and ${count === 1 ? 'was' : 'were'} ` +
      `unregistered within ${FOLD_MS / 1000} s, e.g. ${examples.join(', ')}: when many go at once, check the ` +
      'network between them and the node (switch, VLAN, firewall) and its power; each has a registration event',
  });
}
