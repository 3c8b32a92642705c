/** The Via header (RFC 3261 §20.42, grammar in §25.1; rport from RFC 3581). */
import { isIP } from 'node:net';
import {
  type HostType,
  type Params,
  type Parsed,
  hostType,
  isAlpha,
  isDigit,
  isDigits,
  parseParams,
  parsePort,
  readToken,
  skipWs,
  splitList,
} from './grammar.js';

export interface Via {
  /** protocol-name, e.g. "SIP". */
  readonly protocol: string;
  /** protocol-version, e.g. "2.0". */
  readonly version: string;
  /** Transport in upper case: UDP, TCP, TLS, SCTP, WS, WSS or any other token. */
  readonly transport: string;
  /** sent-by host as written (an IPv6 reference keeps its brackets). */
  readonly host: string;
  readonly hostType: HostType;
  /** sent-by port, when given. */
  readonly port?: number;
  /** All via-params, names lower-cased. */
  readonly params: Params;
  readonly branch?: string;
  readonly received?: string;
  /** RFC 3581: undefined = absent, null = present without a value (please fill in), number = filled in. */
  readonly rport?: number | null;
  /** This via-parm's text, trimmed. */
  readonly raw: string;
}

function fail<T>(error: string): Parsed<T> {
  return { ok: false, error };
}

function isHostChar(c: number): boolean {
  return isAlpha(c) || isDigit(c) || c === 0x2e || c === 0x2d;
}

/** Skip `SWS "/" SWS`; returns the index after it, or -1. */
function slash(s: string, i: number): number {
  i = skipWs(s, i);
  return s[i] === '/' ? skipWs(s, i + 1) : -1;
}

/**
 * Parse one via-parm.
 * RFC 3261 §25.1: via-parm = sent-protocol LWS sent-by *( SEMI via-params );
 * sent-protocol = protocol-name SLASH protocol-version SLASH transport; SLASH = SWS "/" SWS
 */
export function parseViaParm(raw: string): Parsed<Via> {
  const s = raw.trim();
  let i = 0;
  const protoEnd = readToken(s, i);
  if (protoEnd === i) return fail('missing protocol name');
  const protocol = s.slice(i, protoEnd);
  i = slash(s, protoEnd);
  const versionEnd = i < 0 ? -1 : readToken(s, i);
  if (i < 0 || versionEnd === i) return fail('missing protocol version');
  const version = s.slice(i, versionEnd);
  i = slash(s, versionEnd);
  const transportEnd = i < 0 ? -1 : readToken(s, i);
  if (i < 0 || transportEnd === i) return fail('missing transport');
  const transport = s.slice(i, transportEnd).toUpperCase();
  i = skipWs(s, transportEnd);
  if (i === transportEnd) return fail('missing whitespace before sent-by');
  let hostEnd: number;
  if (s[i] === '[') {
    hostEnd = s.indexOf(']', i) + 1;
    if (hostEnd === 0) return fail('unterminated IPv6 reference in sent-by');
  } else {
    hostEnd = i;
    while (hostEnd < s.length && isHostChar(s.charCodeAt(hostEnd))) hostEnd++;
  }
  const host = s.slice(i, hostEnd);
  const type = hostType(host);
  if (type === undefined) return fail(`invalid sent-by host "${host}"`);
  i = skipWs(s, hostEnd);
  let port: number | undefined;
  if (s[i] === ':') {
    // RFC 3261 §25.1: sent-by = host [ COLON port ]; COLON = SWS ":" SWS
    i = skipWs(s, i + 1);
    let end = i;
    while (end < s.length && isDigit(s.charCodeAt(end))) end++;
    port = parsePort(s.slice(i, end));
    if (port === undefined) return fail('invalid sent-by port');
    i = end;
  }
  const p = parseParams(s, i);
  if ('error' in p) return fail(p.error);
  const params = p.params;
  const branch = params.get('branch');
  const received = params.get('received');
  const rportRaw = params.get('rport');
  const ttl = params.get('ttl');
  if (branch === null) return fail('branch without value');
  // RFC 3261 §25.1: via-received = "received" EQUAL (IPv4address / IPv6address)
  if (received !== undefined && (received === null || isIP(received.replace(/^\[(.*)\]$/, '$1')) === 0)) {
    return fail('invalid received parameter');
  }
  // RFC 3261 §25.1: via-ttl = "ttl" EQUAL ttl; ttl = 1*3DIGIT ; 0 to 255
  if (ttl !== undefined && (ttl === null || !isDigits(ttl) || ttl.length > 3 || Number(ttl) > 255)) {
    return fail('invalid ttl parameter');
  }
  let rport: number | null | undefined;
  if (rportRaw === null) {
    rport = null;
  } else if (rportRaw !== undefined) {
    // RFC 3581 §2: response-port = "rport" [EQUAL 1*DIGIT]
    rport = parsePort(rportRaw);
    if (rport === undefined) return fail('invalid rport parameter');
  }
  return {
    ok: true,
    value: {
      protocol,
      version,
      transport,
      host,
      hostType: type,
      port,
      params,
      branch,
      received: received ?? undefined,
      rport,
      raw: s,
    },
  };
}

/** Parse every Via header row (each may hold several comma-separated via-parms), in order. */
export function parseViaList(rows: readonly string[]): Parsed<Via[]> {
  const out: Via[] = [];
  for (const row of rows) {
    for (const element of splitList(row)) {
      if (element.length === 0) return fail('empty Via value');
      const via = parseViaParm(element);
      if (!via.ok) return via;
      out.push(via.value);
    }
  }
  return { ok: true, value: out };
}
