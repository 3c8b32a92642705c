/**
 * One call leg on a SIP phone: renders the call model's LegCommands as SIP (docs/calls.md, "SIP
 * adapter", second table) and turns what the phone sends in its dialog into LegEvents (first
 * table). `uas`: the phone called us (its INVITE); `uac`: we call the phone (delayed offer).
 */
import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { LegCommand } from '../../../core/call/call-command.js';
import type { Redirect } from '../../../core/call/call.js';
import type { Party } from '../../../core/call/call.js';
import type { Codec } from '../../../core/call/codec.js';
import type { MediaDirection } from '../../../core/call/media.js';
import type { SrtpDescription, SrtpKey } from '../../../core/call/srtp.js';
import type { Q850Cause } from '../../../core/call/q850.js';
import { CAUSES, Q850, causeOfSipStatus, sipStatusOfCause } from '../../../core/call/q850.js';
import type { LegEvent, LegHandle, LegSink } from '../../../services/calls/call-ports.js';
import type { SipRequest, SipResponse } from '../message.js';
import { reasonPhrase } from '../status-codes.js';
import type { ClientTransactionTable } from '../transaction/client-transactions.js';
import type { InviteClientTable } from '../transaction/invite-client.js';
import type { ServerTransaction } from '../transaction/server-transactions.js';
import type { SipTimers, TimerHost } from '../transaction/timers.js';
import type { SipFlow } from '../transport/flow.js';
import { responsePort } from '../transport/flow.js';
import { warningHeader } from '../registrar/replies.js';
import type { Dialog, DialogEvent } from './dialog.js';
import { diversionHeaders, movedToNumber } from './diversion.js';
import { transition } from './dialog.js';
import type { LocalEndpoint } from './messages.js';
import {
  ALLOW_IN_DIALOG,
  contactOf,
  dialogRequest,
  dialogResponse,
  identityHeaders,
  newBranch,
  partyAddress,
} from './messages.js';
import type { SdpResult } from './sdp.js';
import { parseSdp, renderSdp } from './sdp.js';

/**
 * Where the leg is: `offered` the phone's INVITE awaits its final response; `answering` the call
 * connected and the next start-media sends the 200; `unacked` the 200 went, its ACK is awaited;
 * `inviting` our INVITE awaits its final response; `cancelling` we CANCELled it; `acking` the
 * phone's 200 carried its offer and the next start-media sends our answer in the ACK.
 */
export type SipLegState =
  'offered' | 'answering' | 'unacked' | 'inviting' | 'cancelling' | 'acking' | 'confirmed' | 'ended';

export interface LegContext {
  service: { send(handle: LegHandle, event: LegEvent): void };
  invites: InviteClientTable;
  clients: ClientTransactionTable;
  timers: SipTimers;
  host: TimerHost;
  userAgent: string;
  warnAgent: string;
  logger: Logger;
  /** The leg is over: the adapter forgets it. */
  ended(leg: SipLeg): void;
  /** A REFER in this leg's dialog (refer.ts): the node transfers; it never passes the REFER on. */
  refer?(leg: SipLeg, request: SipRequest, tx: ServerTransaction): void;
}

/**
 * What a leg on the intra-cluster trunk adds to a phone's (sip-trunk.ts): its INVITE is signed and
 * names the call, its 200 names the device that answered, and its failures carry the Q.850 cause
 * (RFC 3326 Reason) so that the other node records the cause this one saw, not one mapped twice.
 */
export interface TrunkHooks {
  /** Headers of our INVITE (uac), made for its dialog (Call-ID, CSeq, From tag). */
  inviteHeaders(dialog: Dialog): Array<[string, string]>;
  /** Headers of our 200 to the other node's INVITE (uas). */
  answerHeaders(): Array<[string, string]>;
  /** The other node's 2xx to our INVITE (uac). */
  answered(response: SipResponse): void;
}

interface Target {
  address: string;
  port: number;
  /** The key the phone decrypts with (an encrypted call). */
  srtp?: SrtpKey;
  codec: Codec;
  packetMs: number;
}

