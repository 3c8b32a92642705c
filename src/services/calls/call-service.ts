import type { Logger } from 'pino';
import type { CallCommand } from '../../core/call/call-command.js';
import type { CallEvent } from '../../core/call/call-event.js';
import type { Call, Party } from '../../core/call/call.js';
import { newCall } from '../../core/call/call.js';
import type { PickupCodes } from '../../core/call/pickup.js';
import type { MediaEncryption } from '../../core/call/srtp.js';
import { callDetailRecord } from '../../core/call/cdr.js';
import type { DialPlanView } from '../../core/call/dial-plan.js';
import type { Q850Cause } from '../../core/call/q850.js';
import { Q850 } from '../../core/call/q850.js';
import type { DnFeatures } from '../../core/line-settings.js';
import { NO_DN_FEATURES } from '../../core/line-settings.js';
import type { ForwardView } from '../../core/call/call-event.js';
import { transition } from '../../core/call/transition.js';
import type { Limits } from '../../limits/index.js';
import type { Clock } from '../clock.js';
import type { LimitReporter } from '../limit-log.js';
import { CallTimers, timerPlan } from './call-timers.js';
import type {
  CallDevice,
  CallWatcher,
  CdrSink,
  MediaEncryptionPolicy,
  LegEvent,
  LegHandle,
  LegSink,
  Scheduler,
} from './call-ports.js';
import type { DnLocator } from './dn-locator.js';
import type { MusicOnHold } from './music-on-hold.js';
import { routeTargets } from './route-targets.js';
import { LineCalls } from './line-calls.js';
import { callToPickUp } from './pickup-finder.js';
import type { TransferOutcome } from './transfer.js';
import type { ConferenceHosting } from './conference-bridge-port.js';
import { bridgeDevice, bridgeNumber } from './conference-bridge-port.js';
import { ConferenceRegistry } from './conference-registry.js';
import { CONFERENCE_REFUSAL_TEXT, conferenceCalls, conferenceParties } from '../../core/call/conference.js';
import { joinCalls } from '../../core/call/join.js';
import { planTransfer } from './transfer.js';

export type CallSettings = Pick<
  Limits,
  | 'callMaxActive'
  | 'callMaxPerDevice'
  | 'callT302Milliseconds'
  | 'callRingTimeoutSeconds'
  | 'callForwardNoAnswerSeconds'
  | 'callForwardMaxHops'
>;

export interface CallServiceDeps {
  clock: Clock;
  scheduler: Scheduler;
  locator: DnLocator;
  /** The directory numbers that exist now (configured, registered or not). */
  dialPlan: () => DialPlanView;
  cdrs: CdrSink;
  limits: LimitReporter;
  settings: CallSettings;
  /** globalCallID_callManagerId of this node's CDRs. */
  callManagerId: number;
  logger: Logger;
  /** Told of each call that starts, changes or ends (Active Calls). */
  watcher?: CallWatcher;
  /** A DN's forwarding and pickup group, from a cache (routing never waits on a query); none when absent. */
  dnFeatures?: (dn: string) => DnFeatures;
  /** The call pickup feature codes SIP phones dial (core/call/pickup.ts); *8 and *9 when absent. */
  pickupCodes?: PickupCodes;
  /** Music on hold for held phones; absent: a held phone hears silence. */
  music?: MusicOnHold;
  /** The conference bridge; absent: Confrn is refused (logged). */
  conferences?: ConferenceHosting;
  /** Each device's media encryption policy (SRTP keys end to end); every device 'off' when absent. */
  encryption?: MediaEncryptionPolicy;
}

/** What became of a conference request. */
export type ConferenceOutcome =
  | { kind: 'conferenced'; conference: number }
  /** Nothing changed: the controller's calls stay as they were; `message` says why (logged). */
  | { kind: 'refused'; message: string };

/** What an adapter tells when a phone goes off-hook (or sends an INVITE). */
export interface OffHook {
  deviceName: string;
  line: number;
  /** The line's DN and name: the caller ID the other phone shows. */
  party: Party;
  sink: LegSink;
  /** A SIP INVITE: it always places a new call, never answers one ringing on the device (a 200 OK does). */
  placesCall?: boolean;
}

