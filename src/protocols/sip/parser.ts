/**
 * parseMessage: datagram (UDP, WebSocket) parsing with typed errors. Never throws, runs in
 * time linear in the input, and bounds size, header rows and Contact values.
 */
import { isAscii } from 'node:buffer';
import { type SipParseError, type SipParseErrorCode, parseError } from './parse-error.js';
import { isDigits, isToken } from './grammar.js';
import type { CSeq } from './header-values.js';
import { parseContentLength } from './header-values.js';
import { type MessageInit, STRUCTURED_HEADERS, type SipMessage, SipRequest, SipResponse } from './message.js';
import { type ScannedHead, scanHead } from './scan.js';
import { type SipUri, isAbsoluteUri, parseSipUri } from './uri.js';

export interface SipLimits {
  /** Largest message accepted, in bytes (default 65536). */
  readonly maxMessageSize: number;
  /** Most header rows accepted (default 256). */
  readonly maxHeaders: number;
  /** Most Contact values accepted (default 64). */
  readonly maxContacts: number;
}

export const DEFAULT_LIMITS: SipLimits = { maxMessageSize: 65536, maxHeaders: 256, maxContacts: 64 };

export interface ParseOptions extends Partial<SipLimits> {
  /** Extra structured headers (lower-case names, e.g. "contact") to validate before returning. */
  readonly validate?: readonly string[];
}

export type ParseResult =
  { readonly ok: true; readonly message: SipMessage } | { readonly ok: false; readonly error: SipParseError };

/** Headers that may appear once only; RFC 4475 multi01 and mcl01 (§3.3). */
const SINGLE_VALUED = [
  'call-id',
  'cseq',
  'from',
  'to',
  'max-forwards',
  'content-length',
  'expires',
  'content-type',
];

function failure(error: SipParseError): ParseResult {
  return { ok: false, error };
}

type StartLine =
  | { kind: 'request'; method: string; uri: string; parsedUri?: SipUri }
  | { kind: 'response'; status: number; reason: string }
  | { kind: 'error'; code: SipParseErrorCode; message: string };

const SIP_VERSION = /^SIP\/[0-9]+\.[0-9]+$/i;

/** RFC 3261 §7.1: "The SIP-Version string is case-insensitive, but implementations MUST send upper-case." */
function checkVersion(v: string): { code: SipParseErrorCode; message: string } | undefined {
  if (v.toUpperCase() === 'SIP/2.0') return undefined;
  return SIP_VERSION.test(v)
    ? { code: 'bad-version', message: `unsupported version ${v}` }
    : { code: 'bad-start-line', message: `invalid SIP-Version "${v}"` };
}

function parseStartLine(line: string): StartLine {
  if (/^SIP\/[0-9]/i.test(line)) {
    // RFC 3261 §7.2: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
    const sp = line.indexOf(' ');
    const v = checkVersion(sp < 0 ? line : line.slice(0, sp));
    if (v !== undefined) return { kind: 'error', ...v };
    const sp2 = line.indexOf(' ', sp + 1);
    const code = line.slice(sp + 1, sp2 < 0 ? line.length : sp2);
    // RFC 3261 §7.2: "The Status-Code is a 3-digit integer result code"; classes run 1xx to 6xx.
    if (sp < 0 || code.length !== 3 || !isDigits(code) || code < '100' || code > '699') {
      return {
        kind: 'error',
        code: 'bad-status-code',
        message: `invalid status code "${code.slice(0, 20)}"`,
      };
    }
    return { kind: 'response', status: Number(code), reason: sp2 < 0 ? '' : line.slice(sp2 + 1) };
  }
  // RFC 3261 §7.1: "The Request-Line ... elements are separated by single space (SP) characters. ...
  // No linear whitespace (LWS) is allowed in any of the elements."
  const parts = line.split(' ');
  if (parts.length !== 3 || line.includes('\t')) {
    return {
      kind: 'error',
      code: 'bad-start-line',
      message: 'request line is not "Method SP Request-URI SP SIP-Version"',
    };
  }
  const [method, uri, version] = parts;
  if (!isToken(method)) return { kind: 'error', code: 'bad-start-line', message: 'method is not a token' };
  const v = checkVersion(version);
  if (v !== undefined) return { kind: 'error', ...v };
  const scheme = uri.slice(0, uri.indexOf(':')).toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') {
    const r = parseSipUri(uri);
    if (!r.ok) return { kind: 'error', code: 'bad-request-uri', message: r.error };
    // RFC 3261 §19.1.1 (table 1): headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11, escruri).
    if (r.uri.headers.length > 0)
      return { kind: 'error', code: 'bad-request-uri', message: 'headers in Request-URI' };
    return { kind: 'request', method, uri, parsedUri: r.uri };
  } else if (!isAbsoluteUri(uri)) {
    return { kind: 'error', code: 'bad-request-uri', message: 'Request-URI is not a URI' };
  }
  return { kind: 'request', method, uri };
}

