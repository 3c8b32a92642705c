/**
 * The SCCP warnings any client can draw at will, one per connection it opens: each kind folded
 * (FoldedWarning), so that a flood of bad connections costs a few lines, not one each, while a
 * single one is still written at once with its address.
 */
import type { Logger } from 'pino';
import { FOLD_MS, FoldedWarnings, more } from '../../services/folded-warning.js';

export type SccpWarningKind = 'framing' | 'secondRegister' | 'standbySilent';

const within = `within ${FOLD_MS / 1000} s`;

export function sccpWarnings(log: Logger, now: () => number): FoldedWarnings<SccpWarningKind> {
  return new FoldedWarnings<SccpWarningKind>(log, now, {
    framing: (count, examples) =>
      `closed ${more(count, 'SCCP connection')} ${within} whose peer did not frame Skinny correctly, e.g. ` +
      `${examples.join(', ')}: a wrong port, a broken device, or something probing the node; if you do not ` +
      'know these addresses, block them at the firewall',
    secondRegister: (count, examples) =>
      `ignored a second Register on ${more(count, 'registered SCCP connection')} ${within}, e.g. ` +
      `${examples.join(', ')}: a phone that keeps doing so may run a broken load (reset it); if these are not ` +
      'your phones, block them at the firewall',
    standbySilent: (count, examples) =>
      `closed ${more(count, 'standby SCCP connection')} ${within} that sent no KeepAlive for three secondary ` +
      `keepalive intervals, e.g. ${examples.join(', ')}: phones that keep this node as their backup and were ` +
      'lost (powered off, network down), or whose firmware does not keep standby connections alive',
  });
}