export class SipLeg implements LegSink {
  state: SipLegState;
  handle: LegHandle | null = null;
  /** Call-ID and From tag of the phone's INVITE (uas), where the adapter finds it for a CANCEL. */
  offerKey: string | null = null;
  private dialog: Dialog;
  /** The phone's INVITE (uas) until its ACK; its server transaction until the final response. */
  private invite: SipRequest | null = null;
  private inviteTx: ServerTransaction | null = null;
  private ok: { packet: Buffer; interval: number; timer: unknown; giveUp: unknown } | null = null;
  /** A re-INVITE from the phone awaiting the model's answer. */
  private reinvite: { request: SipRequest; tx: ServerTransaction } | null = null;
  private ourReinvite = false;
  /** The pending re-INVITE resumed the call: its answer waits for the model's start-media. */
  private resumed = false;
  /** The media changed while an offer could not go (ours pending, our 200 unacknowledged): offer it then. */
  private reofferDue = false;
  /** Our INVITE (uac): its branch and the dialog it was sent in, for CANCEL. */
  private sent: { branch: string; dialog: Dialog } | null = null;
  /** A provisional response came to our INVITE: a CANCEL may go (RFC 3261 §9.1). */
  private provisionalSeen = false;
  /** The CANCEL waiting for that provisional response, with its Reason. */
  private cancelWaiting: string | null = null;
  private ackPacket: Buffer | null = null;
  private readonly sessionId = randomInt(1, 2 ** 31);
  private sdpVersion = 0;
  private target: Target | null = null;
  private sending = false;
  /** The phone hears the node's music on hold: our SDP is the music address, sendonly. */
  private music = false;
  private telephoneEvent: number | null = null;
  /** The phone's crypto lines in its latest SDP: an answer keeps their tags (RFC 4568 §5.1). */
  private phoneSrtp: SrtpDescription | undefined;
  private remoteParty: Party | null = null;
  /** A REFER's implicit subscription is open (RFC 3515 §2.4.4); `outcome` is its final sipfrag status once known. */
  private referral: { outcome: number | null } | null = null;
  /** Set when the leg is on the intra-cluster trunk, not on a phone. */
  trunk: TrunkHooks | null = null;

  constructor(
    private readonly ctx: LegContext,
    readonly role: 'uas' | 'uac',
    readonly deviceName: string,
    readonly flow: SipFlow,
    readonly local: LocalEndpoint,
    dialog: Dialog,
  ) {
    this.dialog = dialog;
    this.state = role === 'uas' ? 'offered' : 'inviting';
  }

  /** The phone's tag in the dialog (null before a response to our INVITE). */
  get remoteTag(): string | null {
    return this.dialog.remoteTag;
  }

  /** Key of the dialog in the adapter: Call-ID and our tag (the To tag of the phone's requests). */
  get key(): string {
    return dialogKey(this.dialog.callId, this.dialog.localTag);
  }

  /** The phone's INVITE arrived (uas): kept for its responses, answered 100 at once. */
  offered(request: SipRequest, tx: ServerTransaction, sdp: SdpResult | null): void {
    this.invite = request;
    this.inviteTx = tx;
    if (sdp?.ok) {
      this.telephoneEvent = sdp.sdp.telephoneEvent;
      this.phoneSrtp = sdp.sdp.media.srtp;
    }
    tx.respond(100, dialogResponse(request, tx.flow, this.dialog.localTag, 100, 'Trying'));
  }

