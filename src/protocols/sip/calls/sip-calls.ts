/**
 * The SIP adapter of the call model (docs/calls.md, "SIP adapter"): registered SIP phones are
 * attached to the CallService; their INVITEs become calls, each dialog one leg (sip-leg.ts), and
 * calls offered to them go out as INVITEs over the flow they registered on. Only a registered
 * device that proves itself as its registration did may call (caller.ts).
 */
import type { Logger } from 'pino';
import type { Party } from '../../../core/call/call.js';
import { Q850 } from '../../../core/call/q850.js';
import type { Device, Line } from '../../../core/device.js';
import type { CallPort } from './call-port.js';
import type { LegHandle, LegSink } from '../../../services/calls/call-ports.js';
import type { LimitReporter } from '../../../services/limit-log.js';
import type { DigestPolicy } from '../auth/digest-policy.js';
import type { SipRequest } from '../message.js';
import type { DeviceEntry } from '../registrar/binding-store.js';
import type { BindingStore } from '../registrar/binding-store.js';
import type { CredentialLookup } from '../registrar/credentials.js';
import type { ClientTransactionTable } from '../transaction/client-transactions.js';
import type { InviteClientTable } from '../transaction/invite-client.js';
import type { ServerTransaction } from '../transaction/server-transactions.js';
import type { SipTimers, TimerHost } from '../transaction/timers.js';
import type { SipFlow } from '../transport/flow.js';
import { formatAddress } from '../transport/flow.js';
import { reasonPhrase } from '../status-codes.js';
import { callerOf } from './caller.js';
import { uacDialog, uasDialog } from './dialog.js';
import type { LocalEndpoint } from './messages.js';
import { dialogResponse, newTag, partyAddress } from './messages.js';
import { handleRefer } from './refer.js';
import { parseSdp } from './sdp.js';
import type { LegContext } from './sip-leg.js';
import { SipLeg, contactUri, dialogKey, warningFor } from './sip-leg.js';
import type { SipTrunkOptions } from './sip-trunk.js';
import { SipTrunk, isTrunkRequest } from './sip-trunk.js';

export interface SipCallsDeps {
  service: CallPort;
  bindings: BindingStore;
  digest: DigestPolicy;
  credentials: CredentialLookup;
  invites: InviteClientTable;
  clients: ClientTransactionTable;
  timers: SipTimers;
  host: TimerHost;
  /** How phones reach the node on `flow`; `serverHost` is the host a phone addressed us as. */
  local(flow: SipFlow, serverHost: string | undefined): LocalEndpoint;
  userAgent: string;
  warnAgent: string;
  logger: Logger;
  reporter: LimitReporter;
  /** --sip-max-call-dialogs */
  maxDialogs: number;
  /** Calls between the nodes of a cluster (docs/cluster-calls.md); absent: a node alone. */
  trunk?: SipTrunkOptions & { flowTo(address: string, port: number): SipFlow; localPort(): number };
}

export class SipCalls {
  /** Live legs by Call-ID and our tag. */
  private readonly legs = new Map<string, SipLeg>();
  /** Legs of phones' INVITEs by Call-ID and the phone's From tag (retransmissions, CANCEL). */
  private readonly offers = new Map<string, SipLeg>();
  private readonly lines = new Map<string, readonly Line[]>();
  private readonly context: LegContext;
  private readonly trunk: SipTrunk | null = null;

  constructor(private readonly deps: SipCallsDeps) {
    this.context = {
      service: deps.service,
      invites: deps.invites,
      clients: deps.clients,
      timers: deps.timers,
      host: deps.host,
      userAgent: deps.userAgent,
      warnAgent: deps.warnAgent,
      logger: deps.logger,
      ended: (leg) => this.forget(leg),
      refer: (leg, request, tx) =>
        handleRefer(leg, request, tx, {
          service: deps.service,
          dialog: (callId, tag1, tag2) => this.dialogOf(callId, tag1, tag2),
          lineOf: (deviceName) => this.lineOf(deviceName),
          logger: deps.logger,
        }),
    };
    if (deps.trunk)
      this.trunk = new SipTrunk({
        ...deps.trunk,
        service: deps.service,
        context: this.context,
        adopt: (leg, offerKey) => {
          this.legs.set(leg.key, leg);
          leg.offerKey = offerKey;
          if (offerKey !== null) this.offers.set(offerKey, leg);
        },
        legs: () => this.legs.values(),
        atDialogLimit: (address, device) => this.atDialogLimit(address, device),
        reply: (request, tx, status, headers, reason) => this.reply(request, tx, status, headers, reason),
        reporter: deps.reporter,
        logger: deps.logger,
        warnAgent: deps.warnAgent,
      });
  }

  /** Dialogs held now. */
  get size(): number {
    return this.legs.size;
  }

  /** The node stops: its calls with other nodes end on those nodes too (BYE, CANCEL or a final response). */
  stop(): void {
    this.trunk?.shutdown();
  }

