/**
 * Lexical helpers shared by the header parsers (RFC 3261 §25.1). They work on decoded,
 * unfolded header values (JS strings), never throw, and run in linear time.
 */
import { isIPv6 } from 'node:net';

const TOKEN_TABLE = new Uint8Array(128);
// RFC 3261 §25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" )
for (const ch of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~") {
  TOKEN_TABLE[ch.charCodeAt(0)] = 1;
}

export function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN_TABLE[c] === 1;
}

export function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Index of the first non-SP/HTAB character at or after `i`. */
export function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

/** End index of the token starting at `i` (`i` itself when there is none). */
export function readToken(s: string, i: number): number {
  while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
  return i;
}

/** True when the whole string is one token. */
export function isToken(s: string): boolean {
  return s.length > 0 && readToken(s, 0) === s.length;
}

/** True when the string is 1*DIGIT. */
export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/**
 * Read a quoted-string whose opening DQUOTE is at `i`; returns the unescaped content and the
 * index after the closing DQUOTE, or undefined when it is unterminated.
 * RFC 3261 §25.1: quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
 */
export function readQuoted(s: string, i: number): { value: string; end: number } | undefined {
  let value = '';
  let segStart = i + 1;
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x5c) {
      const next = s.charCodeAt(j + 1);
      if (j + 1 >= s.length || next === 0x0d || next === 0x0a) return undefined;
      value += s.slice(segStart, j);
      segStart = j + 1;
      j++;
    } else if (c === 0x22) {
      return { value: value + s.slice(segStart, j), end: j + 1 };
    } else if (c === 0x0d || c === 0x0a) {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Split a list header value on top-level commas, ignoring commas inside quoted strings and
 * `<...>`. Elements are trimmed; empty elements are kept so callers can reject `a,,b`.
 * An unterminated quote or bracket swallows the rest of the value into the last element.
 */
export function splitList(s: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inQuote) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inQuote = false;
    } else if (inAngle) {
      if (c === 0x3e) inAngle = false;
    } else if (c === 0x22) {
      inQuote = true;
    } else if (c === 0x3c) {
      inAngle = true;
    } else if (c === 0x2c) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out;
}

/** The number of non-empty elements splitList(s) finds, without building them. */
export function countList(s: string): number {
  let n = 0;
  let nonEmpty = false;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inQuote) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inQuote = false;
    } else if (inAngle) {
      if (c === 0x3e) inAngle = false;
    } else if (c === 0x2c) {
      if (nonEmpty) n++;
      nonEmpty = false;
      continue;
    } else if (c === 0x22) {
      inQuote = true;
    } else if (c === 0x3c) {
      inAngle = true;
    } else if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
      continue;
    }
    nonEmpty = true;
  }
  return nonEmpty ? n + 1 : n;
}

/**
 * Replace folding (`*WSP CRLF 1*WSP`) with one SP and trim the ends.
 * RFC 3261 §7.3.1: "a recipient MAY replace any linear white space with a single SP before
 * interpreting the field value or forwarding the message downstream."
 */
export function unfold(s: string): string {
  let out = '';
  let segStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x0a && c !== 0x0d) continue;
    let back = i;
    while (back > segStart && isWs(s.charCodeAt(back - 1))) back--;
    out += s.slice(segStart, back) + ' ';
    let j = i + 1;
    while (j < s.length && (isWs(s.charCodeAt(j)) || s.charCodeAt(j) === 0x0a || s.charCodeAt(j) === 0x0d))
      j++;
    segStart = j;
    i = j - 1;
  }
  return (out + s.slice(segStart)).trim();
}

/** The outcome of parsing a header value: never an exception. */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Parameters in source order with lower-case names; `null` marks a parameter without value. */
export type Params = Map<string, string | null>;

function isParamValueChar(c: number): boolean {
  // RFC 3261 §25.1: gen-value = token / host / quoted-string  (host adds "[", "]" and ":")
  return isTokenChar(c) || c === 0x5b || c === 0x5d || c === 0x3a;
}

/**
 * Parse `*( SEMI generic-param )` from `i` to the end of `s`.
 * RFC 3261 §25.1: generic-param = token [ EQUAL gen-value ]; SEMI = SWS ";" SWS; EQUAL = SWS "=" SWS
 */
export function parseParams(s: string, i: number): { params: Params } | { error: string } {
  const params: Params = new Map();
  i = skipWs(s, i);
  while (i < s.length) {
    if (s.charCodeAt(i) !== 0x3b) return { error: `unexpected "${s[i]}" where ";" was expected` };
    i = skipWs(s, i + 1);
    const nameEnd = readToken(s, i);
    if (nameEnd === i) return { error: 'empty parameter name' };
    const name = s.slice(i, nameEnd).toLowerCase();
    i = skipWs(s, nameEnd);
    let value: string | null = null;
    if (s.charCodeAt(i) === 0x3d) {
      i = skipWs(s, i + 1);
      if (s.charCodeAt(i) === 0x22) {
        const q = readQuoted(s, i);
        if (q === undefined) return { error: `unterminated quoted value for parameter "${name}"` };
        value = q.value;
        i = q.end;
      } else {
        const start = i;
        while (i < s.length && isParamValueChar(s.charCodeAt(i))) i++;
        if (i === start) return { error: `empty value for parameter "${name}"` };
        value = s.slice(start, i);
      }
      i = skipWs(s, i);
    }
    if (!params.has(name)) params.set(name, value);
  }
  return { params };
}

export type HostType = 'ipv4' | 'ipv6' | 'domain';

/**
 * Classify a host, or undefined when it is not one. One pass, no allocation: hosts are parsed for
 * every Via and URI of every message.
 * RFC 3261 §25.1: host = hostname / IPv4address / IPv6reference;
 * toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum
 */
export function hostType(h: string): HostType | undefined {
  const len = h.length;
  if (len === 0 || len > 255) return undefined;
  if (h.charCodeAt(0) === 0x5b) {
    if (h.charCodeAt(len - 1) !== 0x5d) return undefined;
    const inner = h.slice(1, -1);
    return inner.includes('%') || !isIPv6(inner) ? undefined : 'ipv6';
  }
  // A trailing dot (an absolute domain name) ends the last label; it does not start an empty one.
  const end = len > 1 && h.charCodeAt(len - 1) === 0x2e ? len - 1 : len;
  let allNumeric = true;
  let ipv4 = true;
  let dots = 0;
  let start = 0;
  let lastStart = 0;
  let value = 0;
  for (let i = 0; i <= end; i++) {
    const c = i < end ? h.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      const labelLength = i - start;
      if (labelLength === 0 || labelLength > 63) return undefined;
      if (h.charCodeAt(start) === 0x2d || h.charCodeAt(i - 1) === 0x2d) return undefined;
      // RFC 3261 §25.1: IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT (each at most 255)
      if (labelLength > 3 || value > 255) ipv4 = false;
      if (i < end) dots++;
      lastStart = start;
      start = i + 1;
      value = 0;
    } else if (isDigit(c)) {
      value = value * 10 + (c - 0x30);
    } else {
      allNumeric = false;
      if (!isAlpha(c) && c !== 0x2d) return undefined;
    }
  }
  if (allNumeric) return ipv4 && dots === 3 && end === len ? 'ipv4' : undefined;
  return isAlpha(h.charCodeAt(lastStart)) ? 'domain' : undefined;
}

/** Parse a port (1*DIGIT, at most 65535). */
export function parsePort(s: string): number | undefined {
  if (s.length === 0 || s.length > 5 || !isDigits(s)) return undefined;
  const n = Number(s);
  return n <= 65535 ? n : undefined;
}
