import type { Logger } from 'pino';
import type { LegCommand } from '../../core/call/call-command.js';
import type { Party } from '../../core/call/call.js';
import type { Codec } from '../../core/call/codec.js';
import type { Device } from '../../core/device.js';
import type { LegEvent } from '../../services/calls/call-ports.js';
import type { SccpCallEndpoint, SccpCalls } from './calls.js';
import { OFFERED_CALL_REFERENCE_BASE } from './calls.js';
import { encodeMessageBody, type SccpMessageInput } from './codec/sccp-message.js';
import { MessageId } from './codec/message-id.js';
import { KeypadKey } from './codec/messages/station-call.js';
import type { ForwardReply } from './forward-all-key.js';
import { ForwardAllKey } from './forward-all-key.js';
import type { PhoneCall } from './handlers/leg-renderer.js';
import { passThruPartyOf, renderLegCommand } from './handlers/leg-renderer.js';
import { holdActiveCall } from './hold-active.js';

/** What a phone's calls need of its session. */
export interface CallSession {
  readonly device: Device | null;
  /** The phone's IP address (for the CDR). */
  readonly peerIp: string;
  /** The protocol version agreed at Register. */
  readonly agreedVersion: number;
  readonly log: Logger;
  send(messageId: number, body: Buffer): void;
}

/** Calls that are the phone's active one: it is off-hook for them (not ringing, held or shown elsewhere). */
const ACTIVE: ReadonlySet<PhoneCall['state']> = new Set([
  'offered',
  'dialling',
  'proceeding',
  'alerting',
  'connected',
  'failed',
]);

/**
 * The calls of one SCCP phone: turns what the phone presses into the call model's events
 * (docs/calls.md, SCCP adapter, first table) and renders the node's leg commands back to it. Calls
 * are named by callReference; the phone numbers the ones it places, the node the ones it offers.
 */
export class StationCalls implements SccpCallEndpoint {
  private readonly calls = new Map<number, PhoneCall>();
  private nextReference = 0;
  /**
   * A transfer or conference begun with its key (Transfer, Confrn): the call held, and the
   * consultation call placed for it; the same key again completes it.
   */
  private transferring: { held: number; consult: number; by: 'transfer' | 'conference' } | null = null;
  private attached = false;
  private codecs: Codec[] = [];
  private readonly forwardKey: ForwardAllKey;
  /**
   * The number this phone dialled last that routed (Redial). In memory: a 79xx keeps its own
   * redial only until it restarts, and a phone that re-registers here gets a new session anyway.
   */
  private lastDialled: string | null = null;

  constructor(
    private readonly session: CallSession,
    private readonly port: SccpCalls,
  ) {
    this.forwardKey = new ForwardAllKey(
      (message) => this.emit(message),
      (line, dn, target) => this.port.forwardAll?.(this, line, dn, target),
      () => session.agreedVersion >= 18,
    );
  }

  /** The phone registered (or told its codecs): it can place and receive calls. */
  attach(codecs?: Codec[]): void {
    const device = this.session.device;
    if (!device) return;
    if (codecs) this.codecs = codecs;
    this.attached = true;
    this.port.attach(this, {
      deviceName: device.name,
      address: this.session.peerIp,
      codecs: this.codecs,
      lines: device.lines.map((l) => ({ index: l.index, dn: l.dn })),
    });
  }

  /** The connection ended: its calls end with it. */
  detach(): void {
    if (!this.attached) return;
    this.attached = false;
    this.port.detach(this);
    this.calls.clear();
  }

  get count(): number {
    return this.calls.size;
  }

  /** OffHook, NewCall, a line key: answers a ringing call, else places a new one (unless one is active). */
  offHook(line: number): void {
    if (!this.attached) return;
    const ringing = this.find((c) => c.state === 'ringing');
    if (ringing) {
      this.holdTalking(ringing);
      this.send(ringing, { kind: 'answer' });
      return;
    }
    if (this.active()) return;
    this.place(line);
  }

  /** NewCall: while talking, the call is held and the line gives dial tone for another. */
  newCall(line: number): void {
    if (!this.attached) return;
    if (this.holdTalking(undefined)) this.place(line, true);
    else if (!this.active()) this.place(line, true);
  }

  onHook(callReference: number): void {
    if (this.forwardKey.entering) return this.forwardKey.cancel();
    const call = this.calls.get(callReference) ?? this.active();
    if (call && call.state !== 'ringing' && call.state !== 'in-use-remotely')
      this.send(call, { kind: 'hang-up' });
  }

  /** EndCall: the call named, or the active one; on a ringing phone it refuses the call. */
  endCall(callReference: number): void {
    if (this.forwardKey.entering) return this.forwardKey.cancel();
    const call = this.calls.get(callReference) ?? this.active() ?? this.find((c) => c.state === 'ringing');
    if (call) this.send(call, { kind: 'hang-up' });
  }