  send(command: LegCommand): void {
    switch (command.kind) {
      case 'call-state':
        if (command.remote) this.remoteParty = command.remote;
        if (this.reinvite && command.state === 'connected') this.resumed = true;
        if (this.role !== 'uas' || this.state !== 'offered') return;
        if (command.state === 'alerting') this.provisional(180);
        else if (command.state === 'connected') this.state = 'answering';
        return;
      case 'ring':
        this.ring(command.caller, command.redirects);
        return;
      case 'start-media':
        this.target = { ...command.to, codec: command.codec, packetMs: command.packetMs };
        this.sending = true;
        this.music = false;
        this.describe('sendrecv');
        return;
      case 'stop-media':
        this.sending = false;
        this.music = false;
        this.describe('inactive');
        return;
      case 'hear-music':
        // Held by the other phone: the node's music address, a=sendonly (the node sends, the phone listens).
        this.target = { ...command.from, codec: command.codec, packetMs: command.packetMs };
        this.sending = false;
        this.music = true;
        this.describe('sendonly');
        return;
      case 'stop-ringing':
        // The answering device gets stop-ringing too, after its 200 (then it is no longer inviting).
        if (this.state === 'inviting') this.cancel('SIP;cause=200;text="Call completed elsewhere"');
        return;
      case 'reject':
        this.clear(command.cause, command.reason);
        if (this.handle) this.ctx.service.send(this.handle, { kind: 'hang-up' });
        return;
      case 'clear':
        this.clear(command.cause, command.reason);
        return;
      default:
        // Tones, prompts, in-use-remotely, open-receive-channel: a SIP phone plays its own from the responses.
        return;
    }
  }

  /** The phone CANCELled its INVITE (the CANCEL itself was answered 200): 487, and the caller hung up. */
  cancelled(): void {
    if (this.state !== 'offered' && this.state !== 'answering') return;
    this.final(487);
    this.hangUp();
  }

  /** The phone retransmitted its INVITE after our 200 went: the 200 again. */
  inviteAgain(tx: ServerTransaction): void {
    if (this.ok) tx.respond(200, this.ok.packet);
    else if (this.state === 'ended')
      tx.respond(481, dialogResponse(tx.request, tx.flow, '', 481, reasonPhrase(481)));
  }

  /** A request of the phone in this dialog other than ACK. */
  request(request: SipRequest, tx: ServerTransaction): void {
    const verdict = this.step({
      kind: 'request-received',
      cseq: request.cseq.seq,
      remoteTarget: request.method === 'INVITE' ? contactUri(request) : undefined,
    });
    if (verdict === 'out-of-order') {
      this.respond(request, tx, 500, [['Retry-After', '1']]);
      return;
    }
    if (request.method === 'BYE') {
      this.respond(request, tx, 200);
      this.hangUp();
      return;
    }
    if (request.method === 'INVITE') {
      this.reinvited(request, tx);
      return;
    }
    if (request.method === 'REFER' && this.ctx.refer) {
      this.ctx.refer(this, request, tx);
      return;
    }
    this.respond(request, tx, request.method === 'OPTIONS' ? 200 : 405, [['Allow', ALLOW_IN_DIALOG]]);
  }

  /** Answers a request of the phone in this dialog (a REFER: 202 or its refusal). */
  reply(
    request: SipRequest,
    tx: ServerTransaction,
    status: number,
    headers: Array<[string, string]> = [],
  ): void {
    this.respond(request, tx, status, headers);
  }

  /** A REFER is pending on this dialog: one at a time (refer.ts refuses a second). */
  get referring(): boolean {
    return this.referral !== null;
  }

  /** The REFER was accepted (202): its subscription starts with `SIP/2.0 100 Trying` (RFC 3515 §2.4.5). */
  referAccepted(): void {
    this.referral = { outcome: null };
    this.notifyReferral(100, false);
  }

  /** The transfer is being done: when this dialog ends, the last NOTIFY says `status` before the BYE. */
  referOutcome(status: number): void {
    if (this.referral) this.referral.outcome = status;
  }

  /** The REFER's outcome: the last NOTIFY, ending the subscription. */
  referDone(status: number): void {
    if (!this.referral) return;
    this.referral = null;
    this.notifyReferral(status, true);
  }

  private notifyReferral(status: number, terminated: boolean): void {
    if (this.dialog.state === 'terminated' || this.state === 'ended') return;
    this.step({ kind: 'request-sent' });
    const branch = newBranch();
    const packet = dialogRequest(this.dialog, 'NOTIFY', this.local, {
      branch,
      userAgent: this.ctx.userAgent,
      headers: [
        ['Event', 'refer'],
        ['Subscription-State', terminated ? 'terminated;reason=noresource' : 'active;expires=60'],
        ['Contact', contactOf(this.local)],
      ],
      body: `SIP/2.0 ${status} ${reasonPhrase(status)}\r\n`,
      contentType: 'message/sipfrag;version=2.0',
    });
    void this.ctx.clients.send(branch, packet, this.flow);
  }

