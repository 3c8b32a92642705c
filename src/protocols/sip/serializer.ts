/**
 * Building messages: responses to a parsed request (the server's hot path) and requests for
 * client use (the phone simulator). Output is a Buffer with Content-Length always set.
 */
import type { NameAddr } from './address.js';
import { isToken, isTokenChar } from './grammar.js';
import { canonicalHeaderName, wireHeaderName } from './header-names.js';
import type { SipRequest } from './message.js';
import { reasonPhrase } from './status-codes.js';
import { newTag } from './random-ids.js';
import type { Via } from './via.js';

/** Headers to add: ordered pairs, or a record whose array values become repeated rows. */
export type HeaderInput =
  | ReadonlyArray<readonly [string, string | number]>
  | Readonly<Record<string, string | number | ReadonlyArray<string | number>>>;

export interface ResponseOptions {
  /** The To tag to add when the request's To has none (default: a random one). */
  readonly toTag?: string;
  /**
   * The packet's source: stamps `received` / `rport` on the top Via (RFC 3261 §18.2.1, RFC 3581 §4),
   * for a transport that did not already do so.
   */
  readonly source?: { readonly address: string; readonly port: number };
}

const CRLF = '\r\n';

function checkLine(what: string, s: string): string {
  if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) throw new RangeError(`${what} must not contain CR or LF`);
  return s;
}

function headerLines(input: HeaderInput | undefined, skip: (name: string) => boolean): string {
  if (input === undefined) return '';
  const pairs: Array<readonly [string, string | number]> = [];
  if (Array.isArray(input)) {
    pairs.push(...(input as ReadonlyArray<readonly [string, string | number]>));
  } else {
    for (const [name, value] of Object.entries(
      input as Record<string, string | number | ReadonlyArray<string | number>>,
    )) {
      if (Array.isArray(value))
        for (const v of value as ReadonlyArray<string | number>) pairs.push([name, v]);
      else pairs.push([name, value as string | number]);
    }
  }
  let out = '';
  for (const [name, value] of pairs) {
    if (!isToken(name)) throw new RangeError(`invalid header name "${name}"`);
    if (skip(canonicalHeaderName(name))) continue;
    out += `${wireHeaderName(name)}: ${checkLine(`header ${name}`, String(value))}${CRLF}`;
  }
  return out;
}

