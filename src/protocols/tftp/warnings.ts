/**
 * The TFTP warnings any client can draw at will, one per request or datagram: each kind folded
 * (FoldedWarning), so that a flood of bad requests costs a few lines, not one each, while a single
 * bad request is still written at once with its address.
 */
import type { Logger } from 'pino';
import { FOLD_MS, FoldedWarnings, more } from '../../services/folded-warning.js';
import type { TftpPeer } from '../../services/file-source.js';

export type TftpWarningKind = 'malformed' | 'refusedName' | 'refusedWrite' | 'timedOut' | 'aborted';

const within = `within ${FOLD_MS / 1000} s`;
const STRANGERS =
  'if you do not know these addresses, something is probing the node: block them at the firewall';

export function tftpWarnings(log: Logger, now: () => number): FoldedWarnings<TftpWarningKind> {
  return new FoldedWarnings<TftpWarningKind>(log, now, {
    malformed: (count, examples) =>
      `${more(count, 'malformed or unexpected TFTP datagram')} ${within}, each answered "Illegal TFTP operation", ` +
      `from ${examples.join(', ')}: ${STRANGERS}`,
    refusedName: (count, examples) =>
      `${more(count, 'TFTP read request')} for a name outside the served files refused ${within} ` +
      `(answered "File not found"), e.g. ${examples.join(', ')}: phones never ask for such names; ${STRANGERS}`,
    refusedWrite: (count, examples) =>
      `${more(count, 'TFTP write request')} refused ${within}: this server is read-only (put files in the TFTP ` +
      `directory or use the admin UI), e.g. ${examples.join(', ')}`,
    timedOut: (count, examples) =>
      `${more(count, 'TFTP read')} timed out ${within}, e.g. ${examples.join(', ')}: the clients went away or a ` +
      'firewall/NAT drops the replies from our transfer ports (TFTP answers from a new UDP port, not 69)',
    aborted: (count, examples) =>
      `${more(count, 'TFTP read')} aborted by the client ${within}, e.g. ${examples.join(', ')}: ` +
      'each client sent an error packet; phones that keep doing so may not accept the file or its options',
  });
}

/** A folded line's example: the address and, briefly, what it asked or did. */
export function tftpExample(peer: TftpPeer, what: string): string {
  return `${peer.address} (${what.slice(0, 80)})`;
}