export type OffHookResult =
  | { kind: 'calling'; leg: LegHandle }
  /** The phone had a call ringing: going off-hook answered it (FreeSWITCH does the same). */
  | { kind: 'answered'; leg: LegHandle }
  /** A limit refused the call; the sink was told (reorder, prompt, reject with the cause). */
  | { kind: 'refused'; cause: Q850Cause };

/** What the node's calls came to since it started (/metrics). */
export interface CallCounts {
  /** Off-hooks that began a call, or were refused one at a limit. */
  started: number;
  /** Calls answered. */
  connected: number;
  /** Calls that could not complete (busy, unallocated, refused at a limit …), by Q.850 cause. */
  failed: ReadonlyMap<number, number>;
}

interface LiveLeg {
  callId: number;
  deviceName: string;
  /** The line button the leg is on (calls are counted per line appearance). */
  line: number;
  sink: LegSink | null;
  /** Told `clear`: the phone no longer holds it, though its call goes on (no longer counted). */
  cleared?: boolean;
}

/**
 * Owns the live calls of a node: runs each call's transition() on the events adapters send, hands
 * the commands to the legs' sinks, runs the timers, routes through the DnLocator, and writes the
 * CDR of each call that ends. Events are handled one at a time, in order, even when a sink sends
 * one back while it is being told something.
 */
export class CallService {
  private readonly calls = new Map<number, Call>();
  private readonly legs = new Map<number, LiveLeg>();
  /** Live legs per device and line: limits and busy trigger are checked without a scan of all legs. */
  private readonly lineCalls = new LineCalls();
  private readonly devices = new Map<string, CallDevice>();
  private readonly timers: CallTimers;
  private readonly queue: { callId: number; event: CallEvent }[] = [];
  private draining = false;
  private nextCallId = 1;
  private nextLegId = 1;
  private readonly counts = { started: 0, connected: 0, failed: new Map<number, number>() };

  private readonly forwards: ForwardView;
  private readonly conferences = new ConferenceRegistry();

  constructor(private readonly deps: CallServiceDeps) {
    this.timers = new CallTimers(deps.scheduler);
    if (deps.conferences) this.devices.set(deps.conferences.deviceName, bridgeDevice(deps.conferences));
    this.forwards = {
      features: deps.dnFeatures ?? (() => NO_DN_FEATURES),
      // Read at each use: a changed setting applies to the next forward.
      get maxHops() {
        return deps.settings.callForwardMaxHops;
      },
    };
  }

  /** A device registered through an adapter can place and receive calls. */
  attach(device: CallDevice): void {
    this.devices.set(device.deviceName, device);
    if (device.protocol === 'SCCP' || device.protocol === 'SIP')
      this.deps.encryption?.track?.(device.deviceName);
  }

  /** The device is gone (unregistered, connection lost): each of its calls learns it (cause 27). */
  detach(deviceName: string): void {
    if (!this.devices.delete(deviceName)) return;
    this.deps.encryption?.untrack?.(deviceName);
    for (const [legId, leg] of this.legs) {
      if (leg.deviceName !== deviceName) continue;
      leg.sink = null;
      this.enqueue(leg.callId, { kind: 'unreachable', leg: legId, cause: Q850.destinationOutOfOrder });
    }
    this.drain();
  }

  offHook(request: OffHook): OffHookResult {
    const device = this.devices.get(request.deviceName);
    if (!device)
      throw new Error(`${request.deviceName} placed a call without being attached to the call service`);
    const ringing = request.placesCall ? null : this.ringingLegOf(request.deviceName);
    if (ringing) {
      this.send(ringing, { kind: 'answer' });
      return { kind: 'answered', leg: ringing };
    }
    this.counts.started++;
    const refusal = this.refusal(request.deviceName);
    if (refusal) {
      this.countFailure(refusal);
      request.sink.send({ kind: 'tone', tone: 'reorder' });
      request.sink.send({ kind: 'prompt', prompt: 'temp-fail' });
      request.sink.send({ kind: 'reject', cause: refusal });
      return { kind: 'refused', cause: refusal };
    }
    const leg: LegHandle = { callId: this.nextCallId++, legId: this.nextLegId++ };
    const caller = {
      deviceName: device.deviceName,
      line: request.line,
      party: request.party,
      address: device.address,
      codecs: device.codecs,
      solicitedMedia: device.solicitedMedia,
      encryption: this.encryptionOf(device.deviceName),
    };
    this.calls.set(leg.callId, newCall(leg.callId, leg.legId, caller, this.now()));
    this.addLeg(leg.legId, {
      callId: leg.callId,
      deviceName: request.deviceName,
      line: request.line,
      sink: request.sink,
    });
    this.enqueue(leg.callId, { kind: 'off-hook' });
    this.drain();
    return { kind: 'calling', leg };
  }

