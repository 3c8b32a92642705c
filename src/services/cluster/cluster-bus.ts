import { EventEmitter } from 'node:events';

/** `openucm_config`: a configuration row changed (sent by the tables' trigger, in the writing transaction). */
export interface ConfigNotification {
  what: string;
  name: string;
  /** The cluster's configuration version this change took (a sequence). */
  v: number;
  /** The writer's connection name (`openucm:<node>`), or another program's. */
  from: string | null;
}

/** `openucm_status`: these devices' live state changed; read their rows. */
export interface StatusNotification {
  /** The node that told its own LiveEvents already; null: every node reads the rows (a reap). */
  from: string | null;
  names: string[];
}

/** `openucm_nodes`: a node's liveness changed. */
export interface NodeNotification {
  node: string;
  state: 'down' | 'up';
  /** Phones shown unregistered with it (down). */
  phones: number;
  /** The node that noticed. */
  by: string;
}

/** `openucm_command`: something a node must do to a phone it holds. */
export interface CommandNotification {
  to: string;
  device: string;
  action: string;
  from: string;
}

export interface ClusterBusEvents {
  config: [ConfigNotification];
  status: [StatusNotification];
  nodes: [NodeNotification];
  command: [CommandNotification];
  /**
   * Notifications may have been missed (the listener reconnected): every cache reloads and the
   * live view re-reads from the tables.
   */
  resync: [{ reason: string }];
  /**
   * This node was declared down by another (its heartbeat went silent) or was out of touch longer
   * than it takes to be: it writes the statuses of the phones it holds again.
   */
  reassert: [{ reason: string }];
}

/** What an operator sees of the bus (API nodes resource, /metrics). */
export interface ClusterBusState {
  /** Whether the node hears the other nodes now. */
  listening: boolean;
  /** Reconnections of the listener since the node started. */
  reconnects: number;
  /** The last error of the listener connection, while it is not listening. */
  lastError: string | null;
}

/**
 * How a node hears the rest of its cluster: configuration changes, other nodes' phones' statuses,
 * commands and liveness. Two implementations: one node alone (SQLite; nothing to hear) and
 * PostgreSQL LISTEN/NOTIFY on one dedicated connection (postgres-cluster-bus.ts).
 */
export interface ClusterBus {
  readonly events: EventEmitter<ClusterBusEvents>;
  /** Connects and listens; resolves once listening (or, if the database refuses, while retrying). */
  start(): Promise<void>;
  /** Sends `payload` on `channel` now, outside any transaction (commands). */
  send(channel: string, payload: string): Promise<void>;
  state(): ClusterBusState;
  stop(): Promise<void>;
}

/**
 * One node on its own (SQLite): its services tell its LiveEvents themselves after each commit, so
 * there is nothing to hear; what it sends reaches itself only.
 */
export class InProcessClusterBus implements ClusterBus {
  readonly events = new EventEmitter<ClusterBusEvents>();

  async start(): Promise<void> {}

  async send(channel: string, payload: string): Promise<void> {
    if (channel === 'openucm_command')
      this.events.emit('command', JSON.parse(payload) as CommandNotification);
  }

  state(): ClusterBusState {
    return { listening: true, reconnects: 0, lastError: null };
  }

  async stop(): Promise<void> {}
}
