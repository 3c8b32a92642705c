/**
 * Crash classes the fuzzer has found and that are being fixed elsewhere. `--exclude <name>` leaves
 * their inputs out, so that a run can look for other bugs meanwhile; each entry says how to
 * reproduce it. Remove an entry once its fix is merged: a run without exclusions is the proof.
 */
import type { TargetName } from './targets.js';

export interface KnownCrash {
  name: string;
  targets: readonly TargetName[];
  /** What goes wrong, and a minimal reproducer. */
  description: string;
  matches(input: Buffer): boolean;
}

/** Via header lines (full or compact name) of a SIP message. */
function viaLines(input: Buffer): string[] {
  // A header folded over several lines (RFC 3261 §7.3.1) is one header: unfold it first.
  const text = input.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  return text.match(/^(?:via|v)[ \t]*:.*$/gim) ?? [];
}

export const KNOWN_CRASHES: readonly KnownCrash[] = [
  {
    name: 'sip-udp-port-0',
    targets: ['sip-udp'],
    description:
      'issue 12 item 1: a REGISTER over UDP whose Via sent-by port is 0 (no rport) makes the response go to ' +
      'port 0; dgram.send throws ERR_SOCKET_BAD_PORT synchronously, the 500 sent from the catch throws again, ' +
      'and the rejection is unhandled (an OPTIONS only logs "answered 500", which is not sent either). ' +
      "Reproducer: printf 'REGISTER sip:x SIP/2.0\\r\\nVia: SIP/2.0/UDP 127.0.0.2:0;branch=z9hG4bK2\\r\\n" +
      "From: <sip:a@x>;tag=1\\r\\nTo: <sip:a@x>\\r\\nCall-ID: 2\\r\\nCSeq: 1 REGISTER\\r\\n\\r\\n' | " +
      'socat -t1 - UDP:127.0.0.1:5060',
    // Any Via with a port that is zero, however written (":0", ":000", "rport=0"): the class, generously.
    matches: (input) => viaLines(input).some((line) => /:0+(?![\d:])|rport=0+(?!\d)/i.test(line)),
  },
];

/** True when `input` belongs to one of the `excluded` classes for `target`. */
export function excludedClass(target: TargetName, input: Buffer, excluded: ReadonlySet<string>): boolean {
  return KNOWN_CRASHES.some((c) => excluded.has(c.name) && c.targets.includes(target) && c.matches(input));
}
