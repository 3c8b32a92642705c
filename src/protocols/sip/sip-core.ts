/**
 * The SIP core behind every transport: transactions first, then one handler per method. REGISTER
 * goes to the registrar, OPTIONS is answered 200, methods without call control get 405, unknown
 * ones 501 (RFC 3261 §8.2.1). Malformed requests are answered when they can be, else dropped.
 */
import type { Logger } from 'pino';
import type { SipParseError } from './parse-error.js';
import type { SipRequest } from './message.js';
import type { ParseResult } from './parser.js';
import type { Registrar } from './registrar/registrar.js';
import type { RegistrarReply } from './registrar/replies.js';
import { buildResponse } from './serializer.js';
import type { SipCalls } from './calls/sip-calls.js';
import type { ClientTransactionTable } from './transaction/client-transactions.js';
import type { InviteClientTable } from './transaction/invite-client.js';
import type { ServerTransaction, ServerTransactionTable } from './transaction/server-transactions.js';
import type { SipFlow } from './transport/flow.js';
import { formatAddress, responsePort } from './transport/flow.js';
import { newTag } from './random-ids.js';
import type { InboundSink } from './transport/inbound.js';

/** RFC 3261 §8.2.1: methods the UAS knows but does not allow (yet: no call control) get 405 with Allow. */
const KNOWN_METHODS = new Set([
  'INVITE',
  'BYE',
  'SUBSCRIBE',
  'NOTIFY',
  'REFER',
  'MESSAGE',
  'INFO',
  'PRACK',
  'UPDATE',
  'PUBLISH',
]);
const ALLOW = 'REGISTER, OPTIONS';
/** With the call adapter: RFC 3261 §8.2.1 Allow lists what the node answers. */
const ALLOW_CALLS = 'INVITE, ACK, CANCEL, BYE, REFER, REGISTER, OPTIONS';
const CRLF = Buffer.from('\r\n');

export interface SipCoreDeps {
  transactions: ServerTransactionTable;
  clients: ClientTransactionTable;
  registrar: Registrar;
  /** INVITE client transactions (the call adapter's INVITEs): their responses go there first. */
  invites?: InviteClientTable;
  /** The call adapter: INVITE, ACK of a 2xx, CANCEL, BYE. Without it INVITE gets 405. */
  calls?: SipCalls;
  logger: Logger;
  /** Server header value, e.g. `openucm/0.1.0`. */
  serverName: string;
}

export class SipCore implements InboundSink {
  constructor(private readonly deps: SipCoreDeps) {}

  message(result: ParseResult, flow: SipFlow): void {
    let tx: ServerTransaction | undefined;
    try {
      if (!result.ok) {
        this.refused(result.error, flow);
        return;
      }
      const m = result.message;
      if (m.kind === 'response') {
        if (!this.deps.invites?.receive(m)) this.deps.clients.receive(m);
        return;
      }
      // The ACK of a 2xx is a transaction of its own (RFC 3261 §17.1.1.3): no server transaction has it.
      if (m.method === 'ACK' && this.deps.calls && !this.deps.transactions.inviteFor(m)) {
        this.deps.calls.ack(m);
        return;
      }
      tx = this.deps.transactions.receive(m, flow);
      if (tx !== undefined) this.route(m, tx);
    } catch (error) {
      // Bad input must never take the node down: whatever a message does, the next one is served.
      this.deps.logger.error(
        { err: error, address: formatAddress(flow.remoteAddress, flow.remotePort) },
        'SIP message failed inside the node; answered 500 when it was a request',
      );
      if (tx !== undefined) this.respond(tx, { status: 500, reason: 'Server Internal Error', headers: [] });
    }
  }

  flowClosed(flow: SipFlow): void {
    try {
      this.deps.registrar.flowClosed(flow);
    } catch (error) {
      this.deps.logger.error(
        { err: error, address: formatAddress(flow.remoteAddress, flow.remotePort) },
        'unregistering the phones of a closed SIP connection failed inside the node; they expire on their own',
      );
    }
  }

