/** What a phone asked for, by the file names of provisioning.md §1 (matched case-insensitively). */
export type RequestedFile =
  | { kind: 'device-config'; mac: string }
  | { kind: 'xml-default' }
  | { kind: 'os79xx' }
  | { kind: 'sip-default' }
  | { kind: 'sip-device'; mac: string }
  | { kind: 'trust-list'; mac: string | null }
  | { kind: 'dial-plan' }
  | { kind: 'ring-list' }
  | { kind: 'other'; name: string };

const MAC = '([0-9A-Fa-f]{12})';
const RULES: [RegExp, (m: RegExpExecArray) => RequestedFile][] = [
  [new RegExp(`^SEP${MAC}\\.cnf\\.xml$`, 'i'), (m) => ({ kind: 'device-config', mac: m[1].toUpperCase() })],
  [/^XMLDefault\.cnf\.xml$/i, () => ({ kind: 'xml-default' })],
  [/^OS79XX\.TXT$/i, () => ({ kind: 'os79xx' })],
  [/^SIPDefault\.cnf$/i, () => ({ kind: 'sip-default' })],
  [new RegExp(`^SIP${MAC}\\.cnf$`, 'i'), (m) => ({ kind: 'sip-device', mac: m[1].toUpperCase() })],
  [new RegExp(`^(?:CTL|ITL)SEP${MAC}\\.tlv$`, 'i'), (m) => ({ kind: 'trust-list', mac: m[1].toUpperCase() })],
  [/^(?:CTLFile|ITLFile)\.tlv$/i, () => ({ kind: 'trust-list', mac: null })],
  [/^dialplan\.xml$/i, () => ({ kind: 'dial-plan' })],
  [/^RINGLIST\.DAT$/i, () => ({ kind: 'ring-list' })],
];

/** Classifies a normalized requested name (no leading slash or ./, see the TFTP layer). */
export function classifyRequest(name: string): RequestedFile {
  for (const [pattern, make] of RULES) {
    const m = pattern.exec(name);
    if (m) return make(m);
  }
  return { kind: 'other', name };
}

/** The MAC a request names, if any: a fetch of a MAC's file is a sign of life of that phone. */
export function macOfRequest(file: RequestedFile): string | null {
  return 'mac' in file ? file.mac : null;
}
