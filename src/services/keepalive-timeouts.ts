import type { Logger } from 'pino';
import { FoldedWarning } from './folded-warning.js';

/** Phones that miss their keepalives after the first of a burst are written as one line this often. */
export const KEEPALIVE_FOLD_MS = 10_000;

/**
 * The warnings of phones unregistered for missing their keepalives, folded: many at once say that
 * something between them and the node failed, which one line with a count says better than
 * thousands.
 */
export function keepaliveTimeoutLog(logger: Logger, now: () => number): FoldedWarning {
  return new FoldedWarning({
    logger,
    intervalMs: KEEPALIVE_FOLD_MS,
    now,
    summary: (count, examples) =>
      `${count} more phone${count === 1 ? '' : 's'} stopped sending keepalives and ${count === 1 ? 'was' : 'were'} ` +
      `unregistered within ${KEEPALIVE_FOLD_MS / 1000} s, e.g. ${examples.join(', ')}: when many go at once, check the ` +
      'network between them and the node (switch, VLAN, firewall) and its power; each has a registration event',
  });
}
