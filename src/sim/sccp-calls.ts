/**
 * A simulated SCCP phone's calls: what a user does (lift the handset and dial, answer, hold,
 * resume, hang up) as Skinny messages, and what the call manager shows (call state, caller ID,
 * tones, prompts, ringer) kept per callReference. Media: on OpenReceiveChannel the phone opens an
 * RTP port on its own address and acks with it; on StartMediaTransmission it sends µ-law there.
 */
import { EventEmitter } from 'node:events';
import type { SccpMessage } from '../protocols/sccp/codec/index.js';
import { CallStateCode, KeypadKey, SoftKeyEvent } from '../protocols/sccp/codec/index.js';
import { RtpStream } from './rtp.js';
import type { RtpStats } from './rtp.js';
import type { SccpStation } from './sccp-station.js';

/** The keys that hold a call, open a consultation call and, pressed again, complete: Transfer and Confrn. */
export type JoinKey = typeof SoftKeyEvent.Transfer | typeof SoftKeyEvent.Confrn;

export interface SimCall {
  callReference: number;
  line: number;
  /** The last CallState (calls.md §1.2 numbers: 1 off-hook, 3 ring-out, 4 ring-in, 5 connected, 8 hold …). */
  state: number;
  /** Who the phone shows on the call (CallInfo: the other party). */
  remote: { number: string; name: string } | null;
  callType: number;
  /** A forwarded call (CallInfo callType 3): the number dialled, the last to forward, and why (15 all, 1 busy, 2 no answer). */
  forwarded: { originalCalled: string; lastRedirecting: string; reason: number } | null;
  /** The tone playing (StartTone code), or null. */
  tone: number | null;
  /** The prompt shown (DisplayPromptStatus text; 0x80 + code is a label). */
  prompt: string;
  /** The last SetRinger mode for this call (2 inside, 5 flash only: call waiting), or null. */
  ringMode: number | null;
  /** The RTP port open for this call now, if any. */
  rtp: RtpStream | null;
  /** Receive ports opened over the call (a resume may open a new one). */
  portsOpened: number[];
  /** Every StartMediaTransmission target ("ip:port"), in order. */
  sentTo: string[];
  /** What the closed RTP ports of this call counted. */
  closedStats: RtpStats[];
}

/** A CallState name for screens and reports. */
export const CALL_STATE_NAMES: Record<number, string> = {
  1: 'off-hook',
  2: 'on-hook',
  3: 'ring-out',
  4: 'ring-in',
  5: 'connected',
  8: 'hold',
  12: 'proceed',
  13: 'in use remote',
};

/** A call as the phone's screen and reports show it. */
export interface SimCallView {
  callReference: number;
  state: string;
  remote: { number: string; name: string } | null;
  tone: number | null;
  /** RTP of the call now: packets sent and received, from where, and where it sends. */
  media: RtpStats | null;
}

interface Events {
  change: [SimCall];
  ended: [SimCall];
  /** A tone or prompt for no call the phone knows changed (`shown`). */
  shown: [];
  /** ForwardStat: the line's Forward All now (null: off). */
  forward: [string | null];
}

/** The callReference the node gives the CFwdAll number entry (never a call's). */
const FORWARD_ENTRY = 0x3fffffff;

export class SccpPhoneCalls extends EventEmitter<Events> {
  readonly calls = new Map<number, SimCall>();
  /** Calls that ended (their last state), oldest first. */
  readonly ended: SimCall[] = [];
  /** The ringer sounds (SetRinger other than off). */
  ringing = false;
  /** Tone and prompt sent for no call the phone knows: an off-hook refused at a limit gets reorder and "Temp Fail" without a call state. */
  shown: { tone: number | null; prompt: string } = { tone: null, prompt: '' };

  constructor(
    private readonly station: SccpStation,
    private readonly options: { address: string; autoAnswer?: boolean; line?: number; toneHz?: number },
  ) {
    super();
    station.on('message', (message) => this.onMessage(message));
    station.on('closed', () => {
      for (const call of this.calls.values()) call.rtp?.close();
    });
  }

  private get line(): number {
    return this.options.line ?? 1;
  }

