/**
 * HTTP Digest for SIP (RFC 3261 §22.4, RFC 7616, RFC 8760): parse and format WWW-Authenticate /
 * Authorization values and compute responses. Pure functions: nonce policy lives elsewhere.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { DigestHash } from '../../core/sip-credential.js';
import { digestHa1 } from '../../core/sip-credential.js';
import { readQuoted, readToken, skipWs } from './grammar.js';
import { quote } from './serializer.js';

// RFC 8760 §2: adds SHA-256 and SHA-512/256 (and their -sess variants) to SIP digest; MD5 stays for compatibility.
export const DIGEST_ALGORITHMS = [
  'MD5',
  'MD5-sess',
  'SHA-256',
  'SHA-256-sess',
  'SHA-512-256',
  'SHA-512-256-sess',
] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

const HASHES: Readonly<Record<string, DigestHash>> = {
  MD5: 'md5',
  'SHA-256': 'sha256',
  'SHA-512-256': 'sha512-256',
};

export type DigestResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  /** Defaults to MD5 when the challenge names none. */
  readonly algorithm: DigestAlgorithm;
  /** qop-options, e.g. ["auth"]. */
  readonly qop?: readonly string[];
  readonly opaque?: string;
  readonly stale?: boolean;
  readonly domain?: string;
  readonly userhash?: boolean;
  /** Every parameter, names lower-cased, values unquoted. */
  readonly params: ReadonlyMap<string, string>;
}

export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  readonly response: string;
  readonly algorithm: DigestAlgorithm;
  readonly qop?: string;
  /** nonce-count, 8 hex digits as sent. */
  readonly nc?: string;
  readonly cnonce?: string;
  readonly opaque?: string;
  readonly userhash?: boolean;
  readonly params: ReadonlyMap<string, string>;
}

function fail<T>(error: string): DigestResult<T> {
  return { ok: false, error };
}

/**
 * Parse `Digest auth-param *(COMMA auth-param)`.
 * RFC 7235 §2.1: "Each parameter name MUST only occur once per challenge."
 */
function parseAuthParams(value: string): DigestResult<Map<string, string>> {
  const s = value.trim();
  const schemeEnd = readToken(s, 0);
  const scheme = s.slice(0, schemeEnd);
  if (scheme.toLowerCase() !== 'digest') return fail(`unsupported scheme "${scheme}"`);
  const params = new Map<string, string>();
  let i = skipWs(s, schemeEnd);
  if (i === schemeEnd && i < s.length) return fail('missing space after scheme');
  while (i < s.length) {
    if (s[i] === ',') {
      i = skipWs(s, i + 1);
      continue;
    }
    const nameEnd = readToken(s, i);
    if (nameEnd === i) return fail(`unexpected "${s[i]}"`);
    const name = s.slice(i, nameEnd).toLowerCase();
    i = skipWs(s, nameEnd);
    if (s[i] !== '=') return fail(`parameter "${name}" without value`);
    i = skipWs(s, i + 1);
    let v: string;
    if (s[i] === '"') {
      const q = readQuoted(s, i);
      if (q === undefined) return fail(`unterminated quoted value for "${name}"`);
      v = q.value;
      i = q.end;
    } else {
      const start = i;
      while (i < s.length && s[i] !== ',' && s[i] !== ' ' && s[i] !== '\t') i++;
      if (i === start) return fail(`empty value for "${name}"`);
      v = s.slice(start, i);
    }
    if (params.has(name)) return fail(`parameter "${name}" repeated`);
    params.set(name, v);
    i = skipWs(s, i);
    if (i < s.length && s[i] !== ',') return fail(`unexpected "${s[i]}" after parameter "${name}"`);
  }
  return { ok: true, value: params };
}

function algorithmOf(params: ReadonlyMap<string, string>): DigestAlgorithm | undefined {
  const raw = params.get('algorithm');
  if (raw === undefined) return 'MD5';
  return DIGEST_ALGORITHMS.find((a) => a.toLowerCase() === raw.toLowerCase());
}

