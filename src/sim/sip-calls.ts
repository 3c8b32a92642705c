/**
 * A simulated SIP phone's calls (a 79xx on a SIP load, calls.md §2): places a call with an early
 * offer (its RTP port in the SDP), rings and answers a call manager's INVITE (a delayed offer is
 * answered in the ACK), sends µ-law RTP where the other side's SDP says, follows re-INVITEs (hold:
 * it stops sending), and hangs up with BYE. A client of the wire only: any SIP call manager will do.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { parseSdp, renderSdp } from '../protocols/sip/calls/sdp.js';
import type { SipRequest, SipResponse } from '../protocols/sip/index.js';
import { buildResponse, serializeRequest } from '../protocols/sip/index.js';
import { RtpStream } from './rtp.js';
import type { RtpStats } from './rtp.js';
import type { SipCallHandler, SipTarget } from './sip-registration.js';

export type SipSimCallState = 'calling' | 'ring-out' | 'ringing' | 'connected' | 'hold' | 'ended';

export interface SipSimCall {
  callId: string;
  direction: 'out' | 'in';
  state: SipSimCallState;
  /** The other party's number (From of an incoming call, the dialled number of ours). */
  remote: string;
  /** The final status of a call that did not connect (486, 404 …). */
  status: number | null;
  rtp: RtpStream | null;
  /** Every address the other side's SDP told it to send to ("ip:port"), in order. */
  sentTo: string[];
}

/** The SIP socket the calls share with the phone's registration (SipRegistration). */
export interface SipCallPort {
  readonly local: SipTarget;
  sendTo(packet: Buffer, target: SipTarget): void;
  calls: SipCallHandler | null;
}

interface Dialog {
  localTag: string;
  remoteTag: string | null;
  /** From of our requests, To of theirs (name-addr without tag). */
  local: string;
  remote: string;
  /** Request-URI of our requests in the dialog. */
  target: string;
  cseq: number;
  inviteCseq: number;
  inviteBranch: string;
  /** The INVITE being answered (incoming call), kept for its responses. */
  invite: SipRequest | null;
  /** This phone put the call on hold (its own re-INVITE), not the other side. */
  heldHere?: boolean;
}

interface Events {
  change: [SipSimCall];
  /** The status line of a REFER's last NOTIFY (sipfrag): 200 once the call manager transferred. */
  transferred: [number];
}

const rand = (bytes: number) => randomBytes(bytes).toString('hex');

export class SipPhoneCalls extends EventEmitter<Events> implements SipCallHandler {
  readonly calls = new Map<string, { call: SipSimCall; dialog: Dialog }>();
  private sdpVersion = 1;

  constructor(
    private readonly sip: SipCallPort,
    private readonly options: {
      /** The address the phone receives RTP on. */
      address: string;
      /** A sine the phone sends instead of silence (--tone-hz). */
      toneHz?: number;
      /** The line's name (its DN): From user of its calls. */
      line: string;
      server: SipTarget;
      autoAnswer?: boolean;
      userAgent?: string;
    },
  ) {
    super();
    sip.calls = this;
  }

  /** Calls `number`: an INVITE with its SDP offer. */
  async dial(number: string): Promise<SipSimCall> {
    const rtp = await RtpStream.open(this.options.address, this.options.toneHz);
    const { server, line } = this.options;
    const callId = `${rand(8)}@${this.sip.local.host}`;
    const dialog: Dialog = {
      localTag: rand(6),
      remoteTag: null,
      local: `<sip:${line}@${server.host}>`,
      remote: `<sip:${number}@${server.host}>`,
      target: `sip:${number}@${server.host}:${server.port}`,
      cseq: 101,
      inviteCseq: 101,
      inviteBranch: '',
      invite: null,
    };
    const call: SipSimCall = {
      callId,
      direction: 'out',
      state: 'calling',
      remote: number,
      status: null,
      rtp,
      sentTo: [],
    };
    this.calls.set(callId, { call, dialog });
    dialog.inviteBranch = this.send(callId, dialog, 'INVITE', this.sdp(rtp.port, 'sendrecv'));
    this.emit('change', call);
    return call;
  }

