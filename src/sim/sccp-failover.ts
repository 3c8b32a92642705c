/**
 * What a 79xx does beside its active SCCP registration (cluster.md §1.3): a standby TCP connection
 * to the next call manager of its group, sent KeepAlive (never Register) every secondary keepalive
 * interval, ready to register on at once when the active connection is lost; and, while registered
 * to a backup, the way home: it connects to its primary now and then, asks for a token
 * (RegisterTokenRequest) and moves back on RegisterTokenAck, or asks again after the
 * RegisterTokenReject's wait. It never falls back in a call.
 */
import type { CallManagerEntry } from './device-config.js';
import { SccpStation } from './sccp-station.js';
import type { StationIdentity } from './sccp-station.js';

export interface FailoverHost {
  identity: StationIdentity;
  localAddress?: string;
  connectTimeoutMs: number;
  /** Wait between tries of the primary while on a backup (ms). */
  fallbackRetryMs: number;
  /** A call is up or ringing: no fallback now. */
  inCall(): boolean;
  /** The primary refused a token (RegisterTokenReject): counted by the phone. */
  tokenRejected(waitSeconds: number): void;
  /** The primary granted a token: register on `station` (connected, not registered). */
  fallBack(station: SccpStation, index: number): void;
}

/** A connected, unregistered connection to one member of the group. */
export interface StandbyLink {
  station: SccpStation;
  index: number;
}

export class SccpFailover {
  private standby: StandbyLink | null = null;
  private home: SccpStation | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  /**
   * @param active index in `cms` of the call manager the phone is registered to.
   * @param secondaryKeepaliveSeconds from RegisterAck.
   */
  constructor(
    private readonly host: FailoverHost,
    private readonly cms: CallManagerEntry[],
    private readonly active: number,
    private readonly secondaryKeepaliveSeconds: number,
  ) {}

  start(): void {
    // cluster.md §1.3: a standby connection to the next member of the group.
    if (this.active + 1 < this.cms.length) void this.openStandby(this.active + 1);
    // On a backup: the way home to the primary.
    if (this.active > 0) this.later(this.host.fallbackRetryMs, () => void this.tryHome());
  }

  /** The active connection is lost: the standby connection, if open, to register on at once. */
  takeStandby(): StandbyLink | null {
    const link = this.standby;
    this.standby = null;
    if (!link || link.station.isClosed) return null;
    link.station.stopKeepalives();
    link.station.removeAllListeners('closed');
    return link;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.standby?.station.destroy();
    this.standby = null;
    this.home?.destroy();
    this.home = null;
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(timer);
  }

  private async connect(index: number): Promise<SccpStation | null> {
    const cm = this.cms[index];
    const station = new SccpStation(this.host.identity);
    try {
      await station.connect(cm.host, cm.sccpPort, this.host.localAddress, this.host.connectTimeoutMs);
    } catch {
      station.destroy();
      return null;
    }
    if (this.stopped) {
      station.destroy();
      return null;
    }
    return station;
  }

  /** KeepAlive every secondary interval; lost after three unanswered (cluster.md §1.3). */
  private keepAlive(station: SccpStation): void {
    station.send({ type: 'KeepAlive' });
    station.startKeepalives(this.secondaryKeepaliveSeconds, () => station.destroy());
  }

  private async openStandby(index: number): Promise<void> {
    const station = await this.connect(index);
    if (!station) {
      this.later(this.host.fallbackRetryMs, () => void this.openStandby(index));
      return;
    }
    this.standby = { station, index };
    station.once('closed', () => {
      if (this.standby?.station !== station) return;
      this.standby = null;
      this.later(this.host.fallbackRetryMs, () => void this.openStandby(index));
    });
    this.keepAlive(station);
  }

  /** Connects to the primary (or keeps the connection it has) and asks for a token. */
  private async tryHome(): Promise<void> {
    if (this.host.inCall()) {
      this.later(this.host.fallbackRetryMs, () => void this.tryHome());
      return;
    }
    let station = this.home;
    if (!station || station.isClosed) {
      station = await this.connect(0);
      if (!station) {
        this.later(this.host.fallbackRetryMs, () => void this.tryHome());
        return;
      }
      this.home = station;
      // Held as a standby connection by the primary while the phone waits for its token.
      this.keepAlive(station);
    }
    const answer = await station.requestToken(this.host.connectTimeoutMs);
    if (this.stopped) return;
    if (answer === true) {
      if (this.host.inCall()) {
        // Granted while a call began: give the token back by asking again later.
        this.later(this.host.fallbackRetryMs, () => void this.tryHome());
        return;
      }
      this.home = null;
      station.stopKeepalives();
      this.host.fallBack(station, 0);
      return;
    }
    // Rejected: ask again on the same connection after the wait it names; no answer: try later.
    if (answer !== null) this.host.tokenRejected(answer);
    const waitMs = answer === null ? this.host.fallbackRetryMs : answer * 1000;
    if (answer === null) {
      station.destroy();
      this.home = null;
    }
    this.later(waitMs, () => void this.tryHome());
  }
}
