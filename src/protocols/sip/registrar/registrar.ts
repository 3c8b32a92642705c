/**
 * The SIP registrar (RFC 3261 §10.3): turns REGISTERs into bindings. A refresh of a known
 * binding is answered from memory at once; anything else (a new binding, a new Call-ID, a
 * removal, authentication) runs in order per device and asks the registration service only
 * when a binding is new.
 */
import type { Logger } from 'pino';
import type { Device } from '../../../core/device.js';
import type { RegistrationRequest } from '../../../core/registration.js';
import type { UnregistrationReason } from '../../../core/registration-event.js';
import type { Rejection } from '../../../core/rejection.js';
import { rejection } from '../../../core/rejection.js';
import { ipOf } from '../../../core/ip-of.js';
import { takeoverRefusal } from '../../../core/registration.js';
import type { ResetType } from '../../../services/live-registry.js';
import type { RegistrationService } from '../../../services/registration-service.js';
import type { DigestPolicy } from '../auth/digest-policy.js';
import type { SipRequest } from '../message.js';
import type { SipFlow } from '../transport/flow.js';
import { formatAddress } from '../transport/flow.js';
import type { Binding, DeviceEntry } from './binding-store.js';
import { BindingStore } from './binding-store.js';
import { activeLoadOf, announcedModel } from './cisco-info.js';
import type { CredentialLookup } from './credentials.js';
import type { MessageIdentity } from './device-identity.js';
import { identifyFromMessage } from './device-identity.js';
import type { ExpiresPolicy, RegisterPlan, RequestedContact } from './register-plan.js';
import { DEFAULT_EXPIRES_POLICY, planRegister } from './register-plan.js';
import type { RegistrarReply } from './replies.js';
import { challengeReply, digestRefusalReply, okReply, rejectionReply, warningHeader } from './replies.js';
import { RegistrarGuards } from './registrar-guards.js';
import { DeviceAuthenticator } from './device-authentication.js';
import { SipDeviceConnection } from './sip-device-connection.js';
import { RegisterQueues } from './register-queues.js';
import type { LimitReporter } from '../../../services/limit-log.js';
import type { AuthGate } from './registrar-guards.js';
import type { SipLimitSettings } from '../../../limits/sip.js';
import { defaultSipLimits } from '../../../limits/sip.js';

export type RegistrationPort = Pick<RegistrationService, 'register' | 'unregistered'>;

/** Records refusals decided here rather than by the registration service (identity, authentication). */
export interface RejectionRecorder {
  rejected(request: RegistrationRequest, rejection: Rejection): void;
}

export interface RegistrarOptions {
  registration: RegistrationPort;
  credentials: CredentialLookup;
  digest: DigestPolicy;
  recorder: RejectionRecorder;
  /** Sends the NOTIFY that resets or restarts a device. */
  resetDevice(entry: DeviceEntry, type: ResetType): void;
  now: () => number;
  nodeName: string;
  /** warn-agent of Warning headers (RFC 3261 §20.43: host[:port] or a pseudonym). */
  warnAgent: string;
  logger: Logger;
  policy?: ExpiresPolicy;
  /** Where a refusal at a limit is counted and logged. */
  reporter: LimitReporter;
  /** The node's count of failed authentications per source address, asked before any digest is hashed. */
  authThrottle: AuthGate;
  /** Told when a device registers here and when its registration ends (the call adapter attaches and detaches it). */
  calls?: RegistrationObserver;
  /** The registrar's bounds (default: the limits' defaults). */
  settings?: Partial<
    Pick<
      SipLimitSettings,
      | 'sipMaxQueuedRegistersPerDevice'
      | 'sipMaxPendingRegisters'
      | 'sipMaxBindingsPerDevice'
      | 'sipMaxIdentityLength'
    >
  >;
}

/** Who follows SIP registrations besides the registration service: the call adapter. */
export interface RegistrationObserver {
  registered(entry: DeviceEntry, device: Device): void;
  dropped(deviceName: string): void;
}

/** Answers a REGISTER. Must never throw: it is called from promise handlers, where a throw would be lost. */
export type ReplyFn = (reply: RegistrarReply) => void;

const INVALID_CSEQ: RegistrarReply = {
  status: 400,
  reason: 'Bad Request (CSeq not higher than the stored one)',
  headers: [],
};