  /** An event from one of an adapter's legs; events for a leg that has ended are ignored. */
  send(handle: LegHandle, event: LegEvent): void {
    // By leg id alone (never reused): a transfer or a pickup moves a leg into another call, and its
    // adapter keeps the old handle.
    const leg = this.legs.get(handle.legId);
    if (!leg) return;
    this.enqueue(leg.callId, { ...event, leg: handle.legId } as CallEvent);
    this.drain();
  }

  /**
   * The phone of `held` and `consult` transfers: the other party of its held call and the other of
   * its consultation call are joined in a new call, and its two legs end (transfer.ts, core join.ts).
   */
  transfer(held: LegHandle, consult: LegHandle): TransferOutcome {
    const outcome = planTransfer(held, consult, {
      callOf: (legId) => this.calls.get(this.legs.get(legId)?.callId ?? 0),
      joinedId: () => this.nextCallId++,
      now: this.now(),
    });
    if (outcome.kind === 'refused') {
      this.deps.logger.info({ held, consult, reason: outcome.reason }, outcome.message);
      return outcome;
    }
    const { joined, ended } = outcome.result;
    this.install(ended, [joined]);
    return { kind: 'transferred', callId: joined.call.id };
  }

  /**
   * The phone of `held` and `consult` makes a three-party conference of them (Confrn pressed twice):
   * it, the other party of its held call and the other of its consultation call each get a call
   * into the node's conference bridge (core conference.ts), and its two calls end.
   */
  async conference(held: LegHandle, consult: LegHandle): Promise<ConferenceOutcome> {
    // Adapters fire and forget this (a Confrn press): it answers, it never rejects.
    try {
      return await this.makeConference(held, consult);
    } catch (error) {
      const message = `a conference was not made: ${(error as Error).message}; the calls stay as they were`;
      this.deps.logger.error({ err: error, held, consult }, message);
      return { kind: 'refused', message };
    }
  }

  private async makeConference(held: LegHandle, consult: LegHandle): Promise<ConferenceOutcome> {
    const request = () => {
      const heldCall = this.callOfLeg(held.legId);
      const consultCall = this.callOfLeg(consult.legId);
      return heldCall && consultCall
        ? {
            held: heldCall,
            heldLeg: held.legId,
            consult: consultCall,
            consultLeg: consult.legId,
            now: this.now(),
          }
        : null;
    };
    const refuse = (reason: string): ConferenceOutcome => {
      const message = `a conference was not made: ${reason}; the calls stay as they were`;
      this.deps.logger.info({ held, consult }, message);
      return { kind: 'refused', message };
    };
    const hosting = this.deps.conferences;
    if (!hosting) return refuse('the node hosts no conferences (--conference-max 0)');
    const first = request();
    if (!first) return refuse('one of the two calls has ended');
    const parties = conferenceParties(first);
    if (typeof parties === 'string') return refuse(CONFERENCE_REFUSAL_TEXT[parties]);
    const controller = parties[0].leg.deviceName;
    const conference = hosting.mixer.open({ device: controller });
    if (conference === null) return refuse('the conference bridge is at its limit (--conference-max)');
    const ports = parties.map(() => ({ legId: this.nextLegId++, callId: this.nextCallId++ }));
    let receives;
    try {
      receives = await Promise.all(
        parties.map((party, i) => hosting.mixer.join(conference, ports[i].legId, party.codec)),
      );
    } catch (error) {
      hosting.mixer.end(conference);
      return refuse(`the conference bridge could not take the parties (${(error as Error).message})`);
    }
    // The calls may have changed while the bridge opened its ports: plan on what they are now.
    const now = request();
    const result =
      now &&
      conferenceCalls(
        now,
        { deviceName: hosting.deviceName, conference, number: bridgeNumber(conference) },
        ports.map((port, i) => ({ ...port, receive: receives[i] })),
      );
    if (!result || typeof result === 'string') {
      hosting.mixer.end(conference);
      return refuse(result ? CONFERENCE_REFUSAL_TEXT[result] : 'one of the two calls ended meanwhile');
    }
    this.conferences.add(
      conference,
      result.parties.map(({ call }) => call.id),
    );
    this.install(result.ended, result.parties);
    this.deps.logger.info(
      { device: controller, conference, calls: result.parties.map(({ call }) => call.id) },
      `${controller} made conference ${conference} of ${parties.map(({ leg }) => leg.party.number).join(', ')}`,
    );
    return { kind: 'conferenced', conference };
  }

