/**
 * Header-name knowledge: compact forms, canonical spelling for output, and which headers
 * carry comma-separated lists. Names are handled internally in lower case, full form.
 */

// RFC 3261 §7.3.3: "SIP provides a mechanism to represent common header field names in an abbreviated form."
// The table also covers compact forms registered later (RFC 3515, 3841, 3892, 4028, 4474, 6665).
const COMPACT_FORMS: Readonly<Record<string, string>> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  n: 'identity-info',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

/** Spellings that simple Title-Case would get wrong. */
const SPECIAL_SPELLING: Readonly<Record<string, string>> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
  rack: 'RAck',
  rseq: 'RSeq',
  'sip-etag': 'SIP-ETag',
  'sip-if-match': 'SIP-If-Match',
  'p-asserted-identity': 'P-Asserted-Identity',
  // draft-ietf-sip-privacy-04 and CUCM spell it so (calls.md §2.2).
  'remote-party-id': 'Remote-Party-ID',
};

// RFC 3261 §7.3.1: "Multiple header field rows with the same field-name MAY be present in a message if and
// only if the entire field-value for that header field is defined as a comma-separated list".
const LIST_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-contact',
  'accept-encoding',
  'accept-language',
  'alert-info',
  'allow',
  'allow-events',
  'call-info',
  'contact',
  'content-encoding',
  'content-language',
  'error-info',
  'history-info',
  'in-reply-to',
  'p-associated-uri',
  'path',
  'proxy-require',
  'reason',
  'record-route',
  'reject-contact',
  'request-disposition',
  'require',
  'route',
  'security-client',
  'security-server',
  'security-verify',
  'service-route',
  'supported',
  'unsupported',
  'via',
  'warning',
]);

/**
 * Lower-case full form of a header name: `"v"` → `"via"`, `"Call-ID"` → `"call-id"`.
 * RFC 3261 §7.3.1: "field names are always case-insensitive".
 */
export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  return lower.length === 1 ? (COMPACT_FORMS[lower] ?? lower) : lower;
}

/** The spelling to put on the wire for a header name given in any case or compact form. */
export function wireHeaderName(name: string): string {
  let wire = WIRE_NAMES.get(name);
  if (wire === undefined) {
    const lower = canonicalHeaderName(name);
    wire =
      SPECIAL_SPELLING[lower] ??
      lower.replace(/(^|-)([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
    // Responses are built with the same few names over and over; bounded so odd input cannot grow it.
    if (WIRE_NAMES.size < 1024) WIRE_NAMES.set(name, wire);
  }
  return wire;
}

const WIRE_NAMES = new Map<string, string>();

/** True when the header's value is a comma-separated list (so `headers()` splits it). */
export function isListHeader(name: string): boolean {
  return LIST_HEADERS.has(canonicalHeaderName(name));
}