export class Registrar {
  readonly bindings: BindingStore;
  private readonly policy: ExpiresPolicy;
  private readonly maxBindings: number;
  /** The refusals at the registrar's limits. */
  private readonly guards: RegistrarGuards;
  private readonly authenticator: DeviceAuthenticator;
  /** REGISTERs being decided, in line per device (or Call-ID). */
  private readonly queues: RegisterQueues;
  private readonly actions = {
    reset: (c: SipDeviceConnection, type: ResetType) => {
      const entry = this.bindings.device(c.deviceName);
      if (entry?.connection === c) this.options.resetDevice(entry, type);
    },
    close: (c: SipDeviceConnection, reason: UnregistrationReason) => {
      const entry = this.bindings.device(c.deviceName);
      if (entry?.connection === c) this.dropDevice(entry, reason);
    },
    transport: (c: SipDeviceConnection) => {
      const entry = this.bindings.device(c.deviceName);
      if (entry?.connection !== c || entry.bindings.length === 0) return undefined;
      return entry.bindings.find((b) => b.flow.transport !== 'TLS')?.flow.transport ?? 'TLS';
    },
  };

  constructor(private readonly options: RegistrarOptions) {
    this.policy = options.policy ?? DEFAULT_EXPIRES_POLICY;
    this.bindings = new BindingStore(options.now());
    const defaults = defaultSipLimits();
    this.maxBindings = options.settings?.sipMaxBindingsPerDevice ?? defaults.sipMaxBindingsPerDevice;
    this.queues = new RegisterQueues({
      perLine: options.settings?.sipMaxQueuedRegistersPerDevice ?? defaults.sipMaxQueuedRegistersPerDevice,
      total: options.settings?.sipMaxPendingRegisters ?? defaults.sipMaxPendingRegisters,
    });
    this.guards = new RegistrarGuards({
      reporter: options.reporter,
      authThrottle: options.authThrottle,
      warnAgent: options.warnAgent,
      now: options.now,
      maxIdentityLength: options.settings?.sipMaxIdentityLength ?? defaults.sipMaxIdentityLength,
      queues: this.queues.limits,
    });
    this.authenticator = new DeviceAuthenticator({
      bindings: this.bindings,
      credentials: options.credentials,
      digest: options.digest,
      guards: this.guards,
      authThrottle: options.authThrottle,
      logger: options.logger,
      warnAgent: options.warnAgent,
    });
  }

  /** Answers one REGISTER through `reply` (at once for a refresh, later otherwise). */
  handle(request: SipRequest, flow: SipFlow, reply: ReplyFn): void {
    const plan = planRegister(request, this.policy);
    if (plan.kind === 'refuse') {
      const headers: Array<readonly [string, string]> = [];
      // RFC 3261 §10.3 step 7: the 423 "MUST contain a Min-Expires header field".
      if (plan.minExpires !== undefined) headers.push(['Min-Expires', String(plan.minExpires)]);
      reply({ status: plan.status, reason: plan.reason, headers });
      return;
    }
    const identity = identifyFromMessage(request.to, request.contacts);
    const aor = identity.user;
    const name = identity.deviceName;
    // Refused before anything is queued, looked up or recorded: a flood of such names costs a counter.
    const unnameable = this.guards.unnameable(aor, flow.remoteAddress);
    if (unnameable !== null) {
      reply(unnameable);
      return;
    }
    if (plan.kind === 'update' && name !== undefined && !this.queues.busy(name)) {
      const entry = this.bindings.device(name);
      if (entry !== undefined && this.refresh(entry, aor, plan.contacts, request, flow, reply)) return;
    }
    const key = name ?? `call-id:${request.callId}`;
    let answered = false;
    const answer: ReplyFn = (r) => {
      answered = true;
      reply(r);
    };
    const verdict = this.queues.enqueue(key, () =>
      this.decide(request, flow, plan, identity, answer).catch((error: unknown) =>
        this.failed(error, answered, name ?? aor, reply),
      ),
    );
    if (verdict !== 'queued') reply(this.guards.busy(verdict, name ?? aor, flow.remoteAddress));
  }

