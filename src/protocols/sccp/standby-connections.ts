/**
 * Standby connections (cluster.md §1.3): a 79xx registered to one call manager keeps a TCP
 * connection open to the next one of its group and sends it KeepAlive, never Register, every
 * `secondaryKeepAliveInterval` (RegisterAck) until its active connection is lost; then it registers
 * there at once. A phone registered to its backup does the same towards its primary while it asks
 * for a fallback token. This node answers those KeepAlives, holds the connections within their
 * limits, and closes one that goes silent for three secondary intervals.
 */
import { AddressSlots } from '../address-slots.js';
import type { LimitReporter } from '../../services/limit-log.js';
import { KeepaliveSupervisor } from './keepalive-supervisor.js';
import type { Supervised } from './keepalive-supervisor.js';

type StandbyLimit = 'sccpMaxStandbyConnections' | 'sccpMaxStandbyConnectionsPerAddress';

/** The keepalive interval towards backups that RegisterAck announces: twice the primary's (CUCM: 30 s and 60 s). */
export function secondaryKeepaliveSeconds(keepaliveSeconds: number): number {
  return keepaliveSeconds * 2;
}

/** Missed secondary KeepAlives after which a standby connection is closed (cluster.md §1.3: three). */
const MISSED_KEEPALIVES = 3;

/** One standby connection as its holder sees it. */
export interface StandbyConnection extends Supervised {
  /** The peer's IP address alone (what the per-address limit counts). */
  readonly peerIp: string;
}

export interface StandbyOptions {
  keepaliveSeconds: number;
  max: number;
  maxPerAddress: number;
  reporter: LimitReporter;
  now: () => number;
}

export class StandbyConnections {
  private readonly slots: AddressSlots<StandbyLimit>;
  private readonly supervisor: KeepaliveSupervisor;
  private readonly held = new Set<StandbyConnection>();
  /** Connections that entered standby since the start. */
  entered = 0;

  constructor(private readonly options: StandbyOptions) {
    this.slots = new AddressSlots({
      total: { max: options.max, limit: 'sccpMaxStandbyConnections' },
      perAddress: { max: options.maxPerAddress, limit: 'sccpMaxStandbyConnectionsPerAddress' },
    });
    const secondary = secondaryKeepaliveSeconds(options.keepaliveSeconds);
    this.supervisor = new KeepaliveSupervisor(MISSED_KEEPALIVES * secondary * 1000 + 5000, options.now);
  }

  /** Seconds of silence after which a standby connection is closed. */
  get timeoutSeconds(): number {
    return MISSED_KEEPALIVES * secondaryKeepaliveSeconds(this.options.keepaliveSeconds) + 5;
  }

  /**
   * Holds `c` as a standby connection and watches its keepalives; false (reported: counted and
   * logged) when a limit is reached, and the caller closes it.
   */
  enter(c: StandbyConnection, device?: string): boolean {
    if (this.held.has(c)) return true;
    const limit = this.slots.take(c.peerIp);
    if (limit !== null) {
      const { max, maxPerAddress } = this.options;
      const message =
        limit === 'sccpMaxStandbyConnections'
          ? `closed a standby SCCP connection from ${c.peerIp}: this process holds ${this.slots.held} standby connections, its limit (--sccp-max-standby-connections ${max}); phones that keep this node as their backup will register here only once their own node is lost`
          : `closed a standby SCCP connection from ${c.peerIp}: that address holds ${this.slots.heldBy(c.peerIp)} standby connections, the most one address may (--sccp-max-standby-connections-per-address ${maxPerAddress}); if many phones share it (NAT), raise the limit`;
      this.options.reporter.reached(limit, { address: c.peerIp, device }, message);
      return false;
    }
    this.held.add(c);
    this.entered++;
    this.supervisor.watch(c);
    return true;
  }

  /** `c` registered, or closed: no longer a standby connection. */
  leave(c: StandbyConnection): void {
    if (!this.held.delete(c)) return;
    this.supervisor.unwatch(c);
    this.slots.release(c.peerIp);
  }

  /** Standby connections held now. */
  get count(): number {
    return this.held.size;
  }

  /** Closes silent ones (the caller's `expired`); call `start` once listening. */
  sweep(): void {
    this.supervisor.sweep();
  }

  start(): void {
    this.supervisor.start();
  }

  stop(): void {
    this.supervisor.stop();
  }
}