  /** The ACK of our 200 (uas), with the phone's answer when our 200 carried an offer. */
  acked(request: SipRequest): void {
    if (this.ok) {
      this.ctx.host.clearTimeout(this.ok.timer);
      this.ctx.host.clearTimeout(this.ok.giveUp);
      this.ok = null;
      this.invite = null;
    }
    if (this.state === 'unacked') this.state = 'confirmed';
    this.reofferIfDue();
    if (request.body.length === 0 || !this.handle) return;
    const sdp = parseSdp(request.body.toString('utf8'));
    if (sdp.ok) this.ctx.service.send(this.handle, { kind: 'media', media: sdp.sdp.media, offer: false });
    else
      this.ctx.logger.warn(
        { device: this.deviceName },
        `${this.deviceName} sent an ACK with SDP the node cannot use (${sdp.reason}); media may not flow`,
      );
  }

  // ——— uas: responses to the phone's INVITE ———

  private provisional(status: number): void {
    if (!this.invite || !this.inviteTx || this.inviteTx.answered) return;
    const headers = this.remoteParty ? identityHeaders(this.remoteParty, 'called', this.local) : [];
    headers.push(['Contact', contactOf(this.local)]);
    this.inviteTx.respond(
      status,
      dialogResponse(
        this.invite,
        this.inviteTx.flow,
        this.dialog.localTag,
        status,
        reasonPhrase(status),
        headers,
      ),
    );
  }

  /** A final non-2xx response to the phone's INVITE; 488 carries Warning 305 (RFC 3261 §20.43). */
  private final(status: number, cause?: Q850Cause, reason?: string): void {
    const tx = this.inviteTx;
    if (!this.invite || !tx || tx.answered) return;
    const headers: Array<[string, string]> = [];
    const why = reason === undefined ? '' : `: ${reason.replace(/["\\]/g, "'")}`;
    if (status === 488)
      headers.push(['Warning', `305 ${this.ctx.warnAgent} "Incompatible media format${why}"`]);
    else if (reason !== undefined) headers.push(['Warning', `399 ${this.ctx.warnAgent} "${why.slice(2)}"`]);
    // The other node records this cause as it is (RFC 3326 Reason); a phone reads only the status.
    if (this.trunk && cause !== undefined) headers.push(['Reason', q850Reason(cause)]);
    tx.respond(
      status,
      dialogResponse(this.invite, tx.flow, this.dialog.localTag, status, reasonPhrase(status), headers),
    );
    this.inviteTx = null;
  }

  /** The 200 with our SDP, resent until the ACK (RFC 3261 §13.3.1.4: T1 doubling up to T2, for 64*T1). */
  private accept(body: string): void {
    const tx = this.inviteTx;
    const invite = this.invite;
    if (!invite || !tx || tx.answered) return;
    const headers = this.remoteParty ? identityHeaders(this.remoteParty, 'called', this.local) : [];
    headers.push(['Contact', contactOf(this.local)], ['Allow', ALLOW_IN_DIALOG]);
    if (this.trunk) headers.push(...this.trunk.answerHeaders());
    const packet = dialogResponse(invite, tx.flow, this.dialog.localTag, 200, 'OK', headers, body);
    tx.respond(200, packet);
    this.inviteTx = null;
    this.step({ kind: 'confirmed' });
    this.state = 'unacked';
    const { host, timers } = this.ctx;
    const flow = tx.flow;
    const port = responsePort(invite.via[0]);
    const ok = { packet, interval: timers.t1, timer: undefined as unknown, giveUp: undefined as unknown };
    this.ok = ok;
    if (!flow.reliable) {
      const fire = () => {
        if (this.ok !== ok) return;
        flow.respond(packet, port);
        ok.interval = Math.min(ok.interval * 2, timers.t2);
        ok.timer = host.setTimeout(fire, ok.interval);
      };
      ok.timer = host.setTimeout(fire, ok.interval);
    }
    ok.giveUp = host.setTimeout(() => {
      if (this.ok !== ok) return;
      // RFC 3261 §13.3.1.4: no ACK within 64*T1 — "the UAS SHOULD ... terminate the dialog" with a BYE.
      this.ctx.logger.warn(
        { device: this.deviceName },
        `${this.deviceName} never acknowledged the 200 OK of its call; the call is ended (check that the phone can reach the node's SIP port)`,
      );
      this.ok = null;
      this.guarded('ending the unacknowledged call', () => this.bye(Q850.recoveryOnTimerExpiry));
      this.hangUp();
    }, 64 * timers.t1);
  }