  /** A SIP device registered here (again): it can place and receive calls. */
  registered(entry: DeviceEntry, device: Device): void {
    const name = entry.name;
    this.lines.set(name, device.lines);
    this.deps.service.attach({
      deviceName: name,
      protocol: 'SIP',
      address: entry.connection.address,
      // A SIP phone's SDP says what it can receive, in each offer and answer.
      codecs: [],
      solicitedMedia: false,
      openLeg: (leg, line) => this.openLeg(name, leg, line),
    });
  }

  /** The device's registration ended (expired, removed, connection closed): its calls end (cause 27). */
  dropped(deviceName: string): void {
    if (!this.lines.delete(deviceName)) return;
    // Each of its dialogs ends on the phone as the call model would end it (BYE, CANCEL, final response);
    // the call service then stops telling these legs anything.
    for (const leg of [...this.legs.values()])
      if (leg.deviceName === deviceName) leg.send({ kind: 'clear', cause: Q850.destinationOutOfOrder });
    this.deps.service.detach(deviceName);
  }

  /** INVITE, BYE (and other requests within a call dialog); false when it is none of the calls'. */
  request(request: SipRequest, tx: ServerTransaction): boolean {
    const toTag = request.to.tag;
    if (toTag !== undefined) {
      const leg = this.legs.get(dialogKey(request.callId, toTag));
      if (!leg) {
        if (request.method !== 'INVITE' && request.method !== 'BYE' && request.method !== 'REFER')
          return false;
        // RFC 3261 §12.2.2: a request in a dialog the UAS does not know gets 481.
        this.reply(request, tx, 481);
        return true;
      }
      leg.request(request, tx);
      return true;
    }
    if (request.method === 'REFER') {
      // A transfer is only ever of a call the phone is in (refer.ts); the node transfers nothing else.
      this.deps.logger.warn(
        { address: formatAddress(tx.flow.remoteAddress, tx.flow.remotePort) },
        `refused a REFER from ${formatAddress(tx.flow.remoteAddress, tx.flow.remotePort)} outside any call dialog: the node transfers only calls a registered phone is in`,
      );
      this.reply(request, tx, 403, [], 'Forbidden (REFER outside a call)');
      return true;
    }
    if (request.method !== 'INVITE') return false;
    const offered = this.offers.get(offerKey(request));
    if (offered) {
      offered.inviteAgain(tx);
      return true;
    }
    // Another node's call (docs/cluster-calls.md): trusted by its signature and address, not a registration.
    const placed =
      this.trunk && isTrunkRequest(request) ? this.trunk.invite(request, tx) : this.newCall(request, tx);
    void placed.catch((error: unknown) => {
      this.deps.logger.error({ err: error }, `an INVITE failed inside the node: ${(error as Error).message}`);
      if (!tx.answered) this.reply(request, tx, 500);
    });
    return true;
  }

  /** The node holds --sip-max-call-dialogs dialogs: a new call from `device` is refused (logged, counted). */
  private atDialogLimit(address: string, device: string): boolean {
    const max = this.deps.maxDialogs;
    if (this.legs.size < max) return false;
    this.deps.reporter.reached(
      'sipMaxCallDialogs',
      { address, device },
      `refused a call from ${device}: the node holds ${max} SIP call dialogs (--sip-max-call-dialogs); raise it if the node has room for more calls`,
    );
    return true;
  }

  /** An ACK no server transaction took: the ACK of a 2xx, in its dialog. */
  ack(request: SipRequest): void {
    const toTag = request.to.tag;
    if (toTag !== undefined) this.legs.get(dialogKey(request.callId, toTag))?.acked(request);
  }

  /** A CANCEL of a phone's pending INVITE (the CANCEL is answered 200 by the core). */
  cancel(request: SipRequest): void {
    this.offers.get(offerKey(request))?.cancelled();
  }