  answer(callReference: number): void {
    const call = this.calls.get(callReference) ?? this.find((c) => c.state === 'ringing');
    if (call?.state !== 'ringing') return;
    this.holdTalking(call);
    this.send(call, { kind: 'answer' });
  }

  hold(callReference: number): void {
    const call = this.calls.get(callReference) ?? this.find((c) => c.state === 'connected');
    if (call) this.send(call, { kind: 'hold' });
  }

  resume(callReference: number): void {
    const call = this.calls.get(callReference) ?? this.find((c) => c.state === 'on-hold');
    if (!call) return;
    this.holdTalking(call);
    this.send(call, { kind: 'resume' });
  }

  /** Holds the call the phone talks on before it takes `next`; whether one was held. */
  private holdTalking(next: PhoneCall | undefined): boolean {
    return (
      holdActiveCall(this.calls.values(), next, (call) => this.send(call, { kind: 'hold' })) !== undefined
    );
  }

  /**
   * PickUp (`group` false) or GPickUp (true), in the on-hook and off-hook key sets: on the call
   * being dialled, else on a new one on `line` (core/call/pickup.ts decides the rest).
   */
  pickup(line: number, group: boolean): void {
    if (!this.attached) return;
    const active = this.active();
    if (active && active.state !== 'dialling' && active.state !== 'offered') return;
    const call = active ?? this.place(line, true);
    this.send(call, { kind: 'pickup-key', group });
  }

  /**
   * Transfer (calls.md §1.5 "Consultative transfer"): the first press holds the talking call and
   * opens a new one on its line for the target's number; the second (on either call) completes,
   * consultative once the target answered, early while it still rings.
   */
  transfer(callReference: number): void {
    this.consult(callReference, 'transfer');
  }

  /**
   * Confrn (calls.md §1.4, key 13): as Transfer, the first press holds the talking call and opens
   * one for the third party's number; the second, once that party answered, makes the conference.
   */
  conference(callReference: number): void {
    this.consult(callReference, 'conference');
  }

  private consult(callReference: number, by: 'transfer' | 'conference'): void {
    if (!this.attached) return;
    const pending = this.transferring;
    if (pending && this.calls.has(pending.held) && this.calls.has(pending.consult)) {
      // The other key while one is pending: the first one's consultation goes on. A conference
      // joins parties who talk: pressed while the third party still rings, it waits for the answer.
      if (pending.by !== by) return;
      if (by === 'conference' && this.calls.get(pending.consult)?.state !== 'connected') return;
      this.transferring = null;
      if (by === 'transfer') this.port.transfer(this, pending.held, pending.consult);
      else this.port.conference(this, pending.held, pending.consult);
      return;
    }
    const call = this.calls.get(callReference) ?? this.find((c) => c.state === 'connected');
    if (call?.state !== 'connected') return;
    this.send(call, { kind: 'hold' });
    const consult = this.place(call.line);
    this.transferring = { held: call.callReference, consult: consult.callReference, by };
  }

  /** One key: a digit of the number being dialled (0–9, * = 0x0E, # = 0x0F). */
  keypad(button: number, callReference: number): void {
    const digit =
      button <= 9
        ? String(button)
        : button === KeypadKey.Star
          ? '*'
          : button === KeypadKey.Pound
            ? '#'
            : null;
    if (digit !== null && this.forwardKey.entering) return this.forwardKey.digit(digit);
    const call = this.calls.get(callReference) ?? this.active();
    if (digit !== null && call) this.send(call, { kind: 'digit', digit });
  }