function toBuffer(body: Buffer | string | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

function isParamValueChar(c: number): boolean {
  return isTokenChar(c) || c === 0x5b || c === 0x5d || c === 0x3a;
}

/** Quote a string as a quoted-string (RFC 3261 §25.1), escaping `"` and `\`. */
export function quote(s: string): string {
  return '"' + s.replace(/["\\]/g, (c) => '\\' + c) + '"';
}

/** Format `;name[=value]` parameters, quoting values that are neither token nor host. */
export function formatParams(params: Iterable<readonly [string, string | null]>): string {
  let out = '';
  for (const [name, value] of params) {
    if (!isToken(name)) throw new RangeError(`invalid parameter name "${name}"`);
    if (value === null) {
      out += `;${name}`;
      continue;
    }
    let plain = value.length > 0;
    for (let i = 0; i < value.length && plain; i++) plain = isParamValueChar(value.charCodeAt(i));
    out += `;${name}=${plain ? value : quote(checkLine(`parameter ${name}`, value))}`;
  }
  return out;
}

/** Format a name-addr: optional quoted display name, `<uri>`, then parameters. */
export function formatNameAddr(
  addr: Pick<NameAddr, 'uri'> & {
    readonly displayName?: string;
    readonly params?: Iterable<readonly [string, string | null]>;
  },
): string {
  checkLine('URI', addr.uri);
  const display =
    addr.displayName === undefined ? '' : quote(checkLine('display name', addr.displayName)) + ' ';
  return `${display}<${addr.uri}>${formatParams(addr.params ?? [])}`;
}

/**
 * The top Via with `received` and `rport` filled in from the packet source.
 * RFC 3261 §18.2.1: "If the host portion of the "sent-by" parameter contains a domain name, or if it contains
 * an IP address that differs from the packet source address, the server MUST add a "received" parameter".
 * RFC 3581 §4: with an empty "rport" the server "MUST set the value of the parameter to the source port"
 * and "MUST also add a "received" parameter".
 */
export function stampVia(via: Via, source: { readonly address: string; readonly port: number }): string {
  const host = via.host.replace(/^\[(.*)\]$/, '$1');
  const wantRport = via.rport === null;
  const wantReceived = wantRport || host.toLowerCase() !== source.address.toLowerCase();
  const params: Array<[string, string | null]> = [];
  for (const [name, value] of via.params) {
    if (name === 'received') continue;
    params.push([name, name === 'rport' && wantRport ? String(source.port) : value]);
  }
  if (wantReceived) params.push(['received', source.address]);
  const sentBy = via.port === undefined ? via.host : `${via.host}:${via.port}`;
  return `${via.protocol}/${via.version}/${via.transport} ${sentBy}${formatParams(params)}`;
}

/**
 * Build a response to `request`.
 * RFC 3261 §8.2.6.2: "The From field of the response MUST equal the From header field of the request. The
 * Call-ID header field of the response MUST equal the Call-ID header field of the request. The CSeq header
 * field of the response MUST equal the CSeq field of the request. The Via header field values in the response
 * MUST equal the Via header field values in the request and MUST maintain the same ordering."
 * Works on a partly valid request too (SipParseError.request): absent headers are left out.
 */
export function buildResponse(
  request: SipRequest,
  status: number,
  reason?: string,
  extraHeaders?: HeaderInput,
  body?: Buffer | string,
  options?: ResponseOptions,
): Buffer {
  if (!Number.isInteger(status) || status < 100 || status > 699)
    throw new RangeError(`invalid status ${status}`);
  let out = `SIP/2.0 ${status} ${checkLine('reason', reason ?? reasonPhrase(status))}${CRLF}`;
  const vias = request.headers('via');
  for (let i = 0; i < vias.length; i++) {
    let value = vias[i];
    if (i === 0 && options?.source !== undefined) {
      const parsed = request.tryParsed('via');
      if (parsed !== undefined && parsed.ok) value = stampVia((parsed.value as Via[])[0], options.source);
    }
    out += `Via: ${value}${CRLF}`;
  }
  const from = request.header('from');
  if (from !== undefined) out += `From: ${from}${CRLF}`;
  let to = request.header('to');
  if (to !== undefined) {
    const parsed = request.tryParsed('to');
    // RFC 3261 §8.2.6.2: "if the To header field in the request did not contain a tag, ... the UAS MUST add a
    // tag to the To header field in the response (with the exception of the 100 (Trying) response ...)"
    if (status > 100 && parsed !== undefined && parsed.ok && (parsed.value as NameAddr).tag === undefined) {
      to += `;tag=${checkLine('To tag', options?.toTag ?? newTag())}`;
    }
    out += `To: ${to}${CRLF}`;
  }
  const callId = request.header('call-id');
  if (callId !== undefined) out += `Call-ID: ${callId}${CRLF}`;
  const cseq = request.header('cseq');
  if (cseq !== undefined) out += `CSeq: ${cseq}${CRLF}`;
  // RFC 3261 §8.2.6.1: "any Timestamp header field present in the request MUST be copied into this 100 (Trying) response"
  const timestamp = status === 100 ? request.header('timestamp') : undefined;
  if (timestamp !== undefined) out += `Timestamp: ${timestamp}${CRLF}`;
  out += headerLines(extraHeaders, (name) => name === 'content-length');
  const payload = toBuffer(body);
  out += `Content-Length: ${payload.length}${CRLF}${CRLF}`;
  return payload.length === 0 ? Buffer.from(out, 'utf8') : Buffer.concat([Buffer.from(out, 'utf8'), payload]);
}

/** A request to send (client side). */
export interface OutgoingRequest {
  readonly method: string;
  readonly uri: string;
  /** All headers but Content-Length, which is computed. */
  readonly headers: HeaderInput;
  readonly body?: Buffer | string;
}

/** Serialize a request; Content-Length is always written from the body. */
export function serializeRequest(request: OutgoingRequest): Buffer {
  if (!isToken(request.method)) throw new RangeError(`invalid method "${request.method}"`);
  if (request.uri.length === 0 || /[\s]/.test(request.uri))
    throw new RangeError(`invalid Request-URI "${request.uri}"`);
  let out = `${request.method} ${request.uri} SIP/2.0${CRLF}`;
  out += headerLines(request.headers, (name) => name === 'content-length');
  const payload = toBuffer(request.body);
  out += `Content-Length: ${payload.length}${CRLF}${CRLF}`;
  return payload.length === 0 ? Buffer.from(out, 'utf8') : Buffer.concat([Buffer.from(out, 'utf8'), payload]);
}
