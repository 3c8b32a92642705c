/** Scalar headers: CSeq, Call-ID, Max-Forwards, Content-Length, Expires (RFC 3261 §20). */
import { parseDeltaSeconds } from './address.js';
import { type Parsed, isDigits, isWs, readToken, skipWs } from './grammar.js';

export interface CSeq {
  readonly seq: number;
  /** The method, case preserved (methods are case-sensitive). */
  readonly method: string;
}

function fail<T>(error: string): Parsed<T> {
  return { ok: false, error };
}

/**
 * RFC 3261 §25.1: CSeq = "CSeq" HCOLON 1*DIGIT LWS Method
 * RFC 3261 §8.1.1.5: "The sequence number value MUST be expressible as a 32-bit unsigned integer"
 */
export function parseCSeq(value: string): Parsed<CSeq> {
  const s = value.trim();
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  if (i === 0) return fail('missing sequence number');
  const seq = i > 10 ? Infinity : Number(s.slice(0, i));
  if (seq > 0xffffffff) return fail('sequence number exceeds 2^32-1');
  const m = skipWs(s, i);
  if (m === i) return fail('missing space before method');
  const end = readToken(s, m);
  if (end === m || end !== s.length) return fail('invalid method');
  return { ok: true, value: { seq, method: s.slice(m) } };
}

// RFC 3261 §25.1: word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" /
//   "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}" )
const WORD = new Uint8Array(128);
for (const ch of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789' +
  '-.!%*_+`\'~()<>:\\"/[]?{}') {
  WORD[ch.charCodeAt(0)] = 1;
}

/** RFC 3261 §25.1: callid = word [ "@" word ] */
export function parseCallId(value: string): Parsed<string> {
  const s = value.trim();
  let at = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x40 && at < 0) at = i;
    else if (c >= 128 || WORD[c] !== 1)
      return fail(isWs(c) ? 'whitespace in Call-ID' : 'invalid character in Call-ID');
  }
  if (s.length === 0 || at === 0 || at === s.length - 1) return fail('empty Call-ID word');
  return { ok: true, value: s };
}

/** RFC 3261 §20.22: "The Max-Forwards value is an integer in the range 0-255" */
export function parseMaxForwards(value: string): Parsed<number> {
  const s = value.trim();
  if (!isDigits(s)) return fail('not a number');
  const n = s.length > 6 ? Infinity : Number(s);
  return n <= 255 ? { ok: true, value: n } : fail('greater than 255');
}

/** RFC 3261 §25.1: Content-Length = ( "Content-Length" / "l" ) HCOLON 1*DIGIT */
export function parseContentLength(value: string): Parsed<number> {
  const s = value.trim();
  if (!isDigits(s)) return fail('not a non-negative number');
  return { ok: true, value: s.length > 15 ? Number.MAX_SAFE_INTEGER : Number(s) };
}

/**
 * RFC 3261 §25.1: Expires = "Expires" HCOLON delta-seconds. Undefined when beyond 2^32-1
 * (treated as absent, as RFC 4475 §3.1.2.4 allows).
 */
export function parseExpires(value: string): Parsed<number | undefined> {
  const n = parseDeltaSeconds(value.trim());
  return Number.isNaN(n) ? fail('not delta-seconds') : { ok: true, value: n };
}
