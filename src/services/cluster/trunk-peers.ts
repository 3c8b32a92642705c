import type { Logger } from 'pino';

/** Another running node, where its SIP listens (the nodes table: announced address and SIP port). */
export interface TrunkPeer {
  name: string;
  address: string;
  sipPort: number;
}

/** A node as stored: its endpoint once it announced one, and whether it runs (heartbeat, not down). */
export interface StoredPeer {
  name: string;
  address: string | null;
  sipPort: number | null;
  running: boolean;
}

/** How long a refresh asked for by an unknown address waits after the last read (a flood costs little). */
const REFRESH_MIN_INTERVAL_MS = 1000;

/**
 * The other running nodes of the cluster, in memory, for the intra-cluster trunk: where a call to
 * another node goes, and from which addresses a trunk INVITE may come. Read at start and again when
 * the nodes table changes or a node is declared down or up (the cluster bus), and when a trunk
 * INVITE comes from an address not known (at most once a second).
 */
export class TrunkPeers {
  private peers = new Map<string, TrunkPeer>();
  private readonly listeners: Array<(peers: ReadonlyMap<string, TrunkPeer>) => void> = [];
  private lastRead = 0;
  private reading: Promise<void> | null = null;
  private again: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      self: string;
      load: () => Promise<StoredPeer[]>;
      logger: Logger;
      now?: () => number;
    },
  ) {}

  get(name: string): TrunkPeer | undefined {
    return this.peers.get(name);
  }

  /** Every running node but this one. */
  all(): ReadonlyMap<string, TrunkPeer> {
    return this.peers;
  }

  /** The nodes announced at `address`. */
  atAddress(address: string): TrunkPeer[] {
    return [...this.peers.values()].filter((peer) => peer.address === address);
  }

  /** Told the running nodes after each read that changed them. */
  onChange(listener: (peers: ReadonlyMap<string, TrunkPeer>) => void): void {
    this.listeners.push(listener);
  }

  /** Reads the nodes again now (a change heard on the bus); during a read, once more after it. */
  reload(): Promise<void> {
    if (this.reading) {
      // The read under way may have begun before the change it is told of: read again after it.
      this.again ??= this.reading.then(() => {
        this.again = null;
        return this.reload();
      });
      return this.again;
    }
    this.reading = this.read().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  /** Reads again unless the last read is under a second old (a trunk INVITE from an unknown address). */
  async refresh(): Promise<void> {
    if (this.now() - this.lastRead < REFRESH_MIN_INTERVAL_MS) return this.reading ?? undefined;
    return this.reload();
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private async read(): Promise<void> {
    this.lastRead = this.now();
    let stored: StoredPeer[];
    try {
      stored = await this.deps.load();
    } catch (error) {
      this.deps.logger.warn(
        { err: error },
        `could not read the cluster's nodes for calls between nodes (${(error as Error).message}); the nodes known so far are kept`,
      );
      return;
    }
    const next = new Map<string, TrunkPeer>();
    for (const s of stored)
      if (s.name !== this.deps.self && s.running && s.address !== null && s.sipPort !== null && s.sipPort > 0)
        next.set(s.name, { name: s.name, address: s.address, sipPort: s.sipPort });
    const same =
      next.size === this.peers.size &&
      [...next].every(([name, p]) => {
        const q = this.peers.get(name);
        return q !== undefined && q.address === p.address && q.sipPort === p.sipPort;
      });
    if (same) return;
    this.peers = next;
    for (const listener of this.listeners) {
      try {
        listener(next);
      } catch (error) {
        this.deps.logger.error(
          { err: error },
          `a change of the cluster's nodes was not applied: ${(error as Error).message}`,
        );
      }
    }
  }
}
