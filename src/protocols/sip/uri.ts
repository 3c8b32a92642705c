/**
 * SIP and SIPS URIs (RFC 3261 §19.1, grammar in §25.1): parsing with %-unescaping where the
 * grammar allows `escaped`, validation of the character classes, and formatting.
 */
import { type HostType, type Params, hostType, isAlpha, isDigit, parsePort } from './grammar.js';

export interface SipUri {
  readonly scheme: 'sip' | 'sips';
  /** The user part, %-unescaped (may hold `;` for telephone-subscriber parameters). */
  readonly user?: string;
  /** The password, %-unescaped. */
  readonly password?: string;
  /** The host as written; an IPv6 reference keeps its brackets. */
  readonly host: string;
  readonly hostType: HostType;
  readonly port?: number;
  /** uri-parameters, names lower-cased, names and values %-unescaped; `null` = no value. */
  readonly params: Params;
  /** `?` headers, %-unescaped, in order. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The text the URI was parsed from. */
  readonly raw: string;
}

export type UriResult =
  { readonly ok: true; readonly uri: SipUri } | { readonly ok: false; readonly error: string };

const UNRESERVED = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789' + "-_.!~*'()";
// RFC 3261 §25.1: user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
const USER_CHARS = table(UNRESERVED + '&=+$,;?/');
// RFC 3261 §25.1: password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," )
const PASSWORD_CHARS = table(UNRESERVED + '&=+$,');
// RFC 3261 §25.1: param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$"
const PARAM_CHARS = table(UNRESERVED + '[]/:&+$');
// RFC 3261 §25.1: hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$"
const HEADER_CHARS = table(UNRESERVED + '[]/?:+$');
// RFC 2396 §3: uric = reserved / unreserved / escaped (absoluteURI for other schemes)
const URIC_CHARS = table(UNRESERVED + ';/?:@&=+$,');

function table(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (const ch of chars) t[ch.charCodeAt(0)] = 1;
  return t;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** True when every char is in `allowed` or part of a well-formed `%HH` escape. */
function validChars(s: string, allowed: Uint8Array): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      // RFC 3261 §25.1: escaped = "%" HEXDIG HEXDIG
      if (!isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) return false;
      i += 2;
    } else if (c >= 128 || allowed[c] !== 1) {
      return false;
    }
  }
  return true;
}

