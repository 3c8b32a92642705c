/**
 * A scripted 7940 for the bulk-job tests: boots on a load, reads its SEP<MAC>.cnf.xml over TFTP
 * (when its device exists), takes the load the file names if it can install it from the one it
 * runs (provisioning.md §3.4), and registers over the protocol of its load. A Reset (SCCP) or a
 * NOTIFY check-sync (SIP) makes it boot again; a lost node makes it register again.
 *
 * Both protocols are the real wire: SccpStation against the node's SCCP server, the simulator's
 * SipRegistration (UDP) against its SIP registrar. The full simulator (src/sim/phone.ts) does
 * the same with real load files; this one is scripted so that a test can hold a phone down.
 */
import type { DeviceProtocol } from '../../../src/core/device.js';
import { protocolOfLoad } from '../../../src/core/load.js';
import { parseLoadVersion } from '../../../src/core/load-version.js';
import { phoneModel } from '../../../src/core/phone-models.js';
import { parseDeviceConfig } from '../../../src/sim/device-config.js';
import { SccpStation } from '../../../src/sim/sccp-station.js';
import { SipRegistration } from '../../../src/sim/sip-registration.js';
import { TftpFetchError, tftpGet } from '../../../src/sim/tftp-client.js';

/** Where the phone finds its node; changed when a test restarts the node on new ports. */
export interface PhoneTarget {
  host: string;
  sccpPort: number;
  tftpPort: number;
  sipPort: number;
}

export interface ScriptedPhoneOptions {
  /** 12 upper-case hex digits. */
  mac: string;
  /** Load it runs when powered on. */
  load: string;
  /** Report the running load when registering (124-byte Register / Reason header). */
  reportsLoad?: boolean;
  /** Wait between registration attempts while the node is unreachable or refuses (ms). */
  retryMs?: number;
}

/** provisioning.md §3.4: a 7940 on SCCP below 6.x cannot install a SIP 7.x or later load. */
export function canInstall(running: string, next: string): boolean {
  const from = parseLoadVersion(running);
  const to = parseLoadVersion(next);
  if (!from || !to) return true;
  if (from.protocol === 'SCCP' && to.protocol === 'SIP') return !(from.major < 6 && to.major >= 7);
  return true;
}

const MODEL = phoneModel('7940')!;

export class ScriptedPhone {
  readonly deviceName: string;
  load: string;
  /** Registered right now. */
  registered = false;
  /** Resets received. */
  resets = 0;
  /** Registrations accepted, with the load they reported. */
  readonly registrations: { protocol: DeviceProtocol; load: string }[] = [];
  private station: SccpStation | null = null;
  private sip: SipRegistration | null = null;
  /** The SIP line name (AOR user) its configuration gives. */
  private sipLine: string | null = null;
  /** The digest user and password its configuration gives (authName, authPassword). */
  private sipAuth: { authName: string; password?: string } | null = null;
  private held: Promise<void> | null = null;
  private release: (() => void) | null = null;
  private stopped = false;
  private booting: Promise<void> | null = null;

  constructor(
    private readonly options: ScriptedPhoneOptions,
    public target: PhoneTarget,
  ) {
    this.deviceName = `SEP${options.mac}`;
    this.load = options.load;
  }

  get protocol(): DeviceProtocol {
    return protocolOfLoad(this.load) === 'SIP' ? 'SIP' : 'SCCP';
  }

  /** Powers the phone on: reads its configuration, then registers. */
  start(): Promise<void> {
    this.booting = this.boot();
    return this.booting;
  }

  /** From now on the phone stays down after a Reset (or a lost connection) until `let go`. */
  hold(): void {
    this.held ??= new Promise((resolve) => {
      this.release = resolve;
    });
  }

  letGo(): void {
    this.release?.();
    this.held = null;
    this.release = null;
  }