  /** Answers the ringing call: 200 with its SDP (the offer, or the answer to the INVITE's). */
  answer(): boolean {
    const entry = [...this.calls.values()].find((e) => e.call.state === 'ringing');
    if (!entry?.dialog.invite || !entry.call.rtp) return false;
    const { call, dialog } = entry;
    const invite = dialog.invite!;
    this.respond(invite, 200, dialog.localTag, this.sdp(entry.call.rtp!.port, 'sendrecv'));
    const offer = invite.body.length > 0 ? parseSdp(invite.body.toString('utf8')) : null;
    if (offer?.ok) this.sendRtp(call, offer.sdp.media.address, offer.sdp.media.port);
    call.state = 'connected';
    this.emit('change', call);
    return true;
  }

  /**
   * Hold (calls.md §2.3, as a 7940/7960 on SIP): a re-INVITE offering `a=sendonly`; it stops sending
   * at once. Returns false when no call is connected.
   */
  hold(): boolean {
    const entry = [...this.calls.values()].find((e) => e.call.state === 'connected');
    const rtp = entry?.call.rtp;
    if (!entry || !rtp) return false;
    const { call, dialog } = entry;
    rtp.stop();
    call.state = 'hold';
    dialog.heldHere = true;
    dialog.cseq++;
    this.send(call.callId, dialog, 'INVITE', this.sdp(rtp.port, 'sendonly'));
    this.emit('change', call);
    return true;
  }

  /** Resume: a re-INVITE with its address, `sendrecv`; it sends again where the 200's SDP says. */
  resume(): boolean {
    const entry = [...this.calls.values()].find((e) => e.call.state === 'hold' && e.dialog.heldHere);
    const rtp = entry?.call.rtp;
    if (!entry || !rtp) return false;
    const { call, dialog } = entry;
    dialog.heldHere = false;
    dialog.cseq++;
    this.send(call.callId, dialog, 'INVITE', this.sdp(rtp.port, 'sendrecv'));
    return true;
  }

  /**
   * Transfer as a 79xx on SIP does it (reference calls.md §2.4): holds the connected call; blind:
   * REFERs it to `number` at once; attended: calls `number` and, once it answers, REFERs the held
   * call with Replaces naming that call. The NOTIFYs' outcome comes as `transferred`.
   */
  async transfer(number: string, blind: boolean, timeoutMs = 60_000): Promise<void> {
    const held = [...this.calls.values()].find((e) => e.call.state === 'connected');
    if (!held) throw new Error('no connected call to transfer');
    this.hold();
    const { host } = this.options.server;
    let referTo = `<sip:${number}@${host}>`;
    if (!blind) {
      const consult = await this.dial(number);
      const outcome = await this.waitFor(
        (c) => c.callId === consult.callId && (c.state === 'connected' || c.state === 'ended'),
        timeoutMs,
      );
      const dialog = this.calls.get(consult.callId)?.dialog;
      if (outcome.state !== 'connected' || !dialog)
        throw new Error(`${number} did not answer (${outcome.status ?? 'ended'})`);
      const replaces = `${consult.callId};to-tag=${dialog.remoteTag};from-tag=${dialog.localTag}`;
      referTo = `<sip:${number}@${host}?Replaces=${encodeURIComponent(replaces)}>`;
    }
    held.dialog.cseq++;
    this.send(held.call.callId, held.dialog, 'REFER', undefined, undefined, undefined, [
      ['Refer-To', referTo],
      ['Referred-By', `<sip:${this.options.line}@${host}>`],
    ]);
  }

  /** Hangs up the call that is connected (BYE) or declines the one ringing (603). */
  hangUp(): void {
    for (const { call, dialog } of this.calls.values()) {
      if (call.state === 'ringing' && dialog.invite) {
        this.respond(dialog.invite, 603, dialog.localTag);
        this.end(call);
      } else if (call.state === 'connected' || call.state === 'hold') {
        dialog.cseq++;
        this.send(call.callId, dialog, 'BYE');
        this.end(call);
      }
    }
  }