/** Decode `%HH` escapes (already validated) as UTF-8. */
export function unescapePercent(s: string): string {
  if (!s.includes('%')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(c);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function fail(error: string): UriResult {
  return { ok: false, error };
}

/** Parse a `sip:` or `sips:` URI. The scheme is case-insensitive. */
export function parseSipUri(raw: string): UriResult {
  const colon = raw.indexOf(':');
  const scheme = raw.slice(0, colon).toLowerCase();
  if (colon < 0 || (scheme !== 'sip' && scheme !== 'sips')) return fail('not a sip: or sips: URI');
  const rest = raw.slice(colon + 1);
  let user: string | undefined;
  let password: string | undefined;
  let i = 0;
  const at = rest.indexOf('@');
  if (at >= 0) {
    // RFC 3261 §25.1: userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"
    const userinfo = rest.slice(0, at);
    const pw = userinfo.indexOf(':');
    const rawUser = pw < 0 ? userinfo : userinfo.slice(0, pw);
    if (rawUser.length === 0 || !validChars(rawUser, USER_CHARS)) return fail('invalid user part');
    user = unescapePercent(rawUser);
    if (pw >= 0) {
      const rawPw = userinfo.slice(pw + 1);
      if (!validChars(rawPw, PASSWORD_CHARS)) return fail('invalid password');
      password = unescapePercent(rawPw);
    }
    i = at + 1;
  }
  let hostEnd: number;
  if (rest.charCodeAt(i) === 0x5b) {
    hostEnd = rest.indexOf(']', i) + 1;
    if (hostEnd === 0) return fail('unterminated IPv6 reference');
  } else {
    hostEnd = i;
    while (hostEnd < rest.length && !':;?'.includes(rest[hostEnd])) hostEnd++;
  }
  const host = rest.slice(i, hostEnd);
  const type = hostType(host);
  if (type === undefined) return fail(`invalid host "${host}"`);
  i = hostEnd;
  let port: number | undefined;
  if (rest[i] === ':') {
    let end = i + 1;
    while (end < rest.length && isDigit(rest.charCodeAt(end))) end++;
    port = parsePort(rest.slice(i + 1, end));
    if (port === undefined) return fail('invalid port');
    i = end;
  }
  // RFC 3261 §25.1: uri-parameter = ... / other-param; other-param = pname [ "=" pvalue ]; pname = 1*paramchar
  const params: Params = new Map();
  while (rest[i] === ';') {
    let end = i + 1;
    while (end < rest.length && rest[end] !== ';' && rest[end] !== '?') end++;
    const param = rest.slice(i + 1, end);
    const eq = param.indexOf('=');
    const rawName = eq < 0 ? param : param.slice(0, eq);
    const rawValue = eq < 0 ? null : param.slice(eq + 1);
    if (rawName.length === 0 || !validChars(rawName, PARAM_CHARS)) return fail('invalid URI parameter name');
    if (rawValue !== null && (rawValue.length === 0 || !validChars(rawValue, PARAM_CHARS))) {
      return fail(`invalid value for URI parameter "${rawName}"`);
    }
    const name = unescapePercent(rawName).toLowerCase();
    if (!params.has(name)) params.set(name, rawValue === null ? null : unescapePercent(rawValue));
    i = end;
  }
  const headers: Array<readonly [string, string]> = [];
  if (rest[i] === '?') {
    // RFC 3261 §25.1: headers = "?" header *( "&" header ); header = hname "=" hvalue
    for (const h of rest.slice(i + 1).split('&')) {
      const eq = h.indexOf('=');
      if (eq <= 0) return fail('invalid URI header');
      const hname = h.slice(0, eq);
      const hvalue = h.slice(eq + 1);
      if (!validChars(hname, HEADER_CHARS) || !validChars(hvalue, HEADER_CHARS))
        return fail('invalid URI header');
      headers.push([unescapePercent(hname), unescapePercent(hvalue)]);
    }
    i = rest.length;
  }
  if (i !== rest.length) return fail(`unexpected "${rest[i]}" in URI`);
  return {
    ok: true,
    uri: { scheme, user, password, host, hostType: type, port, params, headers, raw },
  };
}

/**
 * True for a syntactically valid absoluteURI of any scheme (RFC 2396: scheme ":" 1*uric).
 * RFC 3261 §25.1: Request-URI = SIP-URI / SIPS-URI / absoluteURI
 */
export function isAbsoluteUri(s: string): boolean {
  const colon = s.indexOf(':');
  if (colon <= 0 || colon === s.length - 1 || !isAlpha(s.charCodeAt(0))) return false;
  for (let i = 1; i < colon; i++) {
    const c = s.charCodeAt(i);
    if (!isAlpha(c) && !isDigit(c) && c !== 0x2b && c !== 0x2d && c !== 0x2e) return false;
  }
  return validChars(s.slice(colon + 1), URIC_CHARS);
}

/** The parts of a SIP URI to format; values are unescaped text. */
export interface SipUriParts {
  readonly scheme?: 'sip' | 'sips';
  readonly user?: string;
  readonly password?: string;
  readonly host: string;
  readonly port?: number;
  readonly params?: Iterable<readonly [string, string | null]>;
  readonly headers?: Iterable<readonly [string, string]>;
}

function escape(s: string, allowed: Uint8Array): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    out +=
      byte < 128 && allowed[byte] === 1
        ? String.fromCharCode(byte)
        : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Format a SIP URI, %-escaping whatever its component does not allow literally. */
export function formatSipUri(parts: SipUriParts): string {
  let out = `${parts.scheme ?? 'sip'}:`;
  if (parts.user !== undefined) {
    out += escape(parts.user, USER_CHARS);
    if (parts.password !== undefined) out += ':' + escape(parts.password, PASSWORD_CHARS);
    out += '@';
  }
  out += parts.host;
  if (parts.port !== undefined) out += `:${parts.port}`;
  for (const [name, value] of parts.params ?? []) {
    out += ';' + escape(name, PARAM_CHARS) + (value === null ? '' : '=' + escape(value, PARAM_CHARS));
  }
  let sep = '?';
  for (const [name, value] of parts.headers ?? []) {
    out += sep + escape(name, HEADER_CHARS) + '=' + escape(value, HEADER_CHARS);
    sep = '&';
  }
  return out;
}

// RFC 3261 §19.1.4: these uri-parameters, "if present in one URI, must be present in both to match".
const PARAMS_BOTH_OR_NEITHER = ['user', 'ttl', 'method', 'maddr', 'transport'];

/**
 * RFC 3261 §19.1.4 URI comparison: scheme, host and parameter values compare case-insensitively,
 * user and password case-sensitively, after %-unescaping; "A URI omitting any component with a
 * default value will not match a URI explicitly containing that component with its default value"
 * (a port); user, ttl, method, maddr and transport must be in both or neither, other parameters
 * are compared only when both carry them; headers must be the same.
 */
export function sipUriEquals(a: SipUri, b: SipUri): boolean {
  if (a.scheme !== b.scheme || a.user !== b.user || a.password !== b.password) return false;
  if (a.host.toLowerCase() !== b.host.toLowerCase() || a.port !== b.port) return false;
  const value = (v: string | null | undefined) => (v === null || v === undefined ? v : v.toLowerCase());
  for (const name of PARAMS_BOTH_OR_NEITHER) {
    if (a.params.has(name) !== b.params.has(name)) return false;
  }
  for (const [name, v] of a.params) {
    if (b.params.has(name) && value(v) !== value(b.params.get(name))) return false;
  }
  if (a.headers.length !== b.headers.length) return false;
  const key = (h: readonly [string, string]) => `${h[0].toLowerCase()}=${h[1]}`;
  const other = new Set(b.headers.map(key));
  return a.headers.every((h) => other.has(key(h)));
}
