import type { Logger } from 'pino';
import type { LimitReporter } from '../../../services/limit-log.js';
import type { SipLimits } from '../parser.js';
import type { ConnectionLimits } from './connection-limits.js';
import type { InboundSink } from './inbound.js';
import type { SendFailures } from './send-failures.js';

/** What every connection-oriented SIP transport (TCP, WebSocket) is built with. */
export interface ConnectionOptions {
  sink: InboundSink;
  logger: Logger;
  failures: SendFailures;
  /** Caps on connections in all and per source address, shared by TCP and WebSocket. */
  connections: ConnectionLimits;
  reporter: LimitReporter;
  limits?: Partial<SipLimits>;
  /** A connection silent for this long after its first message is closed (ms): longer than the longest registration. */
  idleTimeoutMs: number;
  /** A new connection has this long to send its first complete message (ms); on TCP, each message too. */
  firstMessageTimeoutMs: number;
  /** Bytes waiting to be sent to a peer that does not read before the connection is closed. */
  maxQueuedBytes: number;
  nextConnectionId(): number;
}
