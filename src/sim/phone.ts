/**
 * One simulated Cisco phone: boots like a 79xx (TFTP configuration, load check and upgrade),
 * registers over the protocol its load speaks, keeps alive, fails over, and obeys the server's
 * Reset/Restart/check-sync. Built only on the wire protocols, so it works against any call
 * manager. Its state is reported as PhoneStatus snapshots ('change' events).
 */
import type { TransferPlan } from './sccp-transfer.js';
import { driveSccpTransfer } from './sccp-transfer.js';
import { EventEmitter } from 'node:events';
import { protocolOfLoad } from '../core/load.js';
import type { CallManagerEntry, DeviceConfig } from './device-config.js';
import { DeviceConfigError, parseDeviceConfig } from './device-config.js';
import { filesNamedIn, manifestOf } from './load-files.js';
import { SccpPhoneCalls } from './sccp-calls.js';
import { SipPhoneCalls } from './sip-calls.js';
import type { SimCallView } from './sccp-calls.js';
import { SccpStation } from './sccp-station.js';
import { SccpFailover } from './sccp-failover.js';
import type { SimModel } from './sim-models.js';
import type { ServerCommand, SipLineIdentity, SipTarget } from './sip-registration.js';
import { SipRegistration } from './sip-registration.js';
import { mergeSipText, parseOsImage, parseSipText, sipSettings } from './sip-text-config.js';
import { TftpFetchError, tftpGet } from './tftp-client.js';

export type PhoneState =
  'booting' | 'upgrading' | 'registering' | 'registered' | 'rejected' | 'failed' | 'rebooting' | 'stopped';

export interface PhoneStatus {
  device: string;
  model: string;
  state: PhoneState;
  /** Protocol of the running load. */
  protocol: 'SCCP' | 'SIP';
  load: string;
  /** Call manager being registered to (host:port), if any. */
  server: string | null;
  lines: { index: number; dn: string }[];
  /** The status line, as the phone shows it. */
  message: string;
  /** The last error shown (a failed upgrade, a TFTP error), until the next boot clears it. */
  error: string | null;
  /** Server clock minus local clock, ms (from DefineTimeDate or the SIP Date header). */
  clockOffsetMs: number;
  /** A DisplayNotify text from the server, if any. */
  notify: string | null;
  /** The calls on the phone now. */
  calls: SimCallView[];
  /** "Forwarded to …": the line's Forward All from ForwardStat (SCCP), when set. */
  forwardedTo?: string | null;
  /** When the phone last registered to another call manager than before (ISO time), and why. */
  moved?: { at: string; from: string | null; to: string; why: 'failover' | 'fallback' | 'register' } | null;
}

/** What a simulated phone does with calls once registered (a SIP phone dials en bloc and does not hold). */
export interface CallPlan {
  /** Dial this number once registered. */
  call?: string;
  /** Dial it at once (EnblocCall) instead of key by key. */
  enbloc?: boolean;
  /** Answer a call that rings. */
  answer?: boolean;
  /** Hold a connected call after this many seconds, and resume it as long after. */
  holdAfterSeconds?: number;
  /** Send a sine of this frequency instead of silence (a conference party others can recognise). */
  toneHz?: number;
  /** Set Call Forward All with the CFwdAll key to this number once registered (null: clear it). */
  forwardAll?: string | null;
  /** Once registered, pick up a call ringing in the line's own pickup group (SCCP PickUp, SIP the code). */
  pickup?: boolean;
  /** Once registered, pick up a call ringing in this pickup group (SCCP GPickUp, SIP the code + group). */
  groupPickup?: string;
  /** Transfer the first connected call (SCCP: the Transfer key twice). */
  transfer?: TransferPlan;
}

/** The call pickup feature codes a simulated SIP phone dials (the node's defaults, core/call/pickup.ts). */
export const SIM_PICKUP_CODES = { own: '*8', group: '*9' } as const;

export interface PhoneTiming {
  /** Wait before trying the call managers again when none answered (ms, ± 50 % jitter); doubles on each failed round. */
  retryMs: number;
  /** Longest wait between rounds (ms, before jitter). */
  maxRetryMs: number;
  /** Wait after a rejection before the phone resets and tries again (ms). */
  rejectedRetryMs: number;
  /** Wait after a lost connection before registering again (ms, 0..this, random). */
  reconnectJitterMs: number;
  tftpTimeoutMs: number;
  tftpRetries: number;
  connectTimeoutMs: number;
  /**
   * Wait for RegisterAck/Reject before dropping the connection (ms). Long: during a storm the
   * answer may queue behind thousands of others, and a phone that gives up too early only adds
   * a second registration to the queue.
   */
  registerTimeoutMs: number;
  /** SIP T1 (ms). */
  sipT1Ms: number;
  /**
   * While registered to a backup: wait between tries of the primary (TCP connect and token
   * request for SCCP, a REGISTER for SIP), and before reopening a lost standby connection (ms).
   */
  fallbackRetryMs: number;
  /** Keep a standby connection to the next call manager of the group (SCCP; cluster.md §1.3). */
  standby: boolean;
}