  // ——— uac: our INVITE to the phone ———

  private ring(caller: Party, redirects: readonly Redirect[] | undefined): void {
    if (this.role !== 'uac' || this.sent) return;
    const branch = newBranch();
    // Our From is the caller: known only now. Set before the dialog's first request, never after.
    const dialog = { ...this.dialog, localUri: partyAddress(caller, this.local) };
    this.dialog = dialog;
    this.sent = { branch, dialog };
    const packet = dialogRequest(dialog, 'INVITE', this.local, {
      branch,
      userAgent: this.ctx.userAgent,
      headers: [
        ...identityHeaders(caller, 'calling', this.local),
        ...diversionHeaders(redirects, this.local),
        ...(this.trunk?.inviteHeaders(dialog) ?? []),
      ],
    });
    const ackOf = (response: SipResponse) =>
      dialogRequest({ ...dialog, remoteTag: response.to.tag ?? null }, 'ACK', this.local, {
        branch,
        userAgent: this.ctx.userAgent,
      });
    this.ctx.invites.send(branch, packet, this.flow, ackOf, {
      provisional: (response) => {
        if (response.to.tag !== undefined) this.step({ kind: 'early', remoteTag: response.to.tag });
        this.provisionalSeen = true;
        if (this.state === 'cancelling' && this.cancelWaiting !== null) this.sendCancel(this.cancelWaiting);
      },
      final: (response) => this.answered(response),
      failed: (why) => {
        if (this.state !== 'inviting') return this.end();
        this.unreachable(why === 'timeout' ? Q850.recoveryOnTimerExpiry : Q850.destinationOutOfOrder);
      },
    });
  }

  /** The phone's final response to our INVITE (each 2xx retransmission too). */
  private answered(response: SipResponse): void {
    const status = response.status;
    if (status >= 300) {
      if (this.state !== 'inviting') return this.end();
      const movedTo = status < 400 ? movedToNumber(contactUri(response)) : null;
      if (status === 486 || status === 600) {
        this.end();
        if (this.handle) this.ctx.service.send(this.handle, { kind: 'busy' });
      } else if (movedTo) {
        // The phone forwards itself (a 7940's own Call Forward All answers 302): routed as a forward.
        this.end();
        if (this.handle) this.ctx.service.send(this.handle, { kind: 'moved', target: movedTo });
      } else {
        this.unreachable((this.trunk && reasonCause(response)) ?? causeOfSipStatus(status));
      }
      return;
    }
    if (this.ackPacket) {
      this.flow.send(this.ackPacket);
      return;
    }
    this.step({
      kind: 'confirmed',
      remoteTag: response.to.tag,
      remoteTarget: contactUri(response),
      recordRoute: response.headers('record-route'),
    });
    if (this.state !== 'inviting' || !this.handle) {
      // It answered as we cancelled, or the call is over: RFC 3261 §15: ACK, then BYE.
      this.sendAck(undefined);
      this.bye(Q850.normalClearing);
      return;
    }
    this.trunk?.answered(response);
    const body = response.body.toString('utf8');
    if (body.length === 0) {
      this.sendAck(undefined);
      this.state = 'confirmed';
      this.ctx.service.send(this.handle, { kind: 'answer' });
      return;
    }
    const sdp = parseSdp(body);
    if (!sdp.ok) {
      this.ctx.logger.warn(
        { device: this.deviceName },
        `${this.deviceName} answered with SDP the node cannot use (${sdp.reason}); the call is ended`,
      );
      this.sendAck(undefined);
      this.bye(Q850.bearerCapabilityNotImplemented);
      this.ctx.service.send(this.handle, { kind: 'unreachable', cause: Q850.bearerCapabilityNotImplemented });
      return;
    }
    this.telephoneEvent = sdp.sdp.telephoneEvent;
    this.phoneSrtp = sdp.sdp.media.srtp;
    this.state = 'acking';
    this.ctx.service.send(this.handle, { kind: 'answer', media: sdp.sdp.media });
  }