  /** Conferences the node's bridge mixes now. */
  get openConferences(): number {
    return this.conferences.size;
  }

  /** Calls live now. */
  get activeCalls(): number {
    return this.calls.size;
  }

  /** Calls started, connected and failed since the node started. */
  get counters(): CallCounts {
    return {
      started: this.counts.started,
      connected: this.counts.connected,
      failed: new Map(this.counts.failed),
    };
  }

  /** A device attached by an adapter (its codecs, for the call troubleshooter); undefined when none is. */
  device(deviceName: string): Readonly<CallDevice> | undefined {
    return this.devices.get(deviceName);
  }

  /** A copy of a live call, for the Active Calls view and tests. */
  call(callId: number): Call | undefined {
    const call = this.calls.get(callId);
    return call && structuredClone(call);
  }

  private callOfLeg(legId: number): Call | undefined {
    return this.calls.get(this.legs.get(legId)?.callId ?? 0);
  }

  /**
   * Puts in place what a transfer or a conference made: the calls it ended (their phones told, their
   * CDRs written) and the calls it created, whose legs that came from the ended ones are re-homed by
   * leg id (their adapters keep their handles).
   */
  private install(
    ended: readonly { call: Call; commands: CallCommand[] }[],
    created: readonly { call: Call; commands: CallCommand[] }[],
  ): void {
    for (const { call } of created) {
      this.calls.set(call.id, call);
      for (const leg of call.legs) {
        const live = this.legs.get(leg.id);
        if (live) live.callId = call.id;
      }
    }
    // As in drain(): what a sink sends back while being told waits until all commands went.
    const draining = this.draining;
    this.draining = true;
    try {
      for (const { call, commands } of [...ended, ...created]) {
        this.calls.set(call.id, call);
        for (const command of commands) this.perform(call, command);
        this.watch(call);
      }
    } finally {
      this.draining = draining;
    }
    this.drain();
  }

  /**
   * A party's call into the bridge ended. With two parties left, they are joined directly and the
   * bridge released (CUCM since 4.x: one more CDR, for the last two); with one, its call ends (a
   * party alone hears nobody); with none, the conference ends.
   */
  private partyLeft(call: Call): void {
    const left = this.conferences.left(call.id);
    const hosting = this.deps.conferences;
    if (!left || !hosting) return;
    if (left.remaining.length === 0) hosting.mixer.end(left.conference);
    else if (left.reducing) return;
    else if (left.remaining.length === 2)
      queueMicrotask(() => this.reduceConference(left.conference, left.remaining));
    else if (left.remaining.length === 1) {
      const last = this.calls.get(left.remaining[0]);
      const bridgeLeg = last?.legs.find((leg) => leg.deviceName === hosting.deviceName);
      if (last && bridgeLeg) {
        this.enqueue(last.id, { kind: 'hang-up', leg: bridgeLeg.id });
        this.drain();
      }
    }
  }

  private reduceConference(conference: number, callIds: number[]): void {
    const hosting = this.deps.conferences;
    const [first, second] = callIds.map((id) => this.calls.get(id));
    const bridgeLeg = (call: Call) =>
      call.legs.find((leg) => leg.deviceName === hosting?.deviceName)?.id ?? 0;
    if (!hosting || !first || !second) return;
    const result = joinCalls({
      held: first,
      heldLeg: bridgeLeg(first),
      consult: second,
      consultLeg: bridgeLeg(second),
      joinedId: 0,
      now: this.now(),
    });
    if (typeof result === 'string') {
      this.deps.logger.info(
        { conference, reason: result },
        `conference ${conference} keeps its last two parties in the bridge: they could not be joined directly (${result})`,
      );
      return;
    }
    this.conferences.reduce(conference);
    const joined = result.joined.call;
    const part = first.conference;
    joined.id = this.nextCallId++;
    // The last two parties' own call: the second is the called party; no transfer made it.
    const called = joined.legs[1];
    joined.dialled = called.party.number;
    joined.calledDn = called.party.number;
    joined.calledName = called.party.name;
    joined.transfer = undefined;
    if (part) joined.conference = { ...part, role: 'joined' };
    for (const { call } of result.ended) call.transfer = undefined;
    this.install(result.ended, [result.joined]);
  }