/**
 * Turn a scanned head into a message and validate it. `bodyEnd` is where the body ends when
 * known (stream framing); otherwise Content-Length (or the end of the buffer) decides.
 * @internal shared with the stream framer.
 */
export function finishMessage(
  buf: Buffer,
  head: ScannedHead,
  transport: 'datagram' | 'stream',
  options: ParseOptions | undefined,
  text?: string,
): ParseResult {
  const start = parseStartLine(
    text !== undefined
      ? text.slice(head.start, head.startLineEnd)
      : buf.toString('utf8', head.start, head.startLineEnd),
  );
  if (start.kind === 'error') return failure(parseError(start.code, start.message));
  const clRows = head.index.get('content-length');
  let bodyEnd = buf.length;
  let clError: SipParseError | undefined;
  if (clRows !== undefined && clRows.length === 1) {
    const f = head.fields[clRows[0]];
    const cl = parseContentLength(buf.toString('latin1', f.start, f.end));
    if (!cl.ok) {
      clError = parseError('invalid-header', `invalid Content-Length: ${cl.error}`, 'content-length');
    } else if (head.bodyStart + cl.value > buf.length) {
      // RFC 3261 §18.3: "If the transport packet ends before the end of the message body, this is considered an error."
      clError = parseError(
        'body-truncated',
        `Content-Length ${cl.value} exceeds the ${buf.length - head.bodyStart} octets present`,
      );
    } else {
      // RFC 3261 §18.3: "Any additional bytes in the transport packet beyond the end of the body MUST be discarded."
      bodyEnd = head.bodyStart + cl.value;
    }
  } else if (clRows === undefined && transport === 'stream') {
    // RFC 3261 §18.3: "The Content-Length header field MUST be used with stream oriented transports."
    clError = parseError(
      'missing-content-length',
      'Content-Length is required on stream transports',
      'content-length',
    );
  }
  const init: MessageInit = {
    src: buf,
    fields: head.fields,
    index: head.index,
    start: head.start,
    bodyStart: head.bodyStart,
    bodyEnd,
    text,
  };
  const message =
    start.kind === 'request'
      ? new SipRequest(init, start.method, start.uri, start.parsedUri)
      : new SipResponse(init, start.status, start.reason);
  const request = message.kind === 'request' ? message : undefined;
  const via = message.tryParsed('via');
  const canRespond =
    request !== undefined && via !== undefined && via.ok && (via.value as unknown[]).length > 0;
  const fail = (code: SipParseErrorCode, text: string, header?: string): ParseResult =>
    failure(parseError(code, text, header, request, canRespond));
  if (clError !== undefined) return failure({ ...clError, request, canRespond });
  return validate(message, options, fail);
}

type Fail = (code: SipParseErrorCode, text: string, header?: string) => ParseResult;

const REGISTER_CHECKS = ['max-forwards', 'contact', 'expires'];
const OTHER_CHECKS = ['max-forwards'];

