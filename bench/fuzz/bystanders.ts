/**
 * Two phones that have nothing to do with the attack and must not notice it: an SCCP 7940 that
 * keeps sending KeepAlives and a SIP 7960 that keeps refreshing its registration, both built on the
 * simulator's wire clients (src/sim). The first one that loses its registration is reported.
 */
import { SccpStation } from '../../src/sim/sccp-station.js';
import { SipRegistration } from '../../src/sim/sip-registration.js';
/** Where the bystanders register: the node's address and its SCCP and SIP ports. */
export interface BystanderTarget {
  host: string;
  ports: { sccp: number; sip: number };
}

/** The two phones, configured on the node beforehand (an SCCP 7940 and a SIP 7960). */
export interface BystanderPhones {
  sccpName: string;
  /** 12 lower-case hex digits. */
  sipMac: string;
  /** The SIP phone's line 1 DN (its REGISTER's user part). */
  sipDn: string;
}

/** The shortest SIP registration the node grants (README: SIP phones, 423 below 60 s). */
const SIP_EXPIRES = 60;

export class Bystanders {
  /** Why a bystander lost its registration (null while both are registered). */
  lost: string | null = null;
  /** Called once, when the first bystander loses its registration. */
  onLost?: (reason: string) => void;
  sipRefreshes = 0;
  private refreshTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  private constructor(
    private readonly station: SccpStation,
    private readonly sip: SipRegistration,
    private readonly target: { host: string; port: number },
    private readonly line: { index: number; name: string; authName: string },
  ) {}

  /** Registers both phones (from `localAddress`); throws when either is not accepted. */
  static async start(
    node: BystanderTarget,
    phones: BystanderPhones,
    localAddress?: string,
  ): Promise<Bystanders> {
    const station = new SccpStation({ deviceName: phones.sccpName, deviceType: 8 });
    await station.connect(node.host, node.ports.sccp, localAddress);
    const outcome = await station.register(30_000);
    if (outcome.kind !== 'registered')
      throw new Error(`the SCCP bystander ${phones.sccpName} was not registered: ${JSON.stringify(outcome)}`);
    await station.startup();
    const sip = new SipRegistration({
      mac: phones.sipMac,
      modelEnum: 7,
      userAgent: 'Cisco-CP7960G/8.0',
      expires: SIP_EXPIRES,
      localAddress,
    });
    await sip.open();
    const line = { index: 1, name: phones.sipDn, authName: phones.sipDn };
    const target = { host: node.host, port: node.ports.sip };
    const first = await sip.register(line, target);
    if (first.kind !== 'registered') {
      station.destroy();
      sip.close();
      throw new Error(
        `the SIP bystander SEP${phones.sipMac.toUpperCase()} was not registered: ${JSON.stringify(first)}`,
      );
    }
    const bystanders = new Bystanders(station, sip, target, line);
    bystanders.watch(outcome.keepAliveInterval, first.expires);
    return bystanders;
  }

  private watch(keepAliveSeconds: number, sipExpires: number): void {
    // A phone that misses three KeepAliveAcks drops the connection (sccp.md §3.5).
    this.station.startKeepalives(keepAliveSeconds, () =>
      this.fail(`the SCCP bystander got no KeepAliveAck for ${3 * keepAliveSeconds} s`),
    );
    this.station.on('closed', () => this.fail('the node closed the SCCP bystander connection'));
    // Refresh at half the granted time, as phones do well before expiry.
    const every = Math.max(5, Math.floor(sipExpires / 2)) * 1000;
    const refresh = async () => {
      if (this.stopped) return;
      const outcome = await this.sip.register(this.line, this.target);
      if (this.stopped) return;
      if (outcome.kind !== 'registered') {
        this.fail(`the SIP bystander's refresh was ${JSON.stringify(outcome)}`);
        return;
      }
      this.sipRefreshes++;
      this.refreshTimer = setTimeout(() => void refresh(), every);
    };
    this.refreshTimer = setTimeout(() => void refresh(), every);
  }

  private fail(reason: string): void {
    if (this.stopped || this.lost) return;
    this.lost = reason;
    this.onLost?.(reason);
  }

  /** KeepAliveAcks the SCCP bystander received. */
  get keepaliveAcks(): number {
    return this.station.keepaliveAcks;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.station.stopKeepalives();
    await Promise.race([this.station.close(), new Promise((r) => setTimeout(r, 3000))]);
    this.station.destroy();
    this.sip.close();
  }
}