  private refusal(deviceName: string): Q850Cause | null {
    const { settings, limits } = this.deps;
    if (this.calls.size >= settings.callMaxActive) {
      limits.reached(
        'callMaxActive',
        { device: deviceName },
        `refused a call from ${deviceName}: the node holds ${settings.callMaxActive} calls, its limit (--call-max-active); raise it if the node has the memory and CPU for more`,
      );
      return Q850.noCircuitAvailable;
    }
    if (this.legCount(deviceName) >= this.maxCallsOf(deviceName)) {
      limits.reached(
        'callMaxPerDevice',
        { device: deviceName },
        `refused one more call from ${deviceName}: it is already part of ${settings.callMaxPerDevice} calls (--call-max-per-device)`,
      );
      return Q850.noCircuitAvailable;
    }
    return null;
  }

  /** A device with as many calls as it may hold is busy for one more (counted and logged as a limit). */
  private atCallLimit(deviceName: string): boolean {
    const max = this.maxCallsOf(deviceName);
    if (this.legCount(deviceName) < max) return false;
    this.deps.limits.reached(
      'callMaxPerDevice',
      { device: deviceName },
      `${deviceName} was offered no further call: it is already part of ${max} calls (--call-max-per-device); callers hear busy`,
    );
    return true;
  }

  /** The device's own call limit (a trunk's is its own business), else --call-max-per-device. */
  private maxCallsOf(deviceName: string): number {
    return this.devices.get(deviceName)?.maxCalls ?? this.deps.settings.callMaxPerDevice;
  }

  private legCount(deviceName: string): number {
    return this.lineCalls.onDevice(deviceName);
  }

  private addLeg(legId: number, leg: LiveLeg): void {
    this.legs.set(legId, leg);
    this.lineCalls.add(leg.deviceName, leg.line);
  }

  private removeLeg(legId: number): void {
    const leg = this.legs.get(legId);
    if (!leg) return;
    this.legs.delete(legId);
    this.uncount(leg);
  }

  /** A leg told `clear` (or gone) no longer takes a call of its device's line. */
  private uncount(leg: LiveLeg): void {
    if (leg.cleared) return;
    leg.cleared = true;
    this.lineCalls.remove(leg.deviceName, leg.line);
  }

  private ringingLegOf(deviceName: string): LegHandle | null {
    for (const [legId, leg] of this.legs) {
      if (leg.deviceName !== deviceName) continue;
      const state = this.calls.get(leg.callId)?.legs.find((l) => l.id === legId)?.state;
      if (state === 'ringing') return { callId: leg.callId, legId };
    }
    return null;
  }