  private cancel(reason: string): void {
    if (!this.sent) return this.end();
    this.state = 'cancelling';
    // RFC 3261 §9.1: "a CANCEL request SHOULD NOT be sent to cancel an INVITE until a provisional response is
    // received"; Timer B (no response at all) ends the leg meanwhile.
    if (this.provisionalSeen) this.sendCancel(reason);
    else this.cancelWaiting = reason;
  }

  private sendCancel(reason: string): void {
    if (!this.sent) return;
    this.cancelWaiting = null;
    const packet = dialogRequest(this.sent.dialog, 'CANCEL', this.local, {
      branch: this.sent.branch,
      userAgent: this.ctx.userAgent,
      headers: [['Reason', reason]],
    });
    const branch = this.sent.branch;
    void this.ctx.clients.send(branch, packet, this.flow);
    // RFC 3261 §9.1: with no final response to the INVITE within 64*T1 of the CANCEL, it is over.
    this.ctx.host.setTimeout(() => {
      if (this.state !== 'cancelling') return;
      this.ctx.invites.forget(branch);
      this.end();
    }, 64 * this.ctx.timers.t1);
  }

  private sendAck(body: string | undefined): void {
    this.ackPacket = dialogRequest(this.dialog, 'ACK', this.local, {
      branch: newBranch(),
      cseq: this.sent?.dialog.localCseq ?? 1,
      userAgent: this.ctx.userAgent,
      body,
    });
    this.flow.send(this.ackPacket);
  }

  private unreachable(cause: Q850Cause): void {
    this.end();
    if (this.handle) this.ctx.service.send(this.handle, { kind: 'unreachable', cause });
  }

  // ——— both: media and re-INVITEs ———

  /** Tells the phone where to send (or to stop) in whatever message the dialog's state calls for. */
  private describe(direction: MediaDirection): void {
    if (this.reinvite) {
      const { request, tx } = this.reinvite;
      this.reinvite = null;
      this.respond(request, tx, 200, [['Contact', contactOf(this.local)]], this.sdp(direction));
      return;
    }
    switch (this.state) {
      case 'answering':
        if (direction === 'sendrecv') this.accept(this.sdp(direction));
        return;
      case 'acking':
        this.sendAck(this.sdp(direction));
        this.state = 'confirmed';
        return;
      case 'confirmed':
        if (this.ourReinvite) this.reofferDue = true;
        else this.sendReinvite(this.sdp(direction));
        return;
      case 'unacked':
        this.reofferDue = true;
        return;
      default:
        return;
    }
  }

  /** The direction of our SDP as the media stands now. */
  private direction(): MediaDirection {
    if (this.music) return 'sendonly';
    return this.sending ? 'sendrecv' : 'inactive';
  }

  /** What changed while no offer could go goes now, as it stands now. */
  private reofferIfDue(): void {
    if (!this.reofferDue || this.state !== 'confirmed' || this.ourReinvite) return;
    this.reofferDue = false;
    this.describe(this.direction());
  }

  /** A re-INVITE from the phone: hold, resume, or a new address (docs/calls.md). */
  private reinvited(request: SipRequest, tx: ServerTransaction): void {
    // RFC 3261 §14.2: a re-INVITE while one of ours is pending gets 491; one before the ACK of our 200, 500.
    if (this.ourReinvite || this.reinvite) return this.respond(request, tx, 491);
    if (this.state !== 'confirmed') return this.respond(request, tx, 500, [['Retry-After', '1']]);
    const body = request.body.toString('utf8');
    if (body.length === 0) {
      // An offer-less re-INVITE: our 200 carries the offer, its ACK the answer (acked()).
      this.respond(request, tx, 200, [['Contact', contactOf(this.local)]], this.sdp(this.direction()));
      return;
    }
    const sdp = parseSdp(body);
    if (!sdp.ok) return this.respond(request, tx, sdp.status, [warningFor(sdp, this.ctx.warnAgent)]);
    if (sdp.sdp.telephoneEvent !== null) this.telephoneEvent = sdp.sdp.telephoneEvent;
    this.phoneSrtp = sdp.sdp.media.srtp;
    this.reinvite = { request, tx };
    this.resumed = false;
    if (this.handle) this.ctx.service.send(this.handle, { kind: 'media', media: sdp.sdp.media, offer: true });
    // A resume is answered by the start-media that follows once the other phone is ready (an SCCP
    // phone first opens a new receive channel). Otherwise, if the model said nothing, the answer is what holds now.
    if (this.reinvite?.tx === tx && !this.resumed) this.describe(this.direction());
  }

