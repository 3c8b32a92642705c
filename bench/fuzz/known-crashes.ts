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
  return input.toString('latin1').match(/^(?:via|v)[ \t]*:.*$/gim) ?? [];
}

export const KNOWN_CRASHES: readonly KnownCrash[] = [
  {
    name: 'sip-udp-port-0',
    targets: ['sip-udp'],
    description:
      'issue 12 item 1: a UDP request whose Via sent-by port is 0 (no rport) makes the response go to port 0; ' +
      'dgram.send throws ERR_SOCKET_BAD_PORT synchronously, the 500 sent from the catch throws again, the ' +
      'rejection is unhandled. Reproducer: "OPTIONS sip:x SIP/2.0\\r\\nVia: SIP/2.0/UDP 127.0.0.2:0;branch=z9hG4bK1\\r\\n' +
      'From: <sip:a@x>;tag=1\\r\\nTo: <sip:x>\\r\\nCall-ID: 1\\r\\nCSeq: 1 OPTIONS\\r\\n\\r\\n" to the SIP UDP port',
    // Any Via with a port that is zero, however written (":0", ":000", "rport=0"): the class, generously.
    matches: (input) => viaLines(input).some((line) => /:0+(?![\d:])|rport=0+(?!\d)/i.test(line)),
  },
];

/** True when `input` belongs to one of the `excluded` classes for `target`. */
export function excludedClass(target: TargetName, input: Buffer, excluded: ReadonlySet<string>): boolean {
  return KNOWN_CRASHES.some((c) => excluded.has(c.name) && c.targets.includes(target) && c.matches(input));
}