  private enqueue(callId: number, event: CallEvent): void {
    this.queue.push({ callId, event });
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift())
        this.apply(next.callId, next.event);
    } finally {
      this.draining = false;
    }
  }

  private apply(callId: number, event: CallEvent): void {
    const current = this.calls.get(callId);
    if (!current) return;
    const { call, commands } = transition(current, event, {
      now: this.now(),
      dialPlan: this.deps.dialPlan(),
      forwards: this.forwards,
      ...(this.deps.pickupCodes ? { pickupCodes: this.deps.pickupCodes } : {}),
      musicSource: this.deps.music?.source ?? undefined,
    });
    this.calls.set(callId, call);
    if (call.encryptionRefusal !== undefined && current.encryptionRefusal === undefined)
      this.deps.logger.info(
        { call: call.id, device: call.legs[0]?.deviceName },
        `call ${call.id} from ${call.legs[0]?.deviceName ?? '?'} was refused by media encryption policy: ${call.encryptionRefusal}`,
      );
    if (current.connectedAt === null && call.connectedAt !== null) this.counts.connected++;
    if (current.state !== 'failed' && call.state === 'failed') this.countFailure(call.clearing?.cause ?? 0);
    for (const command of commands) this.perform(call, command);
    this.watch(call);
  }

  private watch(call: Call): void {
    try {
      this.deps.watcher?.changed(call);
    } catch (error) {
      this.deps.logger.error(
        { err: error, call: call.id },
        `the Active Calls view missed a change of call ${call.id}: ${(error as Error).message}; it shows the call right at its next change`,
      );
    }
  }

  private perform(call: Call, command: CallCommand): void {
    switch (command.kind) {
      case 'leg':
        this.tell(call, command.leg, command.command);
        break;
      case 'start-timer': {
        const { ms, expired } = timerPlan(command.timer, this.deps.settings);
        if (ms === 0) break;
        this.timers.start(call.id, command.timer, ms, () => {
          this.enqueue(call.id, expired);
          this.drain();
        });
        break;
      }
      case 'stop-timer':
        this.timers.stop(call.id, command.timer);
        break;
      case 'route':
        void this.route(call.id, command.dn);
        break;
      case 'pickup':
        this.pickup(call, command.group);
        break;
      case 'released':
        this.finish(call);
        break;
      case 'start-music':
      case 'stop-music':
        this.music(call, command);
        break;
    }
  }

  /** Hands a command to the leg's sink; a callee's sink is opened at its first command. */
  private tell(call: Call, legId: number, command: Parameters<LegSink['send']>[0]): void {
    let leg = this.legs.get(legId);
    if (!leg) {
      const planned = call.legs.find((l) => l.id === legId);
      const device = planned && this.devices.get(planned.deviceName);
      if (!planned || !device) return;
      leg = {
        callId: call.id,
        deviceName: device.deviceName,
        line: planned.line,
        sink: device.openLeg({ callId: call.id, legId }, planned.line),
      };
      this.addLeg(legId, leg);
    }
    if (command.kind === 'clear') this.uncount(leg);
    try {
      leg.sink?.send(command);
    } catch (error) {
      this.deps.logger.error(
        { err: error, device: leg.deviceName, call: call.id },
        `the ${command.kind} command for ${leg.deviceName} (call ${call.id}) failed in its adapter: ${(error as Error).message}`,
      );
    }
  }

  private async route(callId: number, dn: string): Promise<void> {
    let event: CallEvent;
    try {
      const callerLeg = this.calls.get(callId)?.legs[0];
      const caller = callerLeg?.deviceName ?? '';
      // A call that came over the intra-cluster trunk rings this node's phones only: never passed on (no loops).
      const scope = this.devices.get(caller)?.protocol === 'trunk' ? 'local' : 'cluster';
      const locations = await this.deps.locator.devicesFor(dn, scope);
      event =
        (callerLeg && (await this.beyondMaxCalls(callerLeg))) ??
        routeTargets(dn, locations, {
          caller,
          devices: this.devices,
          busy: (deviceName) => this.atCallLimit(deviceName),
          callsOn: (deviceName, line) => ({
            line: this.lineCalls.onLine(deviceName, line),
            device: this.lineCalls.onDevice(deviceName),
          }),
          nextLegId: () => this.nextLegId++,
          encryption: (deviceName) => this.encryptionOf(deviceName),
        });
    } catch (error) {
      this.deps.logger.error(
        { err: error, dn },
        `could not find where DN ${dn} is registered: ${(error as Error).message}`,
      );
      event = { kind: 'route-failed', cause: Q850.temporaryFailure };
    }
    this.enqueue(callId, event);
    this.drain();
  }

  /**
   * An outgoing call on a line that already holds its maximum number of calls is refused (CUCM
   * "Maximum Number of Calls"): the caller hears reorder. Its own new leg counts as one of them.
   */
  private async beyondMaxCalls(caller: {
    deviceName: string;
    line: number;
    party: Party;
  }): Promise<CallEvent | null> {
    const own = (await this.deps.locator.devicesFor(caller.party.number)).find(
      (location) => location.deviceName === caller.deviceName && location.line === caller.line,
    );
    if (!own || this.lineCalls.onLine(caller.deviceName, caller.line) <= own.maxCalls) return null;
    this.deps.logger.info(
      { device: caller.deviceName, line: caller.line, maxCalls: own.maxCalls },
      `refused a call from ${caller.deviceName} line ${caller.line}: the line already holds ${own.maxCalls} calls, its Maximum Number of Calls; end or transfer one, or raise the line's maximum`,
    );
    return { kind: 'route-failed', cause: Q850.noCircuitAvailable };
  }

  /**
   * The caller dialled the pickup code: its leg moves into the call ringing longest in the group
   * (pickup-finder.ts) and answers it there; the call it dialled on ends without a CDR (CUCM
   * writes one record for a pickup). Nothing to pick up: the caller hears reorder (cause 20, SIP 480).
   */
  private pickup(dialling: Call, group: string | null): void {
    const picker = dialling.legs[0];
    const features = this.deps.dnFeatures ?? (() => NO_DN_FEATURES);
    const wanted = group ?? features(picker.party.number).pickupGroup;
    const target =
      wanted === null
        ? undefined
        : callToPickUp(
            [...this.calls.values()],
            wanted,
            { deviceName: picker.deviceName, dn: picker.party.number },
            features,
          );
    const live = this.legs.get(picker.id);
    if (!target || !live) {
      this.deps.logger.info(
        { device: picker.deviceName, group: wanted },
        wanted === null
          ? `${picker.deviceName} asked to pick up a call, but its line ${picker.party.number} is in no call pickup group; set the line's Call Pickup Group`
          : `${picker.deviceName} asked to pick up a call in pickup group ${wanted}, but no call rings there`,
      );
      this.enqueue(dialling.id, { kind: 'route-failed', cause: Q850.subscriberAbsent });
      return;
    }
    this.timers.stopAll(dialling.id);
    this.calls.delete(dialling.id);
    this.watch({ ...dialling, state: 'released' });
    live.callId = target.id;
    this.enqueue(target.id, { kind: 'pickup', picker });
  }

  /**
   * Starts or stops a held phone's music; a refusal at the limit leaves it silent (the port logs and
   * counts it). A port that throws (a cluster's, a dead streamer) is logged: it never stops the call's
   * other commands, as a sink's failure does not (tell).
   */
  private music(call: Call, command: Extract<CallCommand, { kind: 'start-music' | 'stop-music' }>): void {
    const music = this.deps.music;
    if (!music) return;
    const deviceName = call.legs.find((leg) => leg.id === command.leg)?.deviceName ?? '';
    try {
      if (command.kind === 'stop-music') music.stop(command.leg);
      else
        music.start({
          leg: command.leg,
          deviceName,
          to: command.to,
          codec: command.codec,
          packetMs: command.packetMs,
        });
    } catch (error) {
      this.deps.logger.error(
        { err: error, device: deviceName, call: call.id },
        `music on hold for ${deviceName} (call ${call.id}) could not ${command.kind === 'stop-music' ? 'stop' : 'start'}: ${(error as Error).message}; the held phone hears silence, the call goes on`,
      );
    }
  }

  private finish(call: Call): void {
    this.timers.stopAll(call.id);
    // A call that ends while a phone hears music on hold ends its stream too.
    for (const leg of call.legs)
      if (leg.media.music === 'playing') this.music(call, { kind: 'stop-music', leg: leg.id });
    this.calls.delete(call.id);
    // A leg a transfer moved on lives in its new call.
    for (const leg of call.legs) if (this.legs.get(leg.id)?.callId === call.id) this.removeLeg(leg.id);
    try {
      this.deps.cdrs.write(callDetailRecord(call, this.deps.callManagerId));
    } catch (error) {
      this.deps.logger.error(
        { err: error, call: call.id },
        `the CDR of call ${call.id} was not written: ${(error as Error).message}`,
      );
    }
    if (call.conference?.role === 'party') this.partyLeft(call);
  }

  /** A device's policy; a policy source that fails leaves the device 'off' (logged), never the call. */
  private encryptionOf(deviceName: string): MediaEncryption {
    if (this.devices.get(deviceName)?.protocol === 'trunk') return 'preferred';
    try {
      return this.deps.encryption?.of(deviceName) ?? 'off';
    } catch (error) {
      this.deps.logger.error(
        { err: error, device: deviceName },
        `the media encryption policy of ${deviceName} could not be read (${(error as Error).message}); its call goes on with encryption off`,
      );
      return 'off';
    }
  }

  private countFailure(cause: number): void {
    this.counts.failed.set(cause, (this.counts.failed.get(cause) ?? 0) + 1);
  }

  private now(): number {
    return this.deps.clock().getTime();
  }
}