/** Parse a WWW-Authenticate / Proxy-Authenticate value. */
export function parseDigestChallenge(value: string): DigestResult<DigestChallenge> {
  const p = parseAuthParams(value);
  if (!p.ok) return p;
  const params = p.value;
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  if (realm === undefined || nonce === undefined) return fail('challenge without realm or nonce');
  const algorithm = algorithmOf(params);
  if (algorithm === undefined) return fail(`unsupported algorithm "${params.get('algorithm')}"`);
  const qop = params.get('qop');
  return {
    ok: true,
    value: {
      realm,
      nonce,
      algorithm,
      qop:
        qop === undefined
          ? undefined
          : qop
              .split(',')
              .map((q) => q.trim())
              .filter((q) => q.length > 0),
      opaque: params.get('opaque'),
      stale: params.has('stale') ? params.get('stale')?.toLowerCase() === 'true' : undefined,
      domain: params.get('domain'),
      userhash: params.has('userhash') ? params.get('userhash')?.toLowerCase() === 'true' : undefined,
      params,
    },
  };
}

const NC = /^[0-9a-fA-F]{8}$/;

/** Parse an Authorization / Proxy-Authorization value. */
export function parseDigestCredentials(value: string): DigestResult<DigestCredentials> {
  const p = parseAuthParams(value);
  if (!p.ok) return p;
  const params = p.value;
  const username = params.get('username');
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  const uri = params.get('uri');
  const response = params.get('response');
  if (
    username === undefined ||
    realm === undefined ||
    nonce === undefined ||
    uri === undefined ||
    response === undefined
  ) {
    return fail('credentials need username, realm, nonce, uri and response');
  }
  const algorithm = algorithmOf(params);
  if (algorithm === undefined) return fail(`unsupported algorithm "${params.get('algorithm')}"`);
  const qop = params.get('qop');
  const nc = params.get('nc');
  const cnonce = params.get('cnonce');
  // RFC 7616 §3.4: cnonce and nc "MUST be specified if a qop parameter is sent" (RFC 2617 §3.2.2 likewise).
  if (qop !== undefined && (cnonce === undefined || nc === undefined))
    return fail('qop without cnonce or nc');
  // RFC 7616 §3.4: nc = "nc" EQUAL nc-value; nc-value = 8LHEX
  if (nc !== undefined && !NC.test(nc)) return fail('nc is not 8 hex digits');
  if (algorithm.endsWith('-sess') && cnonce === undefined) return fail('-sess algorithm without cnonce');
  return {
    ok: true,
    value: {
      username,
      realm,
      nonce,
      uri,
      response,
      algorithm,
      qop,
      nc,
      cnonce,
      opaque: params.get('opaque'),
      userhash: params.has('userhash') ? params.get('userhash')?.toLowerCase() === 'true' : undefined,
      params,
    },
  };
}

/** Format a challenge value (for WWW-Authenticate / Proxy-Authenticate). */
export function formatDigestChallenge(ch: {
  readonly realm: string;
  readonly nonce: string;
  readonly algorithm?: DigestAlgorithm;
  readonly qop?: readonly string[];
  readonly opaque?: string;
  readonly stale?: boolean;
  readonly domain?: string;
}): string {
  let out = `Digest realm=${quote(ch.realm)}`;
  if (ch.domain !== undefined) out += `, domain=${quote(ch.domain)}`;
  out += `, nonce=${quote(ch.nonce)}`;
  if (ch.opaque !== undefined) out += `, opaque=${quote(ch.opaque)}`;
  if (ch.stale === true) out += ', stale=true';
  out += `, algorithm=${ch.algorithm ?? 'MD5'}`;
  // RFC 7616 §3.3: qop-options are a quoted string.
  if (ch.qop !== undefined && ch.qop.length > 0) out += `, qop=${quote(ch.qop.join(','))}`;
  return out;
}

/** Format credentials (for Authorization / Proxy-Authorization). */
export function formatDigestCredentials(
  cr: Omit<DigestCredentials, 'params' | 'algorithm'> & {
    readonly algorithm?: DigestAlgorithm;
  },
): string {
  let out = `Digest username=${quote(cr.username)}, realm=${quote(cr.realm)}, nonce=${quote(cr.nonce)}`;
  out += `, uri=${quote(cr.uri)}, response=${quote(cr.response)}, algorithm=${cr.algorithm ?? 'MD5'}`;
  if (cr.cnonce !== undefined) out += `, cnonce=${quote(cr.cnonce)}`;
  if (cr.opaque !== undefined) out += `, opaque=${quote(cr.opaque)}`;
  // RFC 7616 §3.4: qop and nc are sent unquoted.
  if (cr.qop !== undefined) out += `, qop=${cr.qop}`;
  if (cr.nc !== undefined) out += `, nc=${cr.nc}`;
  if (cr.userhash !== undefined) out += `, userhash=${cr.userhash ? 'true' : 'false'}`;
  return out;
}

