import type { Logger } from 'pino';
import type { SipTransportName } from './flow.js';

/**
 * Sends that did not leave the node: a datagram to a port no socket can send to, a connection
 * that closed meanwhile, a socket that is stopping. Each is logged at debug and counted here; it
 * is never thrown into whoever asked for the send (a response, a retransmission, a NOTIFY), so
 * that what a peer wrote in its Via cannot stop the node.
 */
export class SendFailures {
  private readonly counts: Record<SipTransportName, number> = { UDP: 0, TCP: 0, TLS: 0, WS: 0 };

  constructor(private readonly logger: Logger) {}

  failed(transport: SipTransportName, address: string, reason: unknown): void {
    this.counts[transport]++;
    const why = reason instanceof Error ? reason.message : String(reason);
    this.logger.debug({ transport, address }, `could not send SIP to ${address} over ${transport}: ${why}`);
  }

  /** Failed sends per transport since the node started. */
  totals(): Readonly<Record<SipTransportName, number>> {
    return this.counts;
  }
}
