/**
 * name-addr / addr-spec headers: From, To, Contact (RFC 3261 §20.10, §20.20, §20.39) and the
 * Contact parameters used for registration (expires, q, RFC 5626 +sip.instance and reg-id).
 */
import {
  type Params,
  type Parsed,
  isDigits,
  isWs,
  parseParams,
  readQuoted,
  readToken,
  skipWs,
  splitList,
} from './grammar.js';
import { type SipUri, isAbsoluteUri, parseSipUri } from './uri.js';

export interface NameAddr {
  /** The display name, unquoted and unescaped; undefined when absent. */
  readonly displayName?: string;
  /** The URI text as written. */
  readonly uri: string;
  /** The parsed URI when the scheme is sip or sips. */
  readonly sipUri?: SipUri;
  /** Header parameters (after the URI), names lower-cased, values unquoted. */
  readonly params: Params;
  /** The `tag` parameter (From/To). */
  readonly tag?: string;
  /** The element's text, trimmed, for echoing back. */
  readonly raw: string;
}

export interface ContactValue extends NameAddr {
  /** The `expires` parameter; undefined when absent or beyond 2^32-1 (then treated as absent). */
  readonly expires?: number;
  /** The `q` parameter, 0..1. */
  readonly q?: number;
  /** RFC 5626 `+sip.instance` with its angle brackets removed, e.g. `urn:uuid:…`. */
  readonly instanceId?: string;
  /** RFC 5626 `reg-id`. */
  readonly regId?: number;
}

function fail<T>(error: string): Parsed<T> {
  return { ok: false, error };
}

const MAX_DELTA_SECONDS = 0xffffffff;

/**
 * delta-seconds as a number: undefined when out of range, NaN when not 1*DIGIT.
 * RFC 4475 §3.1.2.4: "If only the expiry values were in error, the element could treat them as if they
 * contained the default values for expiration".
 */
export function parseDeltaSeconds(s: string): number | undefined {
  if (!isDigits(s)) return NaN;
  const n = s.length > 12 ? Infinity : Number(s);
  return n > MAX_DELTA_SECONDS ? undefined : n;
}

function parseUriText(text: string): Parsed<SipUri | undefined> {
  if (text.length === 0) return fail('empty URI');
  const scheme = text.slice(0, text.indexOf(':')).toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') {
    const r = parseSipUri(text);
    return r.ok ? { ok: true, value: r.uri } : fail(r.error);
  }
  return isAbsoluteUri(text) ? { ok: true, value: undefined } : fail(`invalid URI "${text}"`);
}

/**
 * Parse `( name-addr / addr-spec ) *( SEMI generic-param )`.
 * RFC 3261 §25.1: name-addr = [ display-name ] LAQUOT addr-spec RAQUOT; display-name = *(token LWS) / quoted-string
 */
export function parseNameAddr(raw: string): Parsed<NameAddr> {
  const s = raw.trim();
  let i = 0;
  let displayName: string | undefined;
  let angle = false;
  if (s[0] === '"') {
    const q = readQuoted(s, 0);
    if (q === undefined) return fail('unterminated quoted display name');
    displayName = q.value;
    i = skipWs(s, q.end);
    if (s[i] !== '<') return fail('display name not followed by <URI>');
    angle = true;
  } else if (s[0] === '<') {
    angle = true;
  } else {
    const first = readToken(s, 0);
    if (first === 0) return fail(`unexpected "${s[0] ?? ''}" at start of address`);
    if (s[first] !== ':') {
      // Display name made of tokens; RFC 4475 §3.1.1.6 (lwsdisp): no LWS is needed before "<".
      let j = first;
      for (;;) {
        const afterWs = skipWs(s, j);
        if (s[afterWs] === '<') {
          displayName = s.slice(0, j);
          i = afterWs;
          angle = true;
          break;
        }
        const next = readToken(s, afterWs);
        if (next === afterWs || afterWs === j)
          return fail('display name is not a token sequence or quoted string');
        j = next;
      }
    }
  }
  let uriText: string;
  if (angle) {
    const close = s.indexOf('>', i + 1);
    if (close < 0) return fail('missing ">"');
    uriText = s.slice(i + 1, close);
    for (let k = 0; k < uriText.length; k++) {
      // RFC 4475 §3.1.2.14 (badaspec): an addr-spec containing spaces is malformed.
      if (isWs(uriText.charCodeAt(k))) return fail('whitespace inside <URI>');
    }
    i = close + 1;
  } else {
    let end = i;
    while (end < s.length && s[end] !== ';' && !isWs(s.charCodeAt(end))) end++;
    uriText = s.slice(i, end);
    // RFC 3261 §20.10: "if the URI contains a comma, question mark, or semicolon, the name-addr form MUST be used"
    if (uriText.includes('?') || uriText.includes(','))
      return fail('URI with "?" or "," must be enclosed in <>');
    i = end;
  }
  const uri = parseUriText(uriText);
  if (!uri.ok) return uri;
  const p = parseParams(s, i);
  if ('error' in p) return fail(p.error);
  const tag = p.params.get('tag');
  if (tag === null) return fail('tag without value');
  return {
    ok: true,
    value: { displayName, uri: uriText, sipUri: uri.value, params: p.params, tag, raw: s },
  };
}

