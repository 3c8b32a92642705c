import type { ParseResult } from '../parser.js';
import type { SipFlow } from './flow.js';

/** What every transport hands to the SIP core: one parsed (or refused) message and its flow. */
export interface InboundSink {
  message(result: ParseResult, flow: SipFlow): void;
  /** A connection (TCP, WebSocket) closed: its flows cannot carry anything any more. */
  flowClosed(flow: SipFlow): void;
}