  private route(request: SipRequest, tx: ServerTransaction): void {
    const method = request.method;
    if (method === 'CANCEL') {
      // RFC 3261 §9.2: a CANCEL for an INVITE that already has a final response gets 200; with none known, 481.
      const invite = this.deps.transactions.inviteFor(request);
      this.respond(
        tx,
        invite
          ? { status: 200, reason: 'OK', headers: [] }
          : { status: 481, reason: 'Call/Transaction Does Not Exist', headers: [] },
      );
      // RFC 3261 §9.2: the pending INVITE then gets its 487 (the call adapter's).
      if (invite) this.deps.calls?.cancel(request);
      return;
    }
    // RFC 3261 §8.2.2.1: "If the Request-URI uses a scheme not supported by the UAS, it SHOULD reject the request
    // with a 416 (Unsupported URI Scheme) response."
    if (request.requestUri === undefined) {
      this.respond(tx, { status: 416, reason: 'Unsupported URI Scheme', headers: [] });
      return;
    }
    // RFC 3261 §8.2.2.3: "If a UAS does not understand an option-tag listed in a Require header field, it MUST
    // respond by generating a response with status code 420 (Bad Extension) [and] an Unsupported header field".
    const required = request.headers('require');
    if (required.length > 0) {
      this.respond(tx, {
        status: 420,
        reason: 'Bad Extension',
        headers: [['Unsupported', required.join(', ')]],
      });
      return;
    }
    if (
      (method === 'INVITE' || method === 'BYE' || method === 'REFER') &&
      this.deps.calls?.request(request, tx)
    )
      return;
    const allow = this.deps.calls ? ALLOW_CALLS : ALLOW;
    switch (method) {
      case 'REGISTER':
        this.deps.registrar.handle(request, tx.flow, (reply) => this.respond(tx, reply));
        return;
      case 'OPTIONS':
        // RFC 3261 §11.2: "Allow, Accept, Accept-Encoding, Accept-Language, and Supported header fields SHOULD be present".
        this.respond(tx, {
          status: 200,
          reason: 'OK',
          headers: [
            ['Allow', allow],
            ['Accept', 'application/sdp'],
            ['Accept-Encoding', 'identity'],
            ['Accept-Language', 'en'],
          ],
        });
        return;
      default:
        if (KNOWN_METHODS.has(method)) {
          // RFC 3261 §8.2.1: "the UAS MUST generate a 405 (Method Not Allowed) response ... [and] MUST also add an
          // Allow header field".
          this.respond(tx, { status: 405, reason: 'Method Not Allowed', headers: [['Allow', allow]] });
        } else {
          // RFC 3261 §21.5.2: 501 "is the appropriate response when a UAS does not recognize the request method".
          this.respond(tx, { status: 501, reason: 'Not Implemented', headers: [['Allow', allow]] });
        }
    }
  }

  /**
   * Answers `tx`; never throws (the registrar replies from promise handlers, where a throw would be lost). A
   * transaction that already has its final response ignores a second one; a response that cannot be built
   * is logged and the request is left unanswered (the client's Timer F ends it).
   */
  private respond(tx: ServerTransaction, reply: RegistrarReply): void {
    if (tx.answered) return;
    const flow = tx.flow;
    try {
      const headers: Array<readonly [string, string]> = [...reply.headers, ['Server', this.deps.serverName]];
      const packet = buildResponse(tx.request, reply.status, reply.reason, headers, undefined, {
        source: { address: flow.remoteAddress, port: flow.remotePort },
        toTag: newTag(),
      });
      tx.respond(reply.status, packet);
    } catch (error) {
      this.deps.logger.error(
        { err: error, address: formatAddress(flow.remoteAddress, flow.remotePort), status: reply.status },
        `could not build the SIP ${reply.status} response; the request stays unanswered`,
      );
    }
  }

  /** A message the parser refused: answered statelessly when it is a request with a usable Via. */
  private refused(error: SipParseError, flow: SipFlow): void {
    if (error.code === 'keepalive') {
      // RFC 5626 §3.5.1: a double-CRLF "ping" on a connection is answered with a CRLF "pong".
      if (flow.reliable) flow.send(CRLF);
      return;
    }
    const where = formatAddress(flow.remoteAddress, flow.remotePort);
    this.deps.logger.debug(
      { address: where, transport: flow.transport, code: error.code },
      `refused SIP message: ${error.message}`,
    );
    const request = error.request;
    // RFC 3261 §17.2.1: an ACK is never answered.
    if (!error.canRespond || request === undefined || request.method === 'ACK') return;
    try {
      const packet = buildResponse(
        request,
        error.status,
        error.reason,
        [['Server', this.deps.serverName]],
        undefined,
        {
          source: { address: flow.remoteAddress, port: flow.remotePort },
          toTag: newTag(),
        },
      );
      flow.respond(packet, responsePort(request.via[0]));
    } catch {
      // Not enough of the request to address a response: dropped (RFC 3261 §18.3 drops what it cannot use).
    }
  }
}