function validate(message: SipMessage, options: ParseOptions | undefined, fail: Fail): ParseResult {
  const maxContacts = options?.maxContacts ?? DEFAULT_LIMITS.maxContacts;
  for (const name of SINGLE_VALUED) {
    if (message.rowCount(name) > 1) return fail('duplicate-header', `more than one ${name} header`, name);
  }
  // RFC 3261 §8.1.1: "A valid SIP request ... MUST, at a minimum, contain ... To, From, CSeq, Call-ID,
  // Max-Forwards, and Via"; Max-Forwards is checked only when present (RFC 2543 peers omit it).
  for (const name of ['via', 'cseq', 'call-id', 'from', 'to']) {
    const r = message.tryParsed(name);
    if (r === undefined) return fail('missing-header', `missing ${name} header`, name);
    if (!r.ok) return fail('invalid-header', `invalid ${name} header: ${r.error}`, name);
  }
  const cseq = (message.tryParsed('cseq') as { value: CSeq }).value;
  // RFC 3261 §8.1.1.5: "The method MUST match that of the request." (RFC 4475 §3.1.2.17-18, mismatch01/02)
  if (message.kind === 'request' && cseq.method !== message.method) {
    return fail('cseq-method-mismatch', `CSeq method ${cseq.method} differs from ${message.method}`, 'cseq');
  }
  if (message.listLength('contact') > maxContacts) {
    return fail('too-many-contacts', `more than ${maxContacts} Contact values`, 'contact');
  }
  const extra = cseq.method === 'REGISTER' ? REGISTER_CHECKS : OTHER_CHECKS;
  const requested = options?.validate;
  for (const name of requested === undefined ? extra : [...extra, ...requested]) {
    if (!STRUCTURED_HEADERS.includes(name)) continue;
    const r = message.tryParsed(name);
    if (r !== undefined && !r.ok) return fail('invalid-header', `invalid ${name} header: ${r.error}`, name);
  }
  return { ok: true, message };
}

/**
 * A message over the size limit. When its head fits within the limit and is a request with a
 * good Via, the error carries that request (without body) so a 513 can be sent.
 * RFC 3261 §21.5.14: "513 Message Too Large: The server was unable to process the request since the message
 * length exceeded its capabilities."
 */
function tooLarge(buf: Buffer, maxSize: number, maxHeaders: number): ParseResult {
  const text = `${buf.length} octets exceed ${maxSize}`;
  const head = scanHead(buf.subarray(0, maxSize), maxHeaders);
  if (head.kind !== 'head') return failure(parseError('message-too-large', text));
  const start = parseStartLine(buf.toString('utf8', head.start, head.startLineEnd));
  if (start.kind !== 'request') return failure(parseError('message-too-large', text));
  const init: MessageInit = {
    src: buf.subarray(0, head.bodyStart),
    fields: head.fields,
    index: head.index,
    start: head.start,
    bodyStart: head.bodyStart,
    bodyEnd: head.bodyStart,
  };
  const request = new SipRequest(init, start.method, start.uri);
  const via = request.tryParsed('via');
  const canRespond = via !== undefined && via.ok && (via.value as unknown[]).length > 0;
  return failure(parseError('message-too-large', text, undefined, request, canRespond));
}

/**
 * Parse one datagram (UDP, or one WebSocket message). Content-Length may be absent (the body is
 * the rest of the datagram); octets beyond Content-Length are ignored.
 * RFC 3261 §18.3: "If the message has no Content-Length header field, the message body is assumed to end
 * at the end of the transport packet."
 */
export function parseMessage(buf: Buffer, options?: ParseOptions): ParseResult {
  const maxSize = options?.maxMessageSize ?? DEFAULT_LIMITS.maxMessageSize;
  if (buf.length === 0) return failure(parseError('empty', 'empty datagram'));
  const maxHeaders = options?.maxHeaders ?? DEFAULT_LIMITS.maxHeaders;
  if (buf.length > maxSize) return tooLarge(buf, maxSize, maxHeaders);
  // Typical messages are ASCII: decode them once and slice, instead of decoding each header on its own.
  const text = isAscii(buf) ? buf.toString('latin1') : undefined;
  const head = scanHead(buf, maxHeaders, text);
  switch (head.kind) {
    case 'keepalive':
      return failure(parseError('keepalive', 'keep-alive (only CR/LF/whitespace)'));
    case 'incomplete':
      return failure(parseError('incomplete', 'the header section does not end with an empty line'));
    case 'error':
      return failure(head.error);
    case 'head':
      return finishMessage(buf, head, 'datagram', options, text);
  }
}