  private sendReinvite(body: string): void {
    this.ourReinvite = true;
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      this.ourReinvite = false;
      return true;
    };
    this.step({ kind: 'request-sent' });
    const branch = newBranch();
    const dialog = this.dialog;
    const packet = dialogRequest(dialog, 'INVITE', this.local, {
      branch,
      userAgent: this.ctx.userAgent,
      // The connected party (calls.md §2.2): after a transfer it is a new one, shown from this re-INVITE.
      headers: this.remoteParty ? identityHeaders(this.remoteParty, 'called', this.local) : [],
      body,
    });
    const ackOf = (response: SipResponse) =>
      dialogRequest({ ...dialog, remoteTag: response.to.tag ?? dialog.remoteTag }, 'ACK', this.local, {
        branch,
        userAgent: this.ctx.userAgent,
      });
    this.ctx.invites.send(branch, packet, this.flow, ackOf, {
      provisional: () => undefined,
      final: (response) => {
        const first = settle();
        if (response.status >= 300) {
          // RFC 3261 §14.1: after a 491 (glare) the owner of the Call-ID waits 2.1–4 s, the other 0–2 s.
          if (response.status === 491) this.reofferDue = true;
          if (first && this.reofferDue) {
            const wait = this.role === 'uac' ? randomInt(2100, 4000) : randomInt(0, 2000);
            this.ctx.host.setTimeout(
              () => this.guarded('re-offering media', () => this.reofferIfDue()),
              wait,
            );
          }
          return;
        }
        this.flow.send(
          dialogRequest(this.dialog, 'ACK', this.local, {
            branch: newBranch(),
            cseq: dialog.localCseq,
            userAgent: this.ctx.userAgent,
          }),
        );
        const answer = response.body.length > 0 ? parseSdp(response.body.toString('utf8')) : null;
        if (!first) return;
        if (answer?.ok) this.phoneSrtp = answer.sdp.media.srtp;
        if (answer?.ok && this.handle && this.state === 'confirmed')
          this.ctx.service.send(this.handle, { kind: 'media', media: answer.sdp.media, offer: false });
        this.reofferIfDue();
      },
      failed: () => {
        settle();
      },
    });
  }

  /** The tag of the phone's own line of the suite (an answer must keep it), else 1. */
  private cryptoTag(key: SrtpKey): number {
    return this.phoneSrtp?.lines.find((line) => line.suite === key.suite)?.tag ?? 1;
  }

  private sdp(direction: MediaDirection): string {
    const target = this.target ?? { address: '0.0.0.0', port: 9, codec: 'PCMU', packetMs: 20 };
    return renderSdp({
      sessionId: this.sessionId,
      version: ++this.sdpVersion,
      address: target.address,
      port: target.port,
      codec: target.codec,
      packetMs: target.packetMs,
      direction,
      telephoneEvent: this.telephoneEvent,
      ...(target.srtp ? { srtp: { key: target.srtp, tag: this.cryptoTag(target.srtp) } } : {}),
    });
  }

  // ——— the end ———

  /** clear / reject: end the leg on the phone as its state calls for (docs/calls.md). */
  private clear(cause: Q850Cause, reason?: string): void {
    // RFC 3515 §2.4.7: the referrer learns the outcome before its dialog ends; a call that ends for
    // another reason ended the REFER's request too (487).
    if (this.referral) this.referDone(this.referral.outcome ?? 487);
    switch (this.state) {
      case 'offered':
      case 'answering':
        this.final(sipStatusOfCause(cause) ?? (cause === Q850.normalClearing ? 487 : 480), cause, reason);
        break;
      case 'inviting':
        this.cancel(
          cause === Q850.nonSelectedUserClearing
            ? 'SIP;cause=200;text="Call completed elsewhere"'
            : q850Reason(cause),
        );
        return;
      case 'acking':
        this.sendAck(undefined);
        this.bye(cause);
        break;
      case 'unacked':
      case 'confirmed':
        this.bye(cause);
        break;
      default:
        break;
    }
    this.end();
  }

  private bye(cause: Q850Cause): void {
    if (this.dialog.state === 'terminated') return;
    this.step({ kind: 'request-sent' });
    const branch = newBranch();
    const packet = dialogRequest(this.dialog, 'BYE', this.local, {
      branch,
      userAgent: this.ctx.userAgent,
      headers: [['Reason', q850Reason(cause)]],
    });
    void this.ctx.clients.send(branch, packet, this.flow);
    this.step({ kind: 'terminated' });
  }

  /** The phone ended the call (BYE, CANCEL, no ACK): the leg is over, the call learns it. */
  private hangUp(): void {
    this.end();
    if (this.handle) this.ctx.service.send(this.handle, { kind: 'hang-up' });
  }

  private end(): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    // RFC 3261 §15.1.2: a re-INVITE still awaiting its answer when the dialog ends gets 487.
    if (this.reinvite) {
      const { request, tx } = this.reinvite;
      this.reinvite = null;
      this.respond(request, tx, 487);
    }
    this.step({ kind: 'terminated' });
    if (this.ok) {
      this.ctx.host.clearTimeout(this.ok.timer);
      this.ctx.host.clearTimeout(this.ok.giveUp);
      this.ok = null;
    }
    this.ctx.ended(this);
  }

  /** Work run from a timer: a failure is logged, never thrown into the event loop. */
  private guarded(what: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.ctx.logger.error(
        { err: error, device: this.deviceName },
        `${what} for ${this.deviceName} failed inside the node: ${(error as Error).message}`,
      );
    }
  }

  private step(event: DialogEvent): 'ok' | 'out-of-order' {
    const { dialog, verdict } = transition(this.dialog, event);
    this.dialog = dialog;
    return verdict;
  }

  private respond(
    request: SipRequest,
    tx: ServerTransaction,
    status: number,
    headers: Array<[string, string]> = [],
    body?: string,
  ): void {
    tx.respond(
      status,
      dialogResponse(request, tx.flow, this.dialog.localTag, status, reasonPhrase(status), headers, body),
    );
  }
}