  /**
   * A REGISTER whose decision threw: answered 500 unless it was answered already (then only logged).
   * Never throws: it ends the device's line in RegisterQueues, which a throw would break for the REGISTERs
   * waiting behind it.
   */
  private failed(error: unknown, answered: boolean, who: string, reply: ReplyFn): void {
    try {
      if (answered) {
        this.options.logger.error(
          { err: error, device: who },
          `SIP registration of ${who} failed inside the node after the phone was answered; ` +
            'its registration on this node may be out of date until its next REGISTER (see the error)',
        );
        return;
      }
      this.options.logger.error(
        { err: error, device: who },
        `SIP registration of ${who} failed inside the node (database?); answered 500, the phone will retry`,
      );
      reply({
        status: 500,
        reason: 'Server Internal Error (registration failed; retry)',
        headers: [['Retry-After', '30']],
      });
    } catch {
      // Nothing left to tell it with: the REGISTERs queued behind this one must still be decided.
    }
  }

  /**
   * The hot path: every Contact is an existing binding of this device with the same Call-ID.
   * RFC 3261 §10.3 step 7: "If the value is higher than that of the existing binding, it MUST update or remove
   * the binding as above. If not, the update MUST be aborted and the request fails."
   */
  private refresh(
    entry: DeviceEntry,
    aor: string,
    contacts: readonly RequestedContact[],
    request: SipRequest,
    flow: SipFlow,
    reply: ReplyFn,
  ): boolean {
    const callId = request.callId;
    const found: Binding[] = [];
    for (const c of contacts) {
      if (c.expires === 0 || c.keepAlive) return false;
      let match: Binding | undefined;
      for (const b of entry.bindings) {
        if (b.key === c.key && b.aor === aor) {
          match = b;
          break;
        }
      }
      if (match === undefined || match.callId !== callId) return false;
      // From another IP address: a takeover unless the device proves who it is (decide), then a move to record.
      if (match.flow.remoteAddress !== flow.remoteAddress) return false;
      found.push(match);
    }
    // Credentials changed since the device registered: decide again with the stored ones.
    if (entry.credential === undefined) return false;
    if (entry.credential !== null) {
      // The hot path hashes too: an address that keeps failing is refused before it (and not counted twice).
      const throttled = this.guards.throttled(flow.remoteAddress);
      if (throttled !== null) {
        reply(throttled);
        return true;
      }
      if (this.options.digest.verify(request, entry.credential).kind !== 'ok') return false;
      this.options.authThrottle.succeeded(flow.remoteAddress);
    }
    const cseq = request.cseq.seq;
    for (const b of found) {
      if (cseq <= b.cseq) {
        reply(INVALID_CSEQ);
        return true;
      }
    }
    const now = this.options.now();
    for (let i = 0; i < found.length; i++) {
      const b = found[i];
      const c = contacts[i];
      b.cseq = cseq;
      b.expiresAt = now + c.expires * 1000;
      if (b.uri !== c.uri) b.uri = flat(c.uri);
      if (b.text !== c.text) b.text = flat(c.text);
      b.q = c.q;
      this.bindings.setFlow(b, flow);
      this.bindings.refreshed(b);
    }
    reply(okReply(entry.bindings, aor, now, contacts.length === 1 ? contacts[0].expires : undefined));
    return true;
  }