// RFC 3261 §25.1: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
const QVALUE = /^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$/;

function parseContactValue(element: string): Parsed<ContactValue> {
  const na = parseNameAddr(element);
  if (!na.ok) return na;
  const v = na.value;
  const params = v.params;
  let expires: number | undefined;
  let q: number | undefined;
  let regId: number | undefined;
  let instanceId: string | undefined;
  if (params.size > 0) {
    const expiresRaw = params.get('expires');
    if (expiresRaw !== undefined) {
      // RFC 3261 §25.1: contact-params-expires = "expires" EQUAL delta-seconds
      expires = expiresRaw === null ? NaN : parseDeltaSeconds(expiresRaw);
      if (Number.isNaN(expires)) return fail('invalid expires parameter');
    }
    const qRaw = params.get('q');
    if (qRaw !== undefined) {
      if (qRaw === null || !QVALUE.test(qRaw)) return fail('invalid q parameter');
      q = Number(qRaw);
    }
    const regIdRaw = params.get('reg-id');
    if (regIdRaw !== undefined) {
      // RFC 5626 §4.2: reg-id = "reg-id" EQUAL 1*DIGIT ; 1 to (2^31 - 1)
      regId = regIdRaw !== null && isDigits(regIdRaw) && regIdRaw.length <= 10 ? Number(regIdRaw) : NaN;
      if (!(regId >= 1 && regId <= 0x7fffffff)) return fail('invalid reg-id parameter');
    }
    // RFC 5626 §4.1: instance-id is carried as +sip.instance="<urn:...>"
    const instanceRaw = params.get('+sip.instance');
    if (instanceRaw !== undefined && instanceRaw !== null) {
      const n = instanceRaw.length;
      instanceId =
        n >= 2 && instanceRaw.charCodeAt(0) === 0x3c && instanceRaw.charCodeAt(n - 1) === 0x3e
          ? instanceRaw.slice(1, n - 1)
          : instanceRaw;
    }
  }
  return {
    ok: true,
    value: {
      displayName: v.displayName,
      uri: v.uri,
      sipUri: v.sipUri,
      params,
      tag: v.tag,
      raw: v.raw,
      expires,
      q,
      instanceId,
      regId,
    },
  };
}

/**
 * Parse all Contact rows into either the wildcard or a list.
 * RFC 3261 §25.1: Contact = ("Contact" / "m" ) HCOLON ( STAR / (contact-param *(COMMA contact-param)))
 */
export function parseContactList(rows: readonly string[]): Parsed<'*' | ContactValue[]> {
  const elements: string[] = [];
  for (const row of rows) for (const e of splitList(row)) elements.push(e);
  if (elements.length === 1 && elements[0] === '*') return { ok: true, value: '*' };
  const out: ContactValue[] = [];
  for (const element of elements) {
    if (element === '*') return fail('"*" must be the only Contact value');
    if (element.length === 0) return fail('empty Contact value');
    const c = parseContactValue(element);
    if (!c.ok) return c;
    out.push(c.value);
  }
  return { ok: true, value: out };
}