export const DEFAULT_TIMING: PhoneTiming = {
  retryMs: 5000,
  maxRetryMs: 30_000,
  rejectedRetryMs: 30_000,
  reconnectJitterMs: 2000,
  tftpTimeoutMs: 2000,
  tftpRetries: 4,
  connectTimeoutMs: 10_000,
  registerTimeoutMs: 120_000,
  sipT1Ms: 500,
  fallbackRetryMs: 30_000,
  standby: true,
};

export interface PhoneOptions {
  /** 12 hex digits, any case. */
  mac: string;
  model: SimModel;
  /** Load the phone runs when powered on (default: the model's factory SCCP load). */
  load?: string;
  /** TFTP server (option 150); null: no TFTP, register straight to `direct` (a phone with its settings cached). */
  tftp: { host: string; port: number } | null;
  /** Call manager used without TFTP, or when the configuration names none. */
  direct?: { host: string; sccpPort: number; sipPort: number };
  /**
   * The phone's call-manager group, in priority order, when its configuration names none (or
   * without TFTP): what `--call-managers` gives. Takes the place of `direct`.
   */
  callManagers?: CallManagerEntry[];
  /** The phone's own address (bound as the source of every packet). */
  localAddress?: string;
  timing?: Partial<PhoneTiming>;
  calls?: CallPlan;
}

interface Events {
  change: [PhoneStatus];
  /** A registration's SCCP calls, once the phone is registered (a fleet's call driver uses them). */
  sccpCalls: [SccpPhoneCalls];
}

type SipLine = SipLineIdentity & { targets: SipTarget[] };

export class Phone extends EventEmitter<Events> {
  readonly deviceName: string;
  private readonly mac: string;
  private readonly timing: PhoneTiming;
  private load: string;
  private generation = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private station: SccpStation | null = null;
  private sip: SipRegistration | null = null;
  private status: PhoneStatus;
  /** Registrations completed (first and again after a loss/restart). */
  registrations = 0;
  /** KeepAliveAcks received over every connection (SCCP). */
  keepaliveAcks = 0;
  /** Times the phone registered to another call manager than before, and RegisterTokenRejects it got. */
  moves = 0;
  tokenRejects = 0;
  /** Standby connection and way home of the current SCCP registration. */
  private failover: SccpFailover | null = null;
  /** Counts SIP registrations, so that timers of an earlier one stop. */
  private sipEpoch = 0;
  /** The next SIP registration returns the phone to its primary proxy. */
  private sipReturning = false;
  /** Seconds between KeepAlives to a standby call manager, from the last RegisterAck. */
  private sccpSecondaryKeepalive = 60;
  /** The server of the last registration, to tell a move. */
  private lastServer: string | null = null;

  constructor(private readonly options: PhoneOptions) {
    super();
    this.mac = options.mac.replace(/[:.-]/g, '').toUpperCase();
    this.deviceName = `SEP${this.mac}`;
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.load = options.load ?? options.model.factoryLoad;
    this.status = {
      device: this.deviceName,
      model: options.model.model,
      state: 'stopped',
      protocol: this.protocol,
      load: this.load,
      server: null,
      lines: [],
      message: 'Off',
      error: null,
      clockOffsetMs: 0,
      notify: null,
      calls: [],
    };
  }

  /** The protocol the running load speaks (provisioning.md §3.1); an unreadable name counts as SCCP. */
  get protocol(): 'SCCP' | 'SIP' {
    return protocolOfLoad(this.load) === 'SIP' ? 'SIP' : 'SCCP';
  }

  get snapshot(): PhoneStatus {
    return this.status;
  }

  /** The load the phone runs now. */
  get runningLoad(): string {
    return this.load;
  }

  /** Powers the phone on. */
  start(): void {
    this.restart('Starting', 0);
  }

  /** Powers it off: closes its connections and timers (no Unregister, like pulling the cable). */
  stop(): void {
    this.generation++;
    this.teardown();
    this.set({ state: 'stopped', message: 'Off', server: null });
  }

  private set(change: Partial<PhoneStatus>): void {
    this.status = { ...this.status, protocol: this.protocol, load: this.load, ...change };
    this.emit('change', this.status);
  }