  request(request: SipRequest, from: SipTarget): void {
    const entry = this.calls.get(request.callId);
    switch (request.method) {
      case 'INVITE':
        if (entry) this.reinvited(entry, request);
        else void this.offered(request, from);
        return;
      case 'ACK': {
        const answer = request.body.length > 0 ? parseSdp(request.body.toString('utf8')) : null;
        if (entry && answer?.ok) this.sendRtp(entry.call, answer.sdp.media.address, answer.sdp.media.port);
        return;
      }
      case 'BYE':
        this.respond(request, entry ? 200 : 481, entry?.dialog.localTag ?? rand(6));
        if (entry) this.end(entry.call);
        return;
      case 'NOTIFY': {
        this.respond(request, entry ? 200 : 481, entry?.dialog.localTag ?? rand(6));
        // RFC 3515 §2.4.5: the body is the status line of the transfer's outcome (message/sipfrag).
        const status = Number(/^SIP\/2\.0 (\d{3})/.exec(request.body.toString('utf8'))?.[1]);
        if (entry && status >= 200) this.emit('transferred', status);
        return;
      }
      case 'CANCEL':
        this.respond(request, entry ? 200 : 481, entry?.dialog.localTag ?? rand(6));
        if (entry?.dialog.invite && entry.call.state === 'ringing') {
          this.respond(entry.dialog.invite, 487, entry.dialog.localTag);
          this.end(entry.call);
        }
        return;
    }
  }

  response(response: SipResponse): void {
    const entry = this.calls.get(response.callId);
    if (!entry || response.cseq.method !== 'INVITE') return;
    const { call, dialog } = entry;
    if (response.status < 200) {
      if (response.status === 180 && call.state === 'calling') {
        call.state = 'ring-out';
        this.emit('change', call);
      }
      return;
    }
    if (response.status >= 300) {
      // RFC 3261 §17.1.1.3: the ACK of a non-2xx has the INVITE's branch and the response's To.
      this.send(
        call.callId,
        { ...dialog, remoteTag: response.to.tag ?? null },
        'ACK',
        undefined,
        dialog.inviteBranch,
      );
      call.status = response.status;
      this.end(call);
      return;
    }
    dialog.remoteTag = response.to.tag ?? null;
    const contacts = response.contacts;
    if (contacts !== '*' && contacts.length > 0) dialog.target = contacts[0].uri;
    // The ACK of a 2xx (each retransmission too): a new transaction, the INVITE's CSeq number.
    this.send(call.callId, dialog, 'ACK', undefined, undefined, response.cseq.seq);
    if (response.cseq.seq !== dialog.inviteCseq) {
      // The answer to our own resume re-INVITE: send where it says.
      const reanswer = response.body.length > 0 ? parseSdp(response.body.toString('utf8')) : null;
      if (call.state === 'hold' && !dialog.heldHere && reanswer?.ok) {
        const media = reanswer.sdp.media;
        if (media.direction !== 'inactive' && media.direction !== 'recvonly') {
          this.sendRtp(call, media.address, media.port);
          call.state = 'connected';
          this.emit('change', call);
        }
      }
      return;
    }
    if (call.state === 'connected' || call.state === 'ended') return;
    const answer = parseSdp(response.body.toString('utf8'));
    if (answer.ok) this.sendRtp(call, answer.sdp.media.address, answer.sdp.media.port);
    call.state = 'connected';
    this.emit('change', call);
  }

  /** A call manager's INVITE: rings (180), and answers at once with --answer. */
  private async offered(request: SipRequest, from: SipTarget): Promise<void> {
    const localTag = rand(6);
    const contacts = request.contacts;
    const dialog: Dialog = {
      localTag,
      remoteTag: request.from.tag ?? null,
      local: `<${request.to.uri}>`,
      remote: `<${request.from.uri}>`,
      target: contacts !== '*' && contacts.length > 0 ? contacts[0].uri : `sip:${from.host}:${from.port}`,
      cseq: 1,
      inviteCseq: request.cseq.seq,
      inviteBranch: '',
      invite: request,
    };
    const call: SipSimCall = {
      callId: request.callId,
      direction: 'in',
      state: 'ringing',
      remote: request.from.sipUri?.user ?? '',
      status: null,
      rtp: null,
      sentTo: [],
    };
    this.calls.set(request.callId, { call, dialog });
    this.respond(request, 180, localTag);
    call.rtp = await RtpStream.open(this.options.address, this.options.toneHz);
    this.emit('change', call);
    if (this.options.autoAnswer) this.answer();
  }