  /** Everything but a plain refresh: identify, authenticate, decide, apply (RFC 3261 §10.3 steps 3–8). */
  private async decide(
    request: SipRequest,
    flow: SipFlow,
    plan: Exclude<RegisterPlan, { kind: 'refuse' }>,
    identity: MessageIdentity,
    reply: ReplyFn,
  ): Promise<void> {
    const aor = identity.user;
    const callId = request.callId;
    const auth = await this.authenticator.authenticate(request, flow.remoteAddress, identity);
    if (auth.kind === 'reply') {
      reply(auth.reply);
      return;
    }
    if (auth.kind === 'unknown') {
      // README (SIP credentials): answered as a device with credentials would be, so that the answer does
      // not tell a scanner which users exist; the operator gets the event that says why.
      const removalOnly =
        plan.kind !== 'update' || plan.contacts.every((c) => c.expires === 0 || c.keepAlive);
      if (!removalOnly) this.record(request, flow, aor, 'sip-identity-unknown');
      reply(auth.reply);
      return;
    }
    if (auth.kind === 'failed' || auth.kind === 'invalid') {
      const reason = auth.kind === 'failed' ? 'sip-authentication-failed' : 'sip-digest-invalid';
      this.refuse(request, flow, auth.deviceName, reason, reply, auth.detail);
      return;
    }
    const { deviceName, credential } = auth;
    const now = this.options.now();
    let entry = this.bindings.device(deviceName);
    // What was just read from the store is what the hot path checks refreshes against.
    if (entry !== undefined) entry.credential = credential;
    if (plan.kind === 'query') {
      reply(okReply(entry?.bindings ?? [], aor, now));
      return;
    }
    // README (Security and limits): a device that cannot prove who it is changes nothing of its live
    // registration from another IP address, neither adds nor removes.
    if (entry !== undefined && credential === null && this.refusedTakeover(request, flow, entry, reply))
      return;
    const moved = entry !== undefined && ipOf(entry.connection.address) !== flow.remoteAddress;
    if (plan.kind === 'remove-all') {
      this.removeAll(entry, aor, request, reply);
      return;
    }
    const contacts = plan.contacts.filter((c) => !c.keepAlive);
    if (contacts.length === 0) {
      // sip-cisco.md §1.2: a keep-alive REGISTER "Must be answered 200 OK without touching the live binding".
      reply(okReply(entry?.bindings ?? [], aor, now));
      return;
    }
    const isNew = (c: RequestedContact, e: DeviceEntry | undefined) => {
      const b = e === undefined ? undefined : findBinding(e, aor, c.key);
      return c.expires > 0 && (b === undefined || b.callId !== callId);
    };
    // An authenticated device at a new IP address (DHCP, another LAN) registers anew from there: its
    // registration, its address and the event say where it is now.
    const movesHere = moved && contacts.some((c) => c.expires > 0);
    if (movesHere || contacts.some((c) => isNew(c, entry))) {
      const connection =
        (movesHere ? undefined : entry?.connection) ??
        new SipDeviceConnection(deviceName, formatAddress(flow.remoteAddress, flow.remotePort), this.actions);
      const result = await this.options.registration.register(
        this.registrationRequest(request, flow, deviceName, credential !== null),
        connection,
      );
      if (result.kind === 'rejected') {
        reply(this.refusalReply(result.rejection, request));
        return;
      }
      entry = this.bindings.device(deviceName);
      if (entry === undefined || entry.connection !== connection) {
        if (entry !== undefined) this.dropDevice(entry, 'replaced-by-new-registration');
        entry = {
          name: deviceName,
          model: result.device.model,
          connection,
          bindings: [],
          credential,
          registerCallId: flat(callId),
          serverHost: flat(request.requestUri?.host ?? ''),
        };
        this.bindings.addDevice(entry);
      } else {
        entry.model = result.device.model;
        entry.credential = credential;
      }
      this.options.calls?.registered(entry, result.device);
    } else if (entry === undefined) {
      // Only removals of bindings that do not exist (RFC 3261 §10.3 step 7 removes nothing).
      reply(okReply([], aor, now));
      return;
    }
    this.apply(entry, aor, contacts, request, flow, reply);
  }

