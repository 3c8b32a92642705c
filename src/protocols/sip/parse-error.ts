/**
 * The closed list of reasons a SIP message is refused by the message layer, each with the
 * status a server answers with (when it can address a response at all).
 */
import type { SipRequest } from './message.js';

export type SipParseErrorCode =
  /** Only CR/LF/whitespace: a keep-alive, not a message (drop it, or answer a CRLF ping). */
  | 'keepalive'
  | 'empty'
  | 'message-too-large'
  | 'too-many-headers'
  | 'too-many-contacts'
  /** The header section does not end with an empty line. */
  | 'incomplete'
  | 'bad-start-line'
  | 'bad-version'
  | 'bad-request-uri'
  | 'bad-status-code'
  /** A header line that is not `name: value` (or a continuation line with nothing to continue). */
  | 'bad-header-line'
  | 'missing-header'
  /** A single-valued header appears more than once (RFC 4475 mcl01, multi01). */
  | 'duplicate-header'
  | 'invalid-header'
  | 'cseq-method-mismatch'
  /** Content-Length is larger than what the datagram holds (RFC 4475 clerr). */
  | 'body-truncated'
  /** A stream message without Content-Length (RFC 3261 §18.3: it MUST be used on streams). */
  | 'missing-content-length'
  /** Stream framer: more bytes buffered than allowed without completing a message. */
  | 'buffer-overflow';

export interface SipParseError {
  readonly code: SipParseErrorCode;
  /** Lower-case full name of the header at fault, when one is. */
  readonly header?: string;
  /** Human-readable detail for logs. */
  readonly message: string;
  /** The status a server should answer with: 400, 505 or 513. */
  readonly status: number;
  /** A short reason phrase for that response, e.g. "Invalid CSeq". */
  readonly reason: string;
  /**
   * The request as far as it was framed, when the start line was a request line and the
   * header section could be split. Accessors on it may throw SipHeaderError.
   */
  readonly request?: SipRequest;
  /**
   * True when a response can be addressed: the message is a request whose Via parsed, so
   * buildResponse(error.request, error.status, error.reason) is possible. Otherwise drop it
   * (RFC 3261 §18.3 says a malformed response is discarded).
   */
  readonly canRespond: boolean;
}

const STATUS: Partial<Record<SipParseErrorCode, number>> = {
  // RFC 3261 §21.5.26: "505 Version Not Supported: The server does not support ... the SIP protocol version"
  'bad-version': 505,
  // RFC 3261 §21.5.14: "513 Message Too Large: ... the message length exceeded its capabilities"
  'message-too-large': 513,
};

const REASON_NAMES: Readonly<Record<string, string>> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  via: 'Via',
  from: 'From',
  to: 'To',
  contact: 'Contact',
  expires: 'Expires',
  'max-forwards': 'Max-Forwards',
  'content-length': 'Content-Length',
};

function defaultReason(code: SipParseErrorCode, header: string | undefined): string {
  const h = header === undefined ? '' : (REASON_NAMES[header] ?? header);
  switch (code) {
    case 'bad-version':
      return 'Version Not Supported';
    case 'message-too-large':
      return 'Message Too Large';
    case 'missing-header':
      return `Missing ${h}`;
    case 'duplicate-header':
      return `Multiple ${h}`;
    case 'invalid-header':
      return `Invalid ${h}`;
    case 'cseq-method-mismatch':
      return 'CSeq Method Mismatch';
    case 'body-truncated':
      return 'Content-Length Exceeds Message';
    case 'bad-request-uri':
      return 'Invalid Request-URI';
    case 'too-many-contacts':
      return 'Too Many Contacts';
    case 'too-many-headers':
      return 'Too Many Headers';
    default:
      return 'Bad Request';
  }
}

/** Build a SipParseError; `request`/`canRespond` are filled in by the parser when known. */
export function parseError(
  code: SipParseErrorCode,
  message: string,
  header?: string,
  request?: SipRequest,
  canRespond = false,
): SipParseError {
  return {
    code,
    header,
    message,
    status: STATUS[code] ?? 400,
    reason: defaultReason(code, header),
    request,
    canRespond,
  };
}