  /** A whole number: dialled on the active call, or on a new one. */
  enbloc(number: string, line: number): void {
    if (!this.attached || !/^[0-9*#]{1,24}$/.test(number)) return;
    if (this.forwardKey.entering) return this.forwardKey.number(number);
    const call = this.active() ?? this.place(line);
    this.send(call, { kind: 'digits', digits: number });
  }

  /** CFwdAll (soft key or feature button) on `line`, while no call is active (calls.md §1.5). */
  forwardAll(line: number): void {
    if (!this.attached || (this.active() && !this.forwardKey.entering)) return;
    const lineInstance = this.lineOf(line);
    const dn = this.partyOf(lineInstance).number;
    if (dn) this.forwardKey.pressed(lineInstance, dn);
  }

  /** The node's answer to CFwdAll. */
  forwardReply(line: number, reply: ForwardReply): void {
    this.forwardKey.reply(line, reply);
  }

  /** Redial: the last number dialled, en bloc, on the active call (dialling) or a new one. */
  redial(line: number): void {
    if (this.lastDialled && !this.forwardKey.entering) this.enbloc(this.lastDialled, line);
  }

  /** OpenReceiveChannelAck: where the phone receives, or that it could not open the channel. */
  receiveChannel(
    status: number,
    address: string,
    port: number,
    passThruPartyId: number,
    callReference: number,
  ): void {
    const call = this.calls.get(callReference) ?? this.calls.get(passThruPartyOf(passThruPartyId));
    if (!call) return;
    if (call.media.staleAcks) {
      // The ack of a channel closed before it came (hold right after answer): the open one's follows.
      call.media.staleAcks--;
      return;
    }
    if (call.media.receive !== 'opening') return;
    if (status !== 0 || address === '0.0.0.0' || port === 0 || port > 65535) {
      this.session.log.warn(
        { device: this.session.device?.name, status, address, port },
        `${this.session.device?.name} could not open an RTP receive channel for its call ${callReference} (OpenReceiveChannelAck status ${status}, ${address}:${port}); the call is cleared. Status 2 or 8: the phone has no channel or socket left; 0xFF: it was on-hook`,
      );
      call.media.receive = 'closed';
      this.send(call, { kind: 'media-failed' });
      return;
    }
    call.media.receive = 'open';
    this.send(call, {
      kind: 'media',
      media: { address, port, codecs: [], direction: 'sendrecv' },
      offer: false,
    });
  }

  /** A leg command from the node. */
  command(callReference: number, line: number, command: LegCommand): void {
    let call = this.calls.get(callReference);
    if (!call) {
      // Only the node's own numbers open a call here; a stray command for a call gone is dropped.
      if (callReference < OFFERED_CALL_REFERENCE_BASE && command.kind !== 'clear') return;
      call = {
        callReference,
        line: line || 1,
        state: 'offered',
        inbound: true,
        media: { receive: 'closed', transmitting: false },
        remote: null,
      };
      if (command.kind !== 'clear') this.calls.set(callReference, call);
    }
    // The number a placed call routed to first is what Redial dials (a forward's target is not).
    if (
      !call.inbound &&
      command.kind === 'call-state' &&
      command.state === 'proceeding' &&
      call.state !== 'proceeding'
    )
      this.lastDialled = command.remote?.number || this.lastDialled;
    const own = this.partyOf(call.line);
    const lineBusyElsewhere = [...this.calls.values()].some(
      (c) => c !== call && c.line === call.line && c.state !== 'in-use-remotely',
    );
    const talking = this.find((c) => c !== call && ACTIVE.has(c.state) && c.state !== 'offered');
    const messages = renderLegCommand(call, command, {
      own,
      v17: this.session.agreedVersion >= 17,
      lineBusyElsewhere,
      ...(talking ? { activeCall: { line: talking.line, callReference: talking.callReference } } : {}),
    });
    if (command.kind === 'clear') {
      this.calls.delete(callReference);
      // EndCall on the consultation call leaves the other held, as CUCM does; the transfer is off.
      const pending = this.transferring;
      if (pending && (pending.held === callReference || pending.consult === callReference))
        this.transferring = null;
    }
    for (const message of messages) this.emit(message);
  }

  private place(line: number, placesCall = false): PhoneCall {
    const lineInstance = this.lineOf(line);
    this.nextReference = this.nextReference + 1 >= OFFERED_CALL_REFERENCE_BASE ? 1 : this.nextReference + 1;
    const call: PhoneCall = {
      callReference: this.nextReference,
      line: lineInstance,
      state: 'offered',
      inbound: false,
      media: { receive: 'closed', transmitting: false },
      remote: null,
    };
    this.calls.set(call.callReference, call);
    this.port.offHook(this, call.callReference, lineInstance, this.partyOf(lineInstance), placesCall);
    return call;
  }

  private send(call: PhoneCall, event: LegEvent): void {
    this.port.send(this, call.callReference, event);
  }

  private active(): PhoneCall | undefined {
    return this.find((c) => ACTIVE.has(c.state));
  }

  private find(match: (call: PhoneCall) => boolean): PhoneCall | undefined {
    let found: PhoneCall | undefined;
    for (const call of this.calls.values()) if (match(call)) found = call;
    return found;
  }

  /** A 7960 says line 0 when it goes off-hook: its first line with a DN. */
  private lineOf(line: number): number {
    const lines = this.session.device?.lines ?? [];
    return lines.some((l) => l.index === line) ? line : (lines[0]?.index ?? 1);
  }

  private partyOf(line: number): Party {
    const device = this.session.device;
    const dn = device?.lines.find((l) => l.index === line)?.dn ?? '';
    return { number: dn, name: device?.description.slice(0, 39) ?? '' };
  }

  private emit(message: SccpMessageInput): void {
    if (message.type === 'Unknown') return;
    this.session.send(MessageId[message.type], encodeMessageBody(message));
  }
}