  private after(ms: number, gen: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (gen === this.generation) fn();
    }, ms);
    this.timers.add(timer);
  }

  private jitter(ms: number): number {
    return Math.round(ms * (0.5 + Math.random()));
  }

  /** Rounds of call managers that did not answer since the last registration. */
  private failedRounds = 0;

  /** The wait before the next round: retryMs doubling per failed round up to maxRetryMs, jittered. */
  private backoff(): number {
    const ms = Math.min(this.timing.retryMs * 2 ** Math.min(this.failedRounds, 16), this.timing.maxRetryMs);
    this.failedRounds++;
    return this.jitter(ms);
  }

  private teardown(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const station = this.station;
    this.station = null;
    station?.destroy();
    this.failover?.stop();
    this.failover = null;
    this.sip?.close();
    this.sip = null;
  }

  /** Reboots: everything starts again from the TFTP configuration. */
  private restart(reason: string, delayMs: number): void {
    const gen = ++this.generation;
    this.teardown();
    // A rejected or failed phone keeps showing why until it actually resets.
    this.after(delayMs, gen, () => {
      this.set({ state: 'rebooting', message: reason, server: null, lines: [], notify: null });
      void this.boot(gen).catch((e: unknown) => this.crashed(gen, e));
    });
  }

  private crashed(gen: number, error: unknown): void {
    if (gen !== this.generation) return;
    this.set({ state: 'failed', message: `Simulator error: ${(error as Error).message}` });
    this.restart('Resetting after an error', this.jitter(this.timing.retryMs));
  }

  private stale(gen: number): boolean {
    return gen !== this.generation;
  }

  private async fetch(file: string): Promise<Buffer> {
    const tftp = this.options.tftp as { host: string; port: number };
    return tftpGet(file, {
      host: tftp.host,
      port: tftp.port,
      localAddress: this.options.localAddress,
      timeoutMs: this.timing.tftpTimeoutMs,
      retries: this.timing.tftpRetries,
    });
  }

  /** Reads a file that may be absent: null for "File not found", other errors thrown. */
  private async fetchOptional(file: string): Promise<Buffer | null> {
    try {
      return await this.fetch(file);
    } catch (error) {
      if (error instanceof TftpFetchError && error.kind === 'not-found') return null;
      throw error;
    }
  }

  private async boot(gen: number): Promise<void> {
    this.set({ state: 'booting', message: 'Requesting configuration', error: null });
    let config: DeviceConfig | null = null;
    if (this.options.tftp) {
      try {
        config = await this.readDeviceConfig();
      } catch (error) {
        if (this.stale(gen)) return;
        const message =
          error instanceof TftpFetchError && error.kind === 'timeout'
            ? `TFTP Timeout: ${error.file}`
            : error instanceof DeviceConfigError
              ? `Error parsing configuration: ${error.message}`
              : `TFTP Error: ${(error as Error).message}`;
        this.set({ state: 'failed', message, error: message });
        this.restart('Resetting', this.jitter(this.timing.retryMs));
        return;
      }
      if (this.stale(gen)) return;
      if (!config) {
        const message = `No configuration on the TFTP server (neither ${this.deviceName}.cnf.xml nor XMLDefault.cnf.xml)`;
        this.set({ state: 'failed', message, error: message });
        this.restart('Resetting', this.jitter(this.timing.retryMs));
        return;
      }
      // provisioning.md §1.2 step 5: "If loadInformation ≠ running image" the phone fetches the load.
      if (config.loadId && config.loadId !== this.load) {
        if (await this.upgrade(gen, config.loadId)) return;
        if (this.stale(gen)) return;
      }
    }
    if (this.protocol === 'SIP') await this.bootSip(gen, config);
    else await this.registerSccp(gen, config);
  }

  /** SEP<MAC>.cnf.xml, else XMLDefault.cnf.xml (provisioning.md §1.2 #3–4); null when neither exists. */
  private async readDeviceConfig(): Promise<DeviceConfig | null> {
    const phone = { model: this.options.model.model, deviceType: this.options.model.deviceType };
    const own = await this.fetchOptional(`${this.deviceName}.cnf.xml`);
    if (own) return parseDeviceConfig(own.toString('utf8'), phone);
    const fallback = await this.fetchOptional('XMLDefault.cnf.xml');
    return fallback ? parseDeviceConfig(fallback.toString('utf8'), phone) : null;
  }

  /**
   * Fetches `loadId` (its `.loads` manifest, then the files it names), "installs" it and reboots.
   * Returns false when the load could not be fetched: the phone keeps its load and goes on.
   */
  private async upgrade(gen: number, loadId: string): Promise<boolean> {
    this.set({ state: 'upgrading', message: `Upgrading load ${this.load} → ${loadId}` });
    const manifest = manifestOf(loadId);
    let failure: string | null = null;
    try {
      const data = await this.fetchOptional(manifest);
      if (!data) {
        failure = `load ${loadId} not on the TFTP server`;
      } else {
        for (const file of filesNamedIn(data, manifest)) {
          if (this.stale(gen)) return true;
          this.set({ state: 'upgrading', message: `Upgrading load ${loadId}: ${file}` });
          if (!(await this.fetchOptional(file))) {
            failure = `load ${loadId} incomplete on the TFTP server: ${file} is missing`;
            break;
          }
        }
      }
    } catch (error) {
      failure = `load ${loadId} could not be fetched: ${(error as Error).message}`;
    }
    if (this.stale(gen)) return true;
    if (failure) {
      // A real phone keeps the image it has and carries on with it.
      this.set({ state: 'failed', message: `Upgrade failed: ${failure}`, error: failure });
      return false;
    }
    this.load = loadId;
    this.restart(`Load ${loadId} installed, rebooting`, 0);
    return true;
  }

  // ---------------------------------------------------------------- SCCP

  private callManagers(config: DeviceConfig | null): CallManagerEntry[] {
    const listed = config?.callManagers ?? [];
    if (listed.length > 0) return listed;
    if (this.options.callManagers?.length) return this.options.callManagers;
    const d = this.options.direct;
    return d ? [{ host: d.host, sccpPort: d.sccpPort, sipPort: d.sipPort, priority: 0 }] : [];
  }

  private async registerSccp(gen: number, config: DeviceConfig | null): Promise<void> {
    const cms = this.callManagers(config);
    if (cms.length === 0) {
      this.set({ state: 'failed', message: 'No CallManager in the configuration' });
      this.restart('Resetting', this.jitter(this.timing.retryMs));
      return;
    }
    // sccp.md §5: the phone tries the call managers of its group in priority order.
    for (const [index, cm] of cms.entries()) {
      if (this.stale(gen)) return;
      this.set({ state: 'registering', message: 'Registering', server: `${cm.host}:${cm.sccpPort}` });
      const station = new SccpStation(this.sccpIdentity());
      try {
        await station.connect(cm.host, cm.sccpPort, this.options.localAddress, this.timing.connectTimeoutMs);
      } catch {
        station.destroy();
        continue;
      }
      if (this.stale(gen)) {
        station.destroy();
        return;
      }
      const result = await this.registerOn(gen, station, config, cms, index, 'register');
      if (result !== 'next') return;
    }
    if (this.stale(gen)) return;
    this.set({
      state: 'registering',
      message: `No CallManager answering (${cms.map((c) => `${c.host}:${c.sccpPort}`).join(', ')})`,
      server: null,
    });
    this.after(this.backoff(), gen, () => void this.registerSccp(gen, config));
  }

  private sccpIdentity() {
    const model = this.options.model;
    return {
      deviceName: this.deviceName,
      deviceType: model.deviceType,
      protocolVersion: model.sccpProtocolVersion,
      // sccp.md §3.1: 7940/7960 on SCCP 8.x send the 68-byte Register (no load); 79x1 the 124-byte one.
      loadInfo: model.classic ? undefined : this.load,
      stationIp: this.options.localAddress ?? '127.0.0.1',
    };
  }

  /**
   * Registers on a connected `station` to `cms[index]` and brings the phone up on it: 'done' when
   * the phone is registered, rejected (and resetting) or stale; 'next' when that call manager did
   * not answer and the next one should be tried.
   */
  private async registerOn(
    gen: number,
    station: SccpStation,
    config: DeviceConfig | null,
    cms: CallManagerEntry[],
    index: number,
    why: 'failover' | 'fallback' | 'register',
  ): Promise<'done' | 'next'> {
    const cm = cms[index];
    const server = `${cm.host}:${cm.sccpPort}`;
    this.station = station;
    // Listen before registering: a Reset may arrive in the same segment as the RegisterAck.
    station.on('reset', (type) => this.onSccpReset(gen, station, type));
    const outcome = await station.register(this.timing.registerTimeoutMs);
    if (this.stale(gen) || this.station !== station) {
      station.destroy();
      return 'done';
    }
    if (outcome.kind === 'closed' || outcome.kind === 'timeout') {
      this.station = null;
      station.destroy();
      return 'next';
    }
    if (outcome.kind === 'rejected') {
      this.station = null;
      station.destroy();
      // sccp.md §5: the 79xx shows "Registration Rejected: <text>"; provisioning.md §6: it resets and retries.
      this.set({ state: 'rejected', message: `Registration Rejected: ${outcome.text}`, server });
      this.restart('Resetting after rejection', this.jitter(this.timing.rejectedRetryMs));
      return 'done';
    }
    // The move counts from the RegisterAck (cluster.md §3.e: "the RegisterAck time on the new node").
    const ackAt = new Date().toISOString();
    station.on('closed', () => this.onSccpLost(gen, station, config));
    station.on('message', (m) => {
      if (m.type === 'KeepAliveAck') this.keepaliveAcks++;
      else if (m.type === 'DisplayNotify' && this.station === station) this.set({ notify: m.text || null });
    });
    // cluster.md §1.3: three unanswered KeepAlives and the call manager counts as lost.
    station.startKeepalives(outcome.keepAliveInterval, () => station.destroy());
    // The standby connection and the way home start with the registration, not after the startup.
    this.failover?.stop();
    this.failover = null;
    this.sccpSecondaryKeepalive = outcome.secondaryKeepAliveInterval || outcome.keepAliveInterval * 2;
    this.startFailover(gen, station, config, cms, index);
    const { lines, time } = await station.startup();
    if (this.stale(gen) || this.station !== station) return 'done';
    const clockOffsetMs = time ? time.systemTime * 1000 - Date.now() : this.status.clockOffsetMs;
    this.registrations++;
    this.failedRounds = 0;
    // A registration elsewhere after losing a node (no standby connection) is a failover too.
    const reason = why === 'register' && this.lastServer !== null ? 'failover' : why;
    const moved =
      server !== this.lastServer
        ? { at: ackAt, from: this.lastServer, to: server, why: reason }
        : this.status.moved;
    if (this.lastServer !== null && server !== this.lastServer) this.moves++;
    this.lastServer = server;
    this.set({ state: 'registered', message: 'Registered', server, lines, clockOffsetMs, moved });
    this.startCalls(gen, station);
    return 'done';
  }

  /** Opens the standby connection and, on a backup, the way home, for the registration on `station`. */
  private startFailover(
    gen: number,
    station: SccpStation,
    config: DeviceConfig | null,
    cms: CallManagerEntry[],
    index: number,
  ): void {
    if (!this.timing.standby && index === 0) return;
    const failover = new SccpFailover(
      {
        identity: this.sccpIdentity(),
        localAddress: this.options.localAddress,
        connectTimeoutMs: this.timing.connectTimeoutMs,
        fallbackRetryMs: this.timing.fallbackRetryMs,
        inCall: () => this.status.calls.length > 0,
        tokenRejected: () => this.tokenRejects++,
        fallBack: (home, homeIndex) => void this.fallBack(gen, station, home, config, cms, homeIndex),
      },
      // Without standby connections the phone still goes home from a backup.
      this.timing.standby ? cms : cms.slice(0, index + 1),
      index,
      this.sccpSecondaryKeepalive,
    );
    this.failover = failover;
    failover.start();
  }

  /** The primary granted a token: register there, then leave the backup (cluster.md §1.3). */
  private async fallBack(
    gen: number,
    backup: SccpStation,
    home: SccpStation,
    config: DeviceConfig | null,
    cms: CallManagerEntry[],
    index: number,
  ): Promise<void> {
    if (this.stale(gen) || this.station !== backup) {
      home.destroy();
      return;
    }
    this.failover?.stop();
    this.failover = null;
    this.set({ state: 'registering', message: 'Falling back', lines: [] });
    const result = await this.registerOn(gen, home, config, cms, index, 'fallback');
    // Registered at home (or gone): the backup's registration ends with an Unregister.
    if (result === 'done' && this.station !== backup) {
      await backup.unregister().catch(() => null);
      backup.destroy();
      return;
    }
    // The primary did not take the Register: stay on the backup (its connection still lives).
    if (this.stale(gen)) return;
    if (!backup.isClosed) {
      this.station = backup;
      this.set({ state: 'registered', message: 'Registered', server: this.lastServer });
      const cmIndex = cms.findIndex((c) => `${c.host}:${c.sccpPort}` === this.lastServer);
      this.startFailover(gen, backup, config, cms, Math.max(0, cmIndex));
    } else {
      void this.registerSccp(gen, config);
    }
  }

  /** sccp.md §3.15: 1 = reset (reboot), 2 = restart (re-register). */
  /** Places, answers and holds calls as the plan says; the screen shows them. */
  private startCalls(gen: number, station: SccpStation): void {
    const plan = this.options.calls;
    if (!plan) return;
    const calls = new SccpPhoneCalls(station, {
      address: station.localAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
      autoAnswer: plan.answer,
      toneHz: plan.toneHz,
    });
    this.emit('sccpCalls', calls);
    const show = () => {
      if (this.station === station) this.set({ calls: calls.describe() });
    };
    calls.on('change', show);
    calls.on('forward', (forwardedTo) => {
      if (this.station === station) this.set({ forwardedTo });
    });
    // The RTP counters move without a message: refresh the screen once a second while calls last.
    const refresh = setInterval(() => calls.calls.size > 0 && show(), 1000);
    station.once('closed', () => clearInterval(refresh));
    const holdAfter = plan.holdAfterSeconds;
    if (holdAfter !== undefined) {
      const held = new Set<number>();
      calls.on('change', (call) => {
        if (call.state !== 5 || held.has(call.callReference)) return;
        held.add(call.callReference);
        this.after(holdAfter * 1000, gen, () => {
          calls.hold();
          this.after(holdAfter * 1000, gen, () => calls.resume());
        });
      });
    }
    if (plan.forwardAll !== undefined)
      calls
        .setForwardAll(plan.forwardAll)
        .catch((e: unknown) => this.set({ error: `CFwdAll: ${(e as Error).message}` }));
    if (plan.pickup) calls.pickUp();
    if (plan.groupPickup !== undefined)
      calls.groupPickUp(plan.groupPickup).catch(() => this.set({ error: 'no dial tone after GPickUp' }));
    if (plan.transfer)
      driveSccpTransfer(
        calls,
        plan.transfer,
        (ms, run) => this.after(ms, gen, run),
        (outcome) =>
          this.set(
            outcome.ok
              ? {
                  message:
                    plan.transfer?.by === 'conference'
                      ? `Conference with ${plan.transfer.to}`
                      : `Transferred to ${plan.transfer?.to}`,
                }
              : { error: outcome.error },
          ),
      );
    if (plan.call === undefined) return;
    if (plan.enbloc) calls.dialEnbloc(plan.call);
    else calls.dial(plan.call).catch(() => this.set({ error: `no dial tone for ${plan.call}` }));
  }

  private onSccpReset(gen: number, station: SccpStation, type: number): void {
    if (this.stale(gen) || this.station !== station) return;
    if (type === 2) {
      this.station = null;
      this.failover?.stop();
      this.failover = null;
      station.destroy();
      this.set({ state: 'registering', message: 'Restarting', lines: [] });
      void this.boot(gen).catch((e: unknown) => this.crashed(gen, e));
      return;
    }
    this.restart('Resetting', 0);
  }

  private onSccpLost(gen: number, station: SccpStation, config: DeviceConfig | null): void {
    if (this.stale(gen) || this.station !== station) return;
    this.station = null;
    const failover = this.failover;
    this.failover = null;
    // cluster.md §1.3: lost the active call manager: register on the standby connection at once.
    const standby = failover?.takeStandby() ?? null;
    failover?.stop();
    if (standby) {
      const cms = this.callManagers(config);
      const cm = cms[standby.index];
      this.set({
        state: 'registering',
        message: 'CM down, registering to backup',
        lines: [],
        notify: null,
        calls: [],
        server: `${cm.host}:${cm.sccpPort}`,
      });
      void this.registerOn(gen, standby.station, config, cms, standby.index, 'failover').then((result) => {
        if (result === 'next' && !this.stale(gen)) void this.registerSccp(gen, config);
      });
      return;
    }
    // No standby: register again, primary first.
    this.set({ state: 'registering', message: 'CM down, registering', lines: [], notify: null, calls: [] });
    this.after(
      Math.floor(Math.random() * this.timing.reconnectJitterMs),
      gen,
      () => void this.registerSccp(gen, config),
    );
  }

  // ---------------------------------------------------------------- SIP

  private async bootSip(gen: number, config: DeviceConfig | null): Promise<void> {
    const model = this.options.model;
    const cms = this.callManagers(config);
    const cmTargets = cms.map((c) => ({ host: c.host, port: c.sipPort }));
    let lines: SipLine[];
    let expires = 3600;
    if (model.classic && this.options.tftp) {
      // provisioning.md §1.3: 7940/7960 SIP loads read OS79XX.TXT, SIPDefault.cnf, then SIP<MAC>.cnf.
      let values: Map<string, string>;
      try {
        const os = await this.fetchOptional('OS79XX.TXT');
        if (os) parseOsImage(os.toString('latin1'));
        const defaults = await this.fetchOptional('SIPDefault.cnf');
        const own = await this.fetchOptional(`SIP${this.mac}.cnf`);
        values = mergeSipText(
          defaults ? parseSipText(defaults.toString('utf8')) : null,
          own ? parseSipText(own.toString('utf8')) : null,
        );
      } catch (error) {
        if (this.stale(gen)) return;
        const message = `TFTP Error: ${(error as Error).message}`;
        this.set({ state: 'failed', message, error: message });
        this.restart('Resetting', this.jitter(this.timing.retryMs));
        return;
      }
      if (this.stale(gen)) return;
      const settings = sipSettings(values);
      // provisioning.md §3.4: image_version in the SIP files also names the load to run.
      if (settings.imageVersion && settings.imageVersion !== this.load) {
        if (await this.upgrade(gen, settings.imageVersion)) return;
        if (this.stale(gen)) return;
      }
      expires = settings.registerExpires;
      const fallbackTargets = settings.callManagers.length
        ? settings.callManagers.map((c) => ({ host: c.host, port: c.port ?? 5060 }))
        : cmTargets;
      lines = settings.lines.map((l) => ({
        ...l,
        targets: targetsOf(l.proxy, l.proxyPort, fallbackTargets),
      }));
    } else {
      lines = (config?.sipLines ?? []).map((l) => ({
        index: l.button,
        name: l.name,
        authName: l.authName || l.name,
        password: l.authPassword,
        displayName: l.displayName,
        targets: targetsOf(l.proxy, l.port, cmTargets),
      }));
    }
    if (lines.length === 0) {
      // A phone without a line configured registers as its device name (what openucm's SIP<MAC>.cnf gives an unknown phone).
      lines = [{ index: 1, name: this.deviceName, authName: this.deviceName, targets: cmTargets }];
    }
    if (lines[0].targets.length === 0) {
      this.set({ state: 'failed', message: 'No SIP proxy in the configuration' });
      this.restart('Resetting', this.jitter(this.timing.retryMs));
      return;
    }
    const sip = new SipRegistration({
      mac: this.mac,
      modelEnum: model.deviceType,
      userAgent: model.userAgent(this.load),
      localAddress: this.options.localAddress,
      expires,
      t1Ms: this.timing.sipT1Ms,
    });
    await sip.open();
    if (this.stale(gen)) {
      sip.close();
      return;
    }
    this.sip = sip;
    sip.on('command', (command, why) => this.onSipCommand(gen, sip, lines, command, why));
    await this.registerSip(gen, sip, lines);
  }

  private onSipCommand(
    gen: number,
    sip: SipRegistration,
    lines: SipLine[],
    command: ServerCommand,
    why: string,
  ): void {
    if (this.stale(gen) || this.sip !== sip) return;
    if (command === 'reboot') {
      this.restart(`Resetting (${why})`, 0);
      return;
    }
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.set({ state: 'registering', message: 'Restarting', lines: [] });
    void this.registerSip(gen, sip, lines);
  }

  private async registerSip(gen: number, sip: SipRegistration, lines: SipLine[]): Promise<void> {
    const [primary, ...others] = lines;
    for (const target of primary.targets) {
      if (this.stale(gen)) return;
      const server = `${target.host}:${target.port}`;
      this.set({ state: 'registering', message: 'Registering', server });
      const outcome = await sip.register(primary, target);
      if (this.stale(gen) || this.sip !== sip) return;
      if (outcome.kind === 'timeout') continue;
      if (outcome.kind === 'rejected') {
        this.set({ state: 'rejected', message: `Registration Rejected: ${outcome.reason}`, server });
        this.restart('Resetting after rejection', this.jitter(this.timing.rejectedRetryMs));
        return;
      }
      const registered = [{ index: primary.index, dn: primary.name }];
      // sip-cisco.md §1.5: against CUCM each line registers separately.
      for (const line of others) {
        const target2 = line.targets[0] ?? target;
        const o = await sip.register(line, target2);
        if (this.stale(gen) || this.sip !== sip) return;
        if (o.kind === 'registered') registered.push({ index: line.index, dn: line.name });
      }
      const clockOffsetMs = outcome.date ? outcome.date.getTime() - Date.now() : this.status.clockOffsetMs;
      this.registrations++;
      this.failedRounds = 0;
      const why: 'failover' | 'fallback' | 'register' = this.sipReturning
        ? 'fallback'
        : this.lastServer
          ? 'failover'
          : 'register';
      this.sipReturning = false;
      const moved =
        server !== this.lastServer
          ? { at: new Date().toISOString(), from: this.lastServer, to: server, why }
          : this.status.moved;
      if (this.lastServer !== null && server !== this.lastServer) this.moves++;
      this.lastServer = server;
      this.set({
        state: 'registered',
        message: 'Registered',
        server,
        lines: registered,
        clockOffsetMs,
        moved,
      });
      if (!sip.calls) this.startSipCalls(gen, sip, primary.name, target);
      // A new registration: refreshes and tries of the primary scheduled for an earlier one stop.
      const epoch = ++this.sipEpoch;
      // sip-cisco.md §1.5: the phone re-registers at expires − delta (Timer Register Delta, default 5 s).
      const refreshIn = outcome.expires > 10 ? outcome.expires - 5 : Math.max(1, outcome.expires / 2);
      this.after(refreshIn * 1000, gen, () => void this.refreshSip(gen, sip, lines, target, epoch));
      // On a backup proxy: try the primary now and then, and return when it answers.
      if (target !== primary.targets[0])
        this.after(this.timing.fallbackRetryMs, gen, () => void this.sipHome(gen, sip, lines, epoch));
      return;
    }
    if (this.stale(gen)) return;
    this.set({
      state: 'registering',
      message: `No answer from ${primary.targets.map((t) => `${t.host}:${t.port}`).join(', ')}`,
      server: null,
    });
    this.after(this.backoff(), gen, () => void this.registerSip(gen, sip, lines));
  }

  /** Places and answers calls as the plan says (SIP: the whole number in one INVITE); the screen shows them. */
  private startSipCalls(gen: number, sip: SipRegistration, line: string, server: SipTarget): void {
    const plan = this.options.calls;
    if (!plan) return;
    const calls = new SipPhoneCalls(sip, {
      address: sip.local.host,
      line,
      server,
      autoAnswer: plan.answer,
      toneHz: plan.toneHz,
      userAgent: this.options.model.userAgent(this.load),
    });
    const show = () => {
      // A reboot or re-registration replaced the phone's SIP side: these calls are gone.
      if (this.sip !== sip) return clearInterval(refresh);
      this.set({
        calls: calls.describe().map((c, i) => ({
          callReference: i + 1,
          state: c.state,
          remote: { number: c.remote, name: '' },
          tone: null,
          media: c.media,
        })),
      });
    };
    // The RTP counters move without a message: refresh the screen once a second while calls last.
    const refresh = setInterval(() => (calls.calls.size > 0 || this.sip !== sip ? show() : undefined), 1000);
    refresh.unref();
    calls.on('change', show);
    const holdAfter = plan.holdAfterSeconds;
    if (holdAfter !== undefined) {
      // As the SCCP phones: each call, once connected, is held after S seconds and resumed S later.
      const held = new Set<string>();
      calls.on('change', (call) => {
        if (call.state !== 'connected' || held.has(call.callId)) return;
        held.add(call.callId);
        this.after(holdAfter * 1000, gen, () => {
          calls.hold();
          this.after(holdAfter * 1000, gen, () => calls.resume());
        });
      });
    }
    // A SIP phone picks up by dialling the feature code (alone, or with the group's number).
    const pickup = plan.pickup
      ? SIM_PICKUP_CODES.own
      : plan.groupPickup !== undefined
        ? `${SIM_PICKUP_CODES.group}${plan.groupPickup}`
        : undefined;
    if (pickup !== undefined)
      calls.dial(pickup).catch(() => this.set({ error: `could not pick up with ${pickup}` }));
    const transfer = plan.transfer;
    if (transfer?.by === 'conference')
      this.set({
        error: 'a SIP phone mixes its own conferences: --conference-with drives the SCCP Confrn key',
      });
    else if (transfer) {
      // As the SCCP phones: the first connected call, S seconds after it connected.
      let started = false;
      calls.on('change', (call) => {
        if (started || call.state !== 'connected') return;
        started = true;
        this.after(transfer.afterSeconds * 1000, gen, () => {
          calls
            .transfer(transfer.to, transfer.blind)
            .catch((error: Error) =>
              this.set({ error: `transfer to ${transfer.to} failed: ${error.message}` }),
            );
        });
      });
      calls.on('transferred', (status) =>
        this.set(
          status === 200
            ? { message: `Transferred to ${transfer.to}` }
            : { error: `transfer to ${transfer.to} failed: ${status}` },
        ),
      );
    }
    if (plan.call !== undefined) {
      calls.dial(plan.call).catch(() => this.set({ error: `could not place the call to ${plan.call}` }));
    }
  }

  /** Registered to a backup proxy: REGISTER to the primary; when it answers, the phone is back there. */
  private async sipHome(gen: number, sip: SipRegistration, lines: SipLine[], epoch: number): Promise<void> {
    if (epoch !== this.sipEpoch || this.stale(gen) || this.sip !== sip) return;
    const primary = lines[0];
    if (this.status.calls.length > 0) {
      this.after(this.timing.fallbackRetryMs, gen, () => void this.sipHome(gen, sip, lines, epoch));
      return;
    }
    const outcome = await sip.register(primary, primary.targets[0]);
    if (this.stale(gen) || this.sip !== sip || epoch !== this.sipEpoch) return;
    if (outcome.kind !== 'registered') {
      this.after(this.timing.fallbackRetryMs, gen, () => void this.sipHome(gen, sip, lines, epoch));
      return;
    }
    // The primary answers: register there (every line), the backup's bindings expire.
    this.sipReturning = true;
    await this.registerSip(gen, sip, lines);
  }

  private async refreshSip(
    gen: number,
    sip: SipRegistration,
    lines: SipLine[],
    target: SipTarget,
    epoch: number,
  ): Promise<void> {
    if (epoch !== this.sipEpoch) return;
    const outcome = await sip.register(lines[0], target);
    if (this.stale(gen) || this.sip !== sip || epoch !== this.sipEpoch) return;
    if (outcome.kind === 'registered') {
      const refreshIn = outcome.expires > 10 ? outcome.expires - 5 : Math.max(1, outcome.expires / 2);
      this.after(refreshIn * 1000, gen, () => void this.refreshSip(gen, sip, lines, target, epoch));
      return;
    }
    if (outcome.kind === 'rejected') {
      this.set({ state: 'rejected', message: `Registration Rejected: ${outcome.reason}` });
      this.restart('Resetting after rejection', this.jitter(this.timing.rejectedRetryMs));
      return;
    }
    // No answer: the registrar is gone; register again, failing over along the list.
    this.set({ state: 'registering', message: 'Registrar not answering, registering', lines: [] });
    await this.registerSip(gen, sip, lines);
  }
}

/** A line's registrar: its proxy, unless it is USECALLMANAGER (provisioning.md §2.2) or absent. */
function targetsOf(
  proxy: string | undefined,
  port: number | undefined,
  callManagers: SipTarget[],
): SipTarget[] {
  if (proxy && proxy.toUpperCase() !== 'USECALLMANAGER') return [{ host: proxy, port: port ?? 5060 }];
  return callManagers;
}