  /** Applies the Contacts to the device's bindings, all or nothing, and answers. */
  private apply(
    entry: DeviceEntry,
    aor: string,
    contacts: readonly RequestedContact[],
    request: SipRequest,
    flow: SipFlow,
    reply: ReplyFn,
  ): void {
    const callId = request.callId;
    const cseq = request.cseq.seq;
    let added = 0;
    for (const c of contacts) {
      const b = findBinding(entry, aor, c.key);
      // RFC 3261 §10.3 step 7: same Call-ID needs a higher CSeq, "If not, the update MUST be aborted".
      if (b !== undefined && b.callId === callId && cseq <= b.cseq) {
        reply(INVALID_CSEQ);
        return;
      }
      if (b === undefined && c.expires > 0) added++;
    }
    if (entry.bindings.length + added > this.maxBindings) {
      this.options.reporter.reached(
        'sipMaxBindingsPerDevice',
        { address: flow.remoteAddress, device: entry.name },
        `refused a REGISTER of ${entry.name} from ${flow.remoteAddress}: it would hold more than ${this.maxBindings} Contacts (--sip-max-bindings-per-device)`,
      );
      reply({
        status: 403,
        reason: 'Forbidden (too many bindings)',
        headers: [
          warningHeader(
            this.options.warnAgent,
            `${entry.name} would hold more than ${this.maxBindings} bindings; unregister unused Contacts (Expires: 0) first`,
          ),
        ],
      });
      return;
    }
    const now = this.options.now();
    for (const c of contacts) {
      const b = findBinding(entry, aor, c.key);
      if (c.expires === 0) {
        // RFC 3261 §10.3 step 7: "If the binding does exist, the registrar checks the Call-ID value ... [and]
        // MUST ... remove the binding" when the expiration time is zero.
        if (b !== undefined) this.bindings.remove(b);
        continue;
      }
      const expiresAt = now + c.expires * 1000;
      if (b === undefined) {
        const binding: Binding = {
          device: entry,
          aor: flat(aor),
          aorUri: flat(request.to.uri),
          key: flat(c.key),
          uri: flat(c.uri),
          text: flat(c.text),
          callId: flat(callId),
          cseq,
          expiresAt,
          q: c.q,
          instanceId: c.instanceId === undefined ? undefined : flat(c.instanceId),
          regId: c.regId,
          flow,
          removed: false,
        };
        this.bindings.add(binding);
        continue;
      }
      const previousCallId = b.callId;
      if (b.callId !== callId) b.callId = flat(callId);
      b.cseq = cseq;
      b.expiresAt = expiresAt;
      if (b.uri !== c.uri) b.uri = flat(c.uri);
      if (b.text !== c.text) b.text = flat(c.text);
      b.q = c.q;
      if (b.aorUri !== request.to.uri) b.aorUri = flat(request.to.uri);
      this.bindings.setFlow(b, flow);
      this.bindings.updated(b, previousCallId);
    }
    if (entry.registerCallId !== callId) entry.registerCallId = flat(callId);
    const host = request.requestUri?.host;
    if (host !== undefined && host !== entry.serverHost) entry.serverHost = flat(host);
    reply(okReply(entry.bindings, aor, now, contacts.length === 1 ? contacts[0].expires : undefined));
    if (entry.bindings.length === 0) this.dropDevice(entry, 'unregister-request');
  }

  /**
   * RFC 3261 §10.3 step 6: `Contact: *` removes the bindings, but "If it does agree [the Call-ID], it MUST remove the
   * binding only if the CSeq in the request is higher than the value stored for that binding. Otherwise, the
   * update MUST be aborted and the request fails."
   */
  private removeAll(entry: DeviceEntry | undefined, aor: string, request: SipRequest, reply: ReplyFn): void {
    const now = this.options.now();
    if (entry === undefined) {
      reply(okReply([], aor, now));
      return;
    }
    const mine = entry.bindings.filter((b) => b.aor === aor);
    if (mine.some((b) => b.callId === request.callId && request.cseq.seq <= b.cseq)) {
      reply(INVALID_CSEQ);
      return;
    }
    for (const b of mine) this.bindings.remove(b);
    reply(okReply(entry.bindings, aor, now));
    if (entry.bindings.length === 0) this.dropDevice(entry, 'unregister-request');
  }

  private registrationRequest(
    request: SipRequest,
    flow: SipFlow,
    deviceName: string,
    authenticated = false,
  ): RegistrationRequest {
    const announced = announcedModel(request.header('user-agent'), request.contacts);
    return {
      deviceName,
      protocol: 'SIP',
      model: announced.model,
      announcedModel: announced.announced,
      address: formatAddress(flow.remoteAddress, flow.remotePort),
      activeLoadId: activeLoadOf(request),
      authenticated,
      transport: flow.transport,
    };
  }

  /** A refused digest answer, decided here: recorded as a registration event, answered as any user's would be. */
  private refuse(
    request: SipRequest,
    flow: SipFlow,
    deviceName: string,
    reason: 'sip-authentication-failed' | 'sip-digest-invalid',
    reply: ReplyFn,
    detail?: string,
  ): void {
    this.record(request, flow, deviceName, reason, detail);
    reply(
      digestRefusalReply(
        reason === 'sip-authentication-failed' ? 'failed' : 'invalid',
        this.options.warnAgent,
      ),
    );
  }