  /** Lifts the handset (OffHook) and dials `number` one key at a time, once dial tone plays. */
  async dial(number: string, timeoutMs = 10_000): Promise<SimCall> {
    this.station.send({ type: 'OffHook', lineInstance: 0, callReference: 0 });
    const call = await this.waitFor((c) => c.state === CallStateCode.OffHook, timeoutMs);
    for (const key of number) {
      const button = key === '*' ? KeypadKey.Star : key === '#' ? KeypadKey.Pound : Number(key);
      this.station.send({
        type: 'KeypadButton',
        button,
        lineInstance: call.line,
        callReference: call.callReference,
      });
    }
    return call;
  }

  /** Dials the whole number at once (EnblocCall), as a 79x1 with the Dial key does. */
  dialEnbloc(number: string): void {
    this.station.send({ type: 'EnblocCall', calledParty: number, lineInstance: this.line });
  }

  /** Answer soft key on the ringing call. */
  answer(): boolean {
    const call = this.find((c) => c.state === CallStateCode.RingIn);
    if (!call) return false;
    this.softKey(SoftKeyEvent.Answer, call);
    return true;
  }

  /** Forward All of the phone's line, as the last ForwardStat said ("Forwarded to …"); null when off. */
  forwardAll: string | null = null;

  /**
   * CFwdAll as a user does it: press the key, dial the number and # (or press it once to clear);
   * resolves with the Forward All the node then confirms in ForwardStat.
   */
  async setForwardAll(target: string | null, timeoutMs = 10_000): Promise<string | null> {
    if (target !== null && this.forwardAll !== null) await this.setForwardAll(null, timeoutMs);
    if (target === null && this.forwardAll === null) return null;
    const confirmed = new Promise<string | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ForwardStat within ${timeoutMs} ms`)), timeoutMs);
      this.once('forward', (now) => {
        clearTimeout(timer);
        resolve(now);
      });
    });
    const ref = { lineInstance: this.line, callReference: 0 };
    this.station.send({ type: 'SoftKeyEvent', softKeyEvent: SoftKeyEvent.CFwdAll, ...ref });
    if (target !== null) {
      const entry = await this.waitFor(
        (c) => c.callReference === FORWARD_ENTRY && c.state === CallStateCode.OffHook,
        timeoutMs,
      );
      for (const key of `${target}#`) {
        const button = key === '*' ? KeypadKey.Star : key === '#' ? KeypadKey.Pound : Number(key);
        this.station.send({
          type: 'KeypadButton',
          button,
          lineInstance: entry.line,
          callReference: FORWARD_ENTRY,
        });
      }
    }
    return confirmed;
  }

  /** Redial soft key: the node dials the last number again. */
  redial(): void {
    this.station.send({
      type: 'SoftKeyEvent',
      softKeyEvent: SoftKeyEvent.Redial,
      lineInstance: this.line,
      callReference: 0,
    });
  }

  /** PickUp soft key (on-hook set): answers the call ringing longest in the line's pickup group. */
  pickUp(): void {
    this.station.send({
      type: 'SoftKeyEvent',
      softKeyEvent: SoftKeyEvent.PickUp,
      lineInstance: this.line,
      callReference: 0,
    });
  }

  /** GPickUp soft key, then the group's number key by key and # once dial tone plays. */
  async groupPickUp(group: string, timeoutMs = 10_000): Promise<void> {
    this.station.send({
      type: 'SoftKeyEvent',
      softKeyEvent: SoftKeyEvent.GPickUp,
      lineInstance: this.line,
      callReference: 0,
    });
    const call = await this.waitFor((c) => c.state === CallStateCode.OffHook, timeoutMs);
    for (const key of `${group}#`) {
      const button = key === '#' ? KeypadKey.Pound : Number(key);
      this.station.send({
        type: 'KeypadButton',
        button,
        lineInstance: call.line,
        callReference: call.callReference,
      });
    }
  }

  /** OnHook on the active call (the handset goes down). */
  hangUp(): void {
    const call = this.active();
    this.station.send({
      type: 'OnHook',
      lineInstance: call?.line ?? 0,
      callReference: call?.callReference ?? 0,
    });
  }

  hold(): boolean {
    const call = this.find((c) => c.state === CallStateCode.Connected);
    if (call) this.softKey(SoftKeyEvent.Hold, call);
    return !!call;
  }

  resume(): boolean {
    const call = this.find((c) => c.state === CallStateCode.Hold);
    if (call) this.softKey(SoftKeyEvent.Resume, call);
    return !!call;
  }

  /**
   * Transfer soft key on the talking call: the node holds it and opens a consultation call, on which
   * `number` is dialled. Completing is {@link completeTransfer}, once the target rings or answers.
   */
  async transfer(number: string, timeoutMs = 10_000, key: JoinKey = SoftKeyEvent.Transfer): Promise<SimCall> {
    const call = this.find((c) => c.state === CallStateCode.Connected);
    if (!call) throw new Error(`no talking call to transfer; calls: ${JSON.stringify(this.describe())}`);
    this.softKey(key, call);
    const consult = await this.waitFor(
      (c) => c.state === CallStateCode.OffHook && c.callReference !== call.callReference,
      timeoutMs,
    );
    for (const key of number) {
      const button = key === '*' ? KeypadKey.Star : key === '#' ? KeypadKey.Pound : Number(key);
      this.station.send({
        type: 'KeypadButton',
        button,
        lineInstance: consult.line,
        callReference: consult.callReference,
      });
    }
    return consult;
  }

  /**
   * Transfer soft key again, on the consultation call: the node joins the held party and the target
   * (Confrn, with `key`: the node makes a conference of the three).
   */
  completeTransfer(consult: SimCall, key: JoinKey = SoftKeyEvent.Transfer): void {
    this.softKey(key, consult);
  }

  /** The call the phone is off-hook for (not ringing, held or shown in use elsewhere). */
  active(): SimCall | undefined {
    return this.find(
      (c) =>
        c.state !== CallStateCode.RingIn &&
        c.state !== CallStateCode.Hold &&
        c.state !== CallStateCode.RemoteMultiline,
    );
  }

  find(match: (call: SimCall) => boolean): SimCall | undefined {
    let found: SimCall | undefined;
    for (const call of this.calls.values()) if (match(call)) found = call;
    return found;
  }

  /** Resolves with the first call (live or ended) that matches, now or after a change. */
  waitFor(match: (call: SimCall) => boolean, timeoutMs = 10_000): Promise<SimCall> {
    const now = this.find(match) ?? this.ended.find(match);
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const check = (call: SimCall) => {
        if (!match(call)) return;
        clearTimeout(timer);
        this.off('change', check);
        resolve(call);
      };
      const timer = setTimeout(() => {
        this.off('change', check);
        reject(
          new Error(`no call matched within ${timeoutMs} ms; calls: ${JSON.stringify(this.describe())}`),
        );
      }, timeoutMs);
      this.on('change', check);
    });
  }

  /** The calls as plain data (for the screen, --json and error messages). */
  describe(): SimCallView[] {
    return [...this.calls.values()].map((c) => ({
      callReference: c.callReference,
      state: CALL_STATE_NAMES[c.state] ?? String(c.state),
      remote: c.remote,
      tone: c.tone,
      media: c.rtp?.stats ?? null,
    }));
  }

  private softKey(softKeyEvent: number, call: SimCall): void {
    this.station.send({
      type: 'SoftKeyEvent',
      softKeyEvent,
      lineInstance: call.line,
      callReference: call.callReference,
    });
  }

  private callOf(callReference: number, line: number): SimCall {
    let call = this.calls.get(callReference);
    if (!call) {
      call = {
        callReference,
        line: line || this.line,
        state: 0,
        remote: null,
        callType: 0,
        forwarded: null,
        tone: null,
        prompt: '',
        ringMode: null,
        rtp: null,
        portsOpened: [],
        sentTo: [],
        closedStats: [],
      };
      this.calls.set(callReference, call);
    }
    return call;
  }

  private onMessage(message: SccpMessage): void {
    switch (message.type) {
      case 'CallState': {
        const call = this.callOf(message.callReference, message.lineInstance);
        call.state = message.callState;
        if (message.callState === CallStateCode.OnHook) {
          this.closeRtp(call);
          this.calls.delete(call.callReference);
          this.ended.push(call);
          this.emit('change', call);
          this.emit('ended', call);
          return;
        }
        if (message.callState === CallStateCode.RingIn && this.options.autoAnswer)
          this.softKey(SoftKeyEvent.Answer, call);
        this.emit('change', call);
        return;
      }
      case 'CallInfo': {
        const call = this.callOf(message.callReference, message.lineInstance);
        call.callType = message.callType;
        if (message.callType === 3)
          call.forwarded = {
            originalCalled: message.originalCalledParty,
            lastRedirecting: message.lastRedirectingParty,
            reason: message.lastRedirectingReason,
          };
        // Inbound (1) and forwarded (3, always offered to this phone) show the caller.
        call.remote =
          message.callType !== 2
            ? { number: message.callingParty, name: message.callingPartyName }
            : { number: message.calledParty, name: message.calledPartyName };
        this.emit('change', call);
        return;
      }
      case 'ForwardStat':
        this.forwardAll = message.forwardAllActive ? message.forwardAllNumber : null;
        this.emit('forward', this.forwardAll);
        return;
      case 'SetRinger': {
        // The ringer is the phone's, whichever call it rings for; flash only (call waiting) is silent.
        this.ringing = message.ringMode !== 1 && message.ringMode !== 5;
        const call = this.calls.get(message.callReference);
        if (call) {
          call.ringMode = message.ringMode;
          this.emit('change', call);
        }
        return;
      }
      case 'StartTone':
      case 'StopTone':
      case 'DisplayPromptStatus': {
        const call = this.calls.get(message.callReference);
        if (!call) {
          if (message.type === 'StartTone') this.shown.tone = message.tone;
          else if (message.type === 'StopTone') this.shown.tone = null;
          else this.shown.prompt = message.promptStatus;
          this.emit('shown');
          return;
        }
        if (message.type === 'StartTone') call.tone = message.tone;
        else if (message.type === 'StopTone') call.tone = null;
        else call.prompt = message.promptStatus;
        this.emit('change', call);
        return;
      }
      case 'OpenReceiveChannel':
        void this.openReceive(message.callReference, message.passThruPartyId);
        return;
      case 'StartMediaTransmission': {
        const call = this.calls.get(message.callReference);
        if (!call) return;
        call.sentTo.push(`${message.remoteIpAddress}:${message.remotePort}`);
        call.rtp?.start({ address: message.remoteIpAddress, port: message.remotePort });
        this.emit('change', call);
        return;
      }
      case 'StopMediaTransmission':
      case 'CloseReceiveChannel': {
        const call = this.calls.get(message.callReference);
        if (!call) return;
        if (message.type === 'CloseReceiveChannel') this.closeRtp(call);
        else call.rtp?.stop();
        this.emit('change', call);
        return;
      }
      default:
        return;
    }
  }

  private async openReceive(callReference: number, passThruPartyId: number): Promise<void> {
    const call = this.calls.get(callReference);
    const ack = (status: number, ipAddress: string, port: number) =>
      this.station.send({
        type: 'OpenReceiveChannelAck',
        status,
        ipAddress,
        port,
        passThruPartyId,
        callReference,
      });
    if (!call) {
      ack(0xff, '0.0.0.0', 0);
      return;
    }
    this.closeRtp(call);
    try {
      const rtp = await RtpStream.open(this.options.address, this.options.toneHz);
      if (this.calls.get(callReference) !== call) {
        rtp.close();
        return;
      }
      call.rtp = rtp;
      call.portsOpened.push(rtp.port);
      ack(0, this.options.address, rtp.port);
      this.emit('change', call);
    } catch {
      // Status 8: out of sockets (calls.md §1.2).
      ack(8, '0.0.0.0', 0);
    }
  }

  private closeRtp(call: SimCall): void {
    if (!call.rtp) return;
    call.closedStats.push(call.rtp.stats);
    call.rtp.close();
    call.rtp = null;
  }
}

/** What a call's RTP ports received in all, and from where. */
export function receivedOf(call: SimCall): { received: number; from: string[] } {
  const all = [...call.closedStats, ...(call.rtp ? [call.rtp.stats] : [])];
  return {
    received: all.reduce((n, s) => n + s.received, 0),
    from: [...new Set(all.flatMap((s) => s.receivedFrom))],
  };
}