function hash(algorithm: DigestAlgorithm, data: string | Buffer): string {
  return createHash(HASHES[algorithm.replace(/-sess$/, '')])
    .update(data)
    .digest('hex');
}

export interface DigestResponseInput {
  readonly algorithm?: DigestAlgorithm;
  readonly username: string;
  readonly realm: string;
  /** The password, or `ha1` = H(username:realm:password) as a registrar may store it. */
  readonly password?: string;
  readonly ha1?: string;
  readonly nonce: string;
  readonly method: string;
  readonly uri: string;
  readonly qop?: 'auth' | 'auth-int';
  /** nonce-count as a number or its 8-hex-digit form. */
  readonly nc?: number | string;
  readonly cnonce?: string;
  /** The message body, for qop=auth-int. */
  readonly body?: Buffer | string;
}

/** H(username:realm:password), the value a registrar can store instead of the password. */
export function computeHa1(
  algorithm: DigestAlgorithm,
  username: string,
  realm: string,
  password: string,
): string {
  return digestHa1(HASHES[algorithm.replace(/-sess$/, '')], username, realm, password);
}

/** The 8-hex-digit nonce-count. */
export function formatNc(nc: number | string): string {
  return typeof nc === 'string' ? nc : nc.toString(16).padStart(8, '0');
}

/**
 * The `response` value.
 * RFC 7616 §3.4.1: response = KD(H(A1), nonce ":" nc ":" cnonce ":" qop ":" H(A2)), KD(secret, data) = H(secret ":" data);
 * RFC 2069 form without qop: KD(H(A1), nonce ":" H(A2)).
 */
export function computeDigestResponse(input: DigestResponseInput): string {
  const algorithm = input.algorithm ?? 'MD5';
  let ha1 = input.ha1 ?? computeHa1(algorithm, input.username, input.realm, input.password ?? '');
  if (algorithm.endsWith('-sess')) {
    // RFC 7616 §3.4.2: for "-sess", A1 = H(username ":" realm ":" passwd) ":" nonce ":" cnonce
    ha1 = hash(algorithm, `${ha1}:${input.nonce}:${input.cnonce ?? ''}`);
  }
  // RFC 7616 §3.4.3: A2 = Method ":" request-uri, and for auth-int ":" H(entity-body) is appended.
  const a2 =
    input.qop === 'auth-int'
      ? `${input.method}:${input.uri}:${hash(algorithm, input.body ?? '')}`
      : `${input.method}:${input.uri}`;
  const ha2 = hash(algorithm, a2);
  if (input.qop === undefined) return hash(algorithm, `${ha1}:${input.nonce}:${ha2}`);
  return hash(
    algorithm,
    `${ha1}:${input.nonce}:${formatNc(input.nc ?? 1)}:${input.cnonce ?? ''}:${input.qop}:${ha2}`,
  );
}

/** Check credentials against a password or stored HA1, in constant time. */
export function verifyDigestCredentials(
  credentials: DigestCredentials,
  secret: { readonly password: string } | { readonly ha1: string },
  method: string,
  body?: Buffer | string,
): boolean {
  if (credentials.qop !== undefined && credentials.qop !== 'auth' && credentials.qop !== 'auth-int')
    return false;
  const expected = computeDigestResponse({
    algorithm: credentials.algorithm,
    username: credentials.username,
    realm: credentials.realm,
    ...secret,
    nonce: credentials.nonce,
    method,
    uri: credentials.uri,
    qop: credentials.qop,
    nc: credentials.nc,
    cnonce: credentials.cnonce,
    body,
  });
  const given = Buffer.from(credentials.response.toLowerCase(), 'utf8');
  const want = Buffer.from(expected, 'utf8');
  return given.length === want.length && timingSafeEqual(given, want);
}