  /** Records a refusal decided here as a registration event (the operator's side of it). */
  private record(
    request: SipRequest,
    flow: SipFlow,
    deviceName: string,
    reason: 'sip-identity-unknown' | 'sip-authentication-failed' | 'sip-digest-invalid',
    detail?: string,
  ): void {
    const r = this.registrationRequest(request, flow, deviceName === '' ? '(no user)' : deviceName);
    const refused = rejection(reason, {
      deviceName: r.deviceName,
      nodeName: this.options.nodeName,
      protocol: 'SIP',
      announcedModel: r.announcedModel,
      username: this.options.digest.username(request) ?? request.to.sipUri?.user,
      detail,
      address: r.address,
    });
    this.options.recorder.rejected(r, refused);
  }

  /**
   * What the phone is told of a refusal by the registration service. A device refused for having no
   * credentials is answered as one with credentials would be (challenged, then refused as a wrong
   * password): a scanner cannot tell it from a device that has some, or from a name no device has.
   */
  private refusalReply(refused: Rejection, request: SipRequest): RegistrarReply {
    const { digest, warnAgent } = this.options;
    if (refused.reason !== 'sip-credentials-required') return rejectionReply(refused, warnAgent);
    if (digest.username(request) === undefined) return challengeReply(digest.challenges(request, false));
    return digestRefusalReply('failed', warnAgent);
  }

  /**
   * Refuses (records and answers) a REGISTER of a device without credentials from another IP address than
   * its live registration's; false when it comes from the same address.
   */
  private refusedTakeover(request: SipRequest, flow: SipFlow, entry: DeviceEntry, reply: ReplyFn): boolean {
    const r = this.registrationRequest(request, flow, entry.name);
    const live = { protocol: 'SIP' as const, address: entry.connection.address };
    const refused = takeoverRefusal(r, live, this.options.nodeName);
    if (refused === null) return false;
    this.options.recorder.rejected(r, refused);
    reply(rejectionReply(refused, this.options.warnAgent));
    return true;
  }

  /**
   * The device's SIP credentials were set, changed or removed on this node: its next REGISTER, a refresh
   * included, is checked against the stored ones (a password set or changed applies at once).
   */
  credentialsChanged(deviceName: string): void {
    const entry = this.bindings.device(deviceName);
    if (entry !== undefined) entry.credential = undefined;
  }

  /** Removes bindings whose expiry has passed (called every second). */
  expire(): void {
    for (const b of this.bindings.expired(this.options.now())) {
      if (b.removed) continue;
      this.bindings.remove(b);
      if (b.device.bindings.length === 0) this.dropDevice(b.device, 'registration-expired');
    }
  }

  /** A TCP or WebSocket connection closed: its bindings cannot be reached any more (RFC 5626 §5.2 flow failure). */
  flowClosed(flow: SipFlow): void {
    const lost = this.bindings.onConnection(flow.connectionId);
    for (const b of lost) {
      if (b.removed || b.flow !== flow) continue;
      this.bindings.remove(b);
      if (b.device.bindings.length === 0) this.dropDevice(b.device, 'connection-closed');
    }
  }

  /** Unregisters every device (the node stops). */
  shutdown(): void {
    for (const entry of [...this.bindings.allDevices()]) this.dropDevice(entry, 'node-shutdown');
  }

  private dropDevice(entry: DeviceEntry, reason: UnregistrationReason): void {
    for (const b of [...entry.bindings]) this.bindings.remove(b);
    this.bindings.removeDevice(entry);
    this.options.calls?.dropped(entry.name);
    this.options.registration.unregistered(
      { name: entry.name, protocol: 'SIP', model: entry.model },
      entry.connection,
      reason,
    );
  }
}

/**
 * A copy of `s` that holds only its own characters. Header values are slices of the whole message's
 * text; a binding that kept such a slice would keep the entire REGISTER alive for as long as it lives.
 */
function flat(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

function findBinding(entry: DeviceEntry, aor: string, key: string): Binding | undefined {
  for (const b of entry.bindings) if (b.key === key && b.aor === aor) return b;
  return undefined;
}