  /**
   * The node came back (on `target`): a SIP phone notices at its next REGISTER refresh and
   * registers again; an SCCP phone already retries on its own since its connection closed.
   */
  nodeRestarted(target: PhoneTarget): void {
    this.target = target;
    if (this.sip) {
      this.sip.close();
      this.sip = null;
      this.registered = false;
      this.booting = this.registerLoop();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.letGo();
    this.station?.destroy();
    this.station = null;
    this.sip?.close();
    this.sip = null;
    await this.booting?.catch(() => undefined);
  }

  private async boot(): Promise<void> {
    if (this.held) await this.held;
    if (this.stopped) return;
    const config = await this.readConfig();
    if (config?.loadId && config.loadId !== this.load && canInstall(this.load, config.loadId)) {
      this.load = config.loadId;
    }
    this.sipLine = config?.sipLines[0]?.name ?? null;
    const line = config?.sipLines[0];
    this.sipAuth = line?.authName ? { authName: line.authName, password: line.authPassword } : null;
    await this.registerLoop();
  }

  private async readConfig() {
    // Like a phone, it keeps asking until the TFTP server answers (a busy CI machine may drop some).
    while (!this.stopped) {
      try {
        const file = await tftpGet(`${this.deviceName}.cnf.xml`, {
          host: this.target.host,
          port: this.target.tftpPort,
          timeoutMs: 1000,
          retries: 4,
          blockSize: 1400,
        });
        return parseDeviceConfig(file.toString('utf8'), { model: '7940', deviceType: MODEL.sccpDeviceType });
      } catch (error) {
        if (error instanceof TftpFetchError && error.kind === 'not-found') return null;
        await this.pause();
      }
    }
    return null;
  }

  private pause(): Promise<void> {
    return new Promise((r) => setTimeout(r, this.options.retryMs ?? 100));
  }

  private async registerLoop(): Promise<void> {
    while (!this.stopped) {
      if (this.held) await this.held;
      if (this.stopped) return;
      const ok = this.protocol === 'SCCP' ? await this.registerSccp() : await this.registerSip();
      if (ok) {
        this.registered = true;
        this.registrations.push({ protocol: this.protocol, load: this.load });
        return;
      }
      await this.pause();
    }
  }

  private async registerSccp(): Promise<boolean> {
    const station = new SccpStation({
      deviceName: this.deviceName,
      deviceType: MODEL.sccpDeviceType,
      loadInfo: this.options.reportsLoad === false ? undefined : this.load,
    });
    try {
      await station.connect(this.target.host, this.target.sccpPort, undefined, 2000);
    } catch {
      return false;
    }
    // A Reset may arrive in the same TCP read as the RegisterAck: listen before registering, act after.
    station.once('reset', () => setImmediate(() => this.onReset(station)));
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      station.register(),
      new Promise<{ kind: 'timeout' }>((r) => {
        timer = setTimeout(() => r({ kind: 'timeout' }), 60_000);
      }),
    ]);
    clearTimeout(timer);
    if (outcome.kind !== 'registered') {
      station.destroy();
      return false;
    }
    this.station = station;
    station.startKeepalives(outcome.keepAliveInterval);
    station.once('closed', () => {
      if (this.station !== station) return;
      // The node went away: register again, with the same load (no reboot).
      this.station = null;
      this.registered = false;
      if (!this.stopped) this.booting = this.registerLoop();
    });
    return true;
  }

  private onReset(station: SccpStation): void {
    this.resets++;
    this.station = null;
    this.registered = false;
    station.destroy();
    this.booting = this.boot();
  }

  private async registerSip(): Promise<boolean> {
    const sip = new SipRegistration({
      mac: this.options.mac,
      modelEnum: MODEL.sccpDeviceType,
      userAgent: 'Cisco-CP7940G/8.12',
      expires: 3600,
      t1Ms: 100,
    });
    await sip.open();
    // sip-cisco.md §1.6: a 7940 on SIP 8.x reboots on NOTIFY check-sync (the node's Reset).
    sip.once('command', () => setImmediate(() => this.onSipReboot(sip)));
    const name = this.sipLine ?? this.deviceName;
    const outcome = await sip.register(
      { index: 1, name, authName: name, ...this.sipAuth },
      { host: this.target.host, port: this.target.sipPort },
    );
    if (outcome.kind !== 'registered') {
      sip.close();
      return false;
    }
    this.sip = sip;
    return true;
  }

  private onSipReboot(sip: SipRegistration): void {
    if (this.sip !== sip) return;
    this.resets++;
    this.sip = null;
    this.registered = false;
    sip.close();
    this.booting = this.boot();
  }
}