  /** A re-INVITE: a hold offer stops sending, a new address re-points it; answered 200 with the phone's SDP. */
  private reinvited(entry: { call: SipSimCall; dialog: Dialog }, request: SipRequest): void {
    const { call, dialog } = entry;
    const offer = request.body.length > 0 ? parseSdp(request.body.toString('utf8')) : null;
    const port = call.rtp?.port ?? 9;
    if (dialog.heldHere) {
      // It holds the call itself: it stays silent whatever the other side offers.
      this.respond(request, 200, dialog.localTag, this.sdp(port, 'inactive'));
      return;
    }
    if (offer?.ok) {
      const media = offer.sdp.media;
      const hold =
        media.direction === 'inactive' || media.direction === 'sendonly' || media.address === '0.0.0.0';
      if (hold) {
        call.rtp?.stop();
        call.state = 'hold';
      } else {
        this.sendRtp(call, media.address, media.port);
        call.state = 'connected';
      }
      this.respond(request, 200, dialog.localTag, this.sdp(port, hold ? 'inactive' : 'sendrecv'));
      this.emit('change', call);
      return;
    }
    this.respond(request, 200, dialog.localTag, this.sdp(port, 'sendrecv'));
  }

  private sendRtp(call: SipSimCall, address: string, port: number): void {
    if (!call.rtp || port === 0 || address === '0.0.0.0') return;
    call.sentTo.push(`${address}:${port}`);
    call.rtp.start({ address, port });
    this.emit('change', call);
  }

  private end(call: SipSimCall): void {
    call.state = 'ended';
    call.rtp?.close();
    this.calls.delete(call.callId);
    this.emit('change', call);
  }

  private sdp(port: number, direction: 'sendrecv' | 'sendonly' | 'inactive'): string {
    return renderSdp({
      sessionId: 1,
      version: this.sdpVersion++,
      address: this.options.address,
      port,
      codec: 'PCMU',
      packetMs: 20,
      direction,
      telephoneEvent: 101,
    });
  }

  /** Sends `method` in the call's dialog; returns the branch. */
  private send(
    callId: string,
    dialog: Dialog,
    method: string,
    body?: string,
    branch = `z9hG4bK${rand(8)}`,
    cseq = dialog.cseq,
    extra: [string, string][] = [],
  ): string {
    const local = this.sip.local;
    const headers: [string, string | number][] = [
      ['Via', `SIP/2.0/UDP ${local.host}:${local.port};branch=${branch};rport`],
      ['Max-Forwards', 70],
      ['From', `${dialog.local};tag=${dialog.localTag}`],
      ['To', dialog.remoteTag ? `${dialog.remote};tag=${dialog.remoteTag}` : dialog.remote],
      ['Call-ID', callId],
      ['CSeq', `${cseq} ${method}`],
      ['Contact', `<sip:${this.options.line}@${local.host}:${local.port}>`],
      ['User-Agent', this.options.userAgent ?? 'openucm-sim'],
      ...extra,
    ];
    if (body !== undefined) headers.push(['Content-Type', 'application/sdp']);
    this.sip.sendTo(serializeRequest({ method, uri: dialog.target, headers, body }), this.options.server);
    return branch;
  }

  private respond(request: SipRequest, status: number, toTag: string, body?: string): void {
    const local = this.sip.local;
    const headers: [string, string][] = [
      ['Contact', `<sip:${this.options.line}@${local.host}:${local.port}>`],
    ];
    if (body !== undefined) headers.push(['Content-Type', 'application/sdp']);
    this.sip.sendTo(buildResponse(request, status, undefined, headers, body, { toTag }), this.options.server);
  }

  /** The calls now, for the screen. */
  describe(): { callId: string; state: string; remote: string; media: RtpStats | null }[] {
    return [...this.calls.values()].map(({ call }) => ({
      callId: call.callId,
      state: call.state,
      remote: call.remote,
      media: call.rtp?.stats ?? null,
    }));
  }

  /** Resolves with the first call that matches, now or after a change. */
  waitFor(match: (call: SipSimCall) => boolean, timeoutMs = 10_000): Promise<SipSimCall> {
    for (const { call } of this.calls.values()) if (match(call)) return Promise.resolve(call);
    return new Promise((resolve, reject) => {
      const check = (call: SipSimCall) => {
        if (!match(call)) return;
        clearTimeout(timer);
        this.off('change', check);
        resolve(call);
      };
      const timer = setTimeout(() => {
        this.off('change', check);
        reject(
          new Error(`no SIP call matched within ${timeoutMs} ms; calls: ${JSON.stringify(this.describe())}`),
        );
      }, timeoutMs);
      this.on('change', check);
    });
  }
}
