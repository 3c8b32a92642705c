/** The SIP message layer: parsing, framing, building, digest. No sockets here. */
export { type ContactValue, type NameAddr, parseContactList, parseNameAddr } from './address.js';
export {
  DIGEST_ALGORITHMS,
  type DigestAlgorithm,
  type DigestChallenge,
  type DigestCredentials,
  type DigestResponseInput,
  type DigestResult,
  computeDigestResponse,
  computeHa1,
  formatDigestChallenge,
  formatDigestCredentials,
  formatNc,
  parseDigestChallenge,
  parseDigestCredentials,
  verifyDigestCredentials,
} from './digest.js';
export { type SipParseError, type SipParseErrorCode } from './parse-error.js';
export { SipHeaderError } from './header-error.js';
export type { HostType, Params, Parsed } from './grammar.js';
export { canonicalHeaderName, isListHeader, wireHeaderName } from './header-names.js';
export type { CSeq } from './header-values.js';
export { type HeaderField, type SipMessage, SipRequest, SipResponse } from './message.js';
export {
  DEFAULT_LIMITS,
  type ParseOptions,
  type ParseResult,
  type SipLimits,
  parseMessage,
} from './parser.js';
export {
  type HeaderInput,
  type OutgoingRequest,
  type ResponseOptions,
  buildResponse,
  formatNameAddr,
  formatParams,
  quote,
  serializeRequest,
  stampVia,
} from './serializer.js';
export { REASON_PHRASES, reasonPhrase } from './status-codes.js';
export { type FramerEvent, type FramerOptions, SipStreamFramer } from './stream-framer.js';
export {
  type SipUri,
  type SipUriParts,
  type UriResult,
  formatSipUri,
  isAbsoluteUri,
  parseSipUri,
  unescapePercent,
} from './uri.js';
export { type Via, parseViaList, parseViaParm } from './via.js';