export function dialogKey(callId: string, localTag: string): string {
  return `${callId}\n${localTag}`;
}

/** The URI of the first Contact of a request or response (RFC 3261 §12.1: the remote target). */
export function contactUri(message: SipRequest | SipResponse): string | undefined {
  try {
    const contacts = message.contacts;
    return contacts === '*' || contacts.length === 0 ? undefined : contacts[0].uri;
  } catch {
    return undefined;
  }
}

/** The Q.850 cause of a response's RFC 3326 Reason, when it names one the node knows. */
export function reasonCause(message: SipResponse): Q850Cause | null {
  const match = /^\s*Q\.850\s*;\s*cause\s*=\s*(\d{1,3})/i.exec(message.header('reason') ?? '');
  const cause = match ? Number(match[1]) : NaN;
  return cause in CAUSES ? (cause as Q850Cause) : null;
}

/** RFC 3326: `Reason: Q.850;cause=N;text="…"`. */
export function q850Reason(cause: Q850Cause): string {
  return `Q.850;cause=${cause};text="${CAUSES[cause].text}"`;
}

/** The Warning of an SDP refusal: 305 for media the node cannot use, 399 with the reason otherwise. */
export function warningFor(sdp: Extract<SdpResult, { ok: false }>, agent: string): [string, string] {
  if (sdp.status === 488)
    return ['Warning', `305 ${agent} "Incompatible media format: ${sdp.reason.replace(/"/g, "'")}"`];
  const [name, value] = warningHeader(agent, sdp.reason);
  return [name, value];
}