  private async newCall(request: SipRequest, tx: ServerTransaction): Promise<void> {
    const { deps } = this;
    if (request.from.tag === undefined)
      return this.reply(request, tx, 400, [], 'Bad Request (From without tag)');
    const caller = await callerOf(request, tx.flow, deps);
    if (caller.kind === 'reply') return this.reply(request, tx, caller.status, caller.headers, caller.reason);
    const { entry } = caller;
    const lines = this.lines.get(entry.name) ?? [];
    if (lines.length === 0) {
      return this.reply(request, tx, 403, [], 'Forbidden (no line on this phone)');
    }
    if (this.atDialogLimit(tx.flow.remoteAddress, entry.name))
      return this.reply(request, tx, 503, [['Retry-After', '30']]);
    const body = request.body.toString('utf8');
    const type = request.contentType?.split(';')[0].trim().toLowerCase();
    // RFC 3261 §21.4.13: a body the UAS does not understand draws 415 with the types it accepts.
    if (body.length > 0 && type !== undefined && type !== 'application/sdp')
      return this.reply(request, tx, 415, [['Accept', 'application/sdp']]);
    const sdp = body.length > 0 ? parseSdp(body) : null;
    if (sdp && !sdp.ok) return this.reply(request, tx, sdp.status, [warningFor(sdp, deps.warnAgent)]);
    const fromUser = request.from.sipUri?.user;
    const line = lines.find((l) => l.dn === fromUser) ?? lines[0];
    const local = deps.local(tx.flow, request.requestUri?.host);
    const party = { number: line.dn, name: request.from.displayName ?? '' };
    const leg = new SipLeg(
      this.context,
      'uas',
      entry.name,
      tx.flow,
      local,
      uasDialog({
        callId: request.callId,
        localTag: newTag(),
        remoteTag: request.from.tag,
        localUri: toWithoutTag(request),
        remoteUri: fromWithoutTag(request),
        cseq: request.cseq.seq,
        remoteTarget: contactUri(request) ?? request.from.uri,
        recordRoute: request.headers('record-route'),
      }),
    );
    this.legs.set(leg.key, leg);
    leg.offerKey = offerKey(request);
    this.offers.set(leg.offerKey, leg);
    leg.offered(request, tx, sdp);
    const result = deps.service.offHook({
      deviceName: entry.name,
      line: line.index,
      party,
      sink: leg,
      placesCall: true,
    });
    if (result.kind !== 'calling') return;
    leg.handle = result.leg;
    if (sdp?.ok) deps.service.send(result.leg, { kind: 'media', media: sdp.sdp.media, offer: true });
    // 7940/7960 dial by their dialplan.xml and 79x1/79x2 by a dial template: the number comes whole.
    deps.service.send(result.leg, { kind: 'digits', digits: request.requestUri?.user ?? '' });
  }

  /** A call offered to a SIP device: an INVITE to the Contact it registered, over that flow. */
  private openLeg(deviceName: string, handle: LegHandle, line: number): LegSink {
    const entry = this.deps.bindings.device(deviceName);
    const dn = this.lines.get(deviceName)?.find((l) => l.index === line)?.dn;
    const binding = entry?.bindings.find((b) => b.aor === dn) ?? entry?.bindings[0];
    if (!entry || !binding) {
      // Registered a moment ago and gone now: the call learns it at once.
      return {
        send: (command) => {
          if (command.kind === 'ring') this.deps.service.send(handle, { kind: 'unreachable', cause: 27 });
        },
      };
    }
    const local = this.deps.local(binding.flow, entry.serverHost || undefined);
    const leg = new SipLeg(
      this.context,
      'uac',
      deviceName,
      binding.flow,
      local,
      uacDialog({
        callId: `${newTag()}${newTag()}@${local.host}`,
        localTag: newTag(),
        // The From is set when the INVITE goes (the caller is known then): see SipLeg.ring.
        localUri: partyAddress({ number: 'openucm', name: '' }, local),
        remoteUri: `<${binding.aorUri}>`,
        cseq: 1,
        remoteTarget: binding.uri,
      }),
    );
    leg.handle = handle;
    this.legs.set(leg.key, leg);
    return leg;
  }

  /** A live dialog by Call-ID and its two tags, whichever side's each is (a REFER's Replaces). */
  private dialogOf(callId: string, tag1: string, tag2: string): SipLeg | undefined {
    const leg = this.legs.get(dialogKey(callId, tag1)) ?? this.legs.get(dialogKey(callId, tag2));
    return leg?.remoteTag === tag1 || leg?.remoteTag === tag2 ? leg : undefined;
  }

  private lineOf(deviceName: string): { line: number; party: Party } | undefined {
    const line = this.lines.get(deviceName)?.[0];
    return line && { line: line.index, party: { number: line.dn, name: '' } };
  }

  private forget(leg: SipLeg): void {
    if (this.legs.get(leg.key) === leg) this.legs.delete(leg.key);
    if (leg.offerKey !== null && this.offers.get(leg.offerKey) === leg) this.offers.delete(leg.offerKey);
  }

  private reply(
    request: SipRequest,
    tx: ServerTransaction,
    status: number,
    headers: Array<[string, string]> = [],
    reason = reasonPhrase(status),
  ): void {
    if (tx.answered) return;
    try {
      tx.respond(status, dialogResponse(request, tx.flow, newTag(), status, reason, headers));
    } catch (error) {
      this.deps.logger.error(
        { err: error, address: formatAddress(tx.flow.remoteAddress, tx.flow.remotePort) },
        `could not answer an INVITE with ${status}`,
      );
    }
  }
}

function offerKey(request: SipRequest): string {
  return `${request.callId}\n${request.from.tag ?? ''}`;
}

function fromWithoutTag(request: SipRequest): string {
  const from = request.from;
  return from.displayName === undefined
    ? `<${from.uri}>`
    : `"${from.displayName.replace(/["\\]/g, '')}" <${from.uri}>`;
}

function toWithoutTag(request: SipRequest): string {
  return `<${request.to.uri}>`;
}
