import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Logger } from 'pino';
import { applicationNameOf } from '../../store/cluster-objects.js';
import { HEARTBEAT_SQL } from '../../store/cluster-repository.js';
import type { PostgresAddress } from '../../store/postgres-hosts.js';
import { parsePostgresUrl } from '../../store/postgres-hosts.js';
import { connectWritable } from '../../store/postgres-writable.js';
import type { ClusterBus, ClusterBusEvents, ClusterBusState } from './cluster-bus.js';
import { CHANNELS } from './channels.js';

export interface PostgresClusterBusOptions {
  url: string;
  nodeName: string;
  /** How often the listener connection writes the node's heartbeat (and so probes itself). */
  heartbeatMs: number;
  /** A node silent this long is declared down by the others (clusterDownAfterMilliseconds). */
  downAfterMs: number;
  connectTimeoutSeconds: number;
  keepaliveSeconds: number;
  logger: Logger;
}

const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5000;

/**
 * The cluster bus over PostgreSQL LISTEN/NOTIFY: ONE dedicated connection per node, not pooled
 * (a pooled one would drop its LISTENs when returned). Every beat it writes the node's heartbeat
 * with the database's clock, which doubles as a probe with a short timeout: a connection that
 * stops answering without an error (a server rebooted behind a load balancer) is dropped too.
 * It reconnects with a doubling wait; after any reconnect it listens again and emits `resync`,
 * since notifications sent meanwhile are lost (PostgreSQL replays none).
 */
export class PostgresClusterBus implements ClusterBus {
  readonly events = new EventEmitter<ClusterBusEvents>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectWait = RECONNECT_FIRST_MS;
  private beating = false;
  private stopped = false;
  private everListened = false;
  private reconnects = 0;
  private lastError: string | null = null;
  /** performance.now() of the last heartbeat the database took. */
  private lastBeatAt = 0;
  private readonly probeTimeoutMs: number;

  private readonly address: PostgresAddress;

  constructor(private readonly options: PostgresClusterBusOptions) {
    this.address = parsePostgresUrl(options.url);
    // A probe may take what is left of the down-after time once a beat is missed, at least 500 ms.
    this.probeTimeoutMs = Math.max(500, options.downAfterMs - options.heartbeatMs);
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.timer.unref();
    await this.connect();
  }

  state(): ClusterBusState {
    return { listening: this.client !== null, reconnects: this.reconnects, lastError: this.lastError };
  }

  async send(channel: string, payload: string): Promise<void> {
    const client = this.client;
    if (!client)
      throw new Error(
        `cannot tell the other nodes (${channel}): this node's listener connection to PostgreSQL is down (${this.lastError ?? 'connecting'}); try again when it is back`,
      );
    await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.timer = this.reconnectTimer = null;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    if (!client) return;
    // Stopped cleanly: no heartbeat, so no other node takes it for dead and no restore for running.
    // A server that does not answer must not keep the node from stopping: the probe's timeout.
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      client.query('UPDATE nodes SET heartbeat_at = NULL WHERE name = $1', [this.options.nodeName]),
      new Promise<void>((resolve) => (timeout = setTimeout(resolve, this.probeTimeoutMs))),
    ]).catch(() => undefined);
    clearTimeout(timeout);
    await Promise.race([
      client.end(),
      new Promise<void>((resolve) => setTimeout(resolve, this.probeTimeoutMs).unref()),
    ]).catch(() => undefined);
  }

  private connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const { nodeName, connectTimeoutSeconds, keepaliveSeconds, logger } = this.options;
    const gapMs = this.lastBeatAt === 0 ? 0 : performance.now() - this.lastBeatAt;
    let client: pg.Client;
    try {
      // Several hosts in the URL: the first writable one (a promoted standby after a failover).
      ({ client } = await connectWritable(this.address, {
        application_name: applicationNameOf(nodeName),
        connectionTimeoutMillis: connectTimeoutSeconds * 1000,
        keepAlive: keepaliveSeconds > 0,
        keepAliveInitialDelayMillis: keepaliveSeconds * 1000,
      }));
    } catch (error) {
      this.retry(error as Error);
      return;
    }
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the server closed the connection')));
    client.on('notification', (message) => this.dispatch(message.channel, message.payload));
    try {
      for (const channel of Object.values(CHANNELS)) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      client.removeAllListeners('end');
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      this.retry(error as Error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectWait = RECONNECT_FIRST_MS;
    const again = this.everListened;
    this.everListened = true;
    if (again) {
      this.reconnects++;
      logger.info(
        { node: nodeName, afterMs: Math.round(gapMs) },
        `listening to the cluster again after ${Math.round(gapMs)} ms; reloading every cache and the live view, since changes made meanwhile on other nodes were not heard`,
      );
      this.events.emit('resync', { reason: 'the listener reconnected' });
    }
    this.lastError = null;
    await this.beat();
    if (again && gapMs > this.options.downAfterMs)
      this.events.emit('reassert', {
        reason: `out of touch with the database for ${Math.round(gapMs)} ms, longer than other nodes wait before declaring it down`,
      });
  }

  /** Writes the heartbeat; a beat that fails or takes longer than the probe timeout drops the connection. */
  private async beat(): Promise<void> {
    const client = this.client;
    if (!client || this.beating) return;
    this.beating = true;
    let timeout: NodeJS.Timeout | undefined;
    try {
      const answered = client.query<{ was_down: string | null }>(HEARTBEAT_SQL, [this.options.nodeName]);
      // Past the timeout the answer (or its error) no longer matters.
      answered.catch(() => undefined);
      const late = new Promise<never>((_, reject) => {
        timeout = setTimeout(
          () => reject(new Error(`the heartbeat got no answer within ${this.probeTimeoutMs} ms`)),
          this.probeTimeoutMs,
        );
      });
      const result = await Promise.race([answered, late]);
      this.lastBeatAt = performance.now();
      const wasDown = result.rows[0]?.was_down ?? null;
      if (wasDown !== null) {
        this.options.logger.warn(
          { node: this.options.nodeName, declaredDownAt: wasDown },
          `another node declared ${this.options.nodeName} down at ${wasDown} (its heartbeat was silent longer than the down-after time); writing the statuses of the phones it holds again`,
        );
        this.events.emit('reassert', { reason: `declared down at ${wasDown}` });
      }
    } catch (error) {
      this.lost(client, error as Error);
    } finally {
      clearTimeout(timeout);
      this.beating = false;
    }
  }

  private lost(client: pg.Client, error: Error): void {
    if (client !== this.client) return;
    this.client = null;
    client.removeAllListeners('notification');
    client.removeAllListeners('end');
    // Errors of the dropped connection are expected now; no one must see them as uncaught.
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    this.retry(error);
  }

  private retry(error: Error): void {
    if (this.stopped) return;
    const first = this.lastError === null;
    this.lastError = error.message;
    if (first)
      this.options.logger.warn(
        { err: error, node: this.options.nodeName },
        `lost the cluster listener connection of ${this.options.nodeName} to PostgreSQL (${error.message}); reconnecting. Until then this node does not hear other nodes' changes and writes no heartbeat (after ${this.options.downAfterMs} ms the others show it down). Check the database server and the network`,
      );
    const wait = this.reconnectWait;
    this.reconnectWait = Math.min(wait * 2, RECONNECT_MAX_MS);
    this.reconnectTimer ??= setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, wait);
  }

  private dispatch(channel: string, payload: string | undefined): void {
    let body: unknown;
    try {
      body = JSON.parse(payload ?? '');
    } catch {
      this.options.logger.warn(
        { channel, payload },
        `ignored a notification on ${channel} that is not JSON: something other than openucm sends on its channels`,
      );
      return;
    }
    switch (channel) {
      case CHANNELS.config:
        this.events.emit('config', body as ClusterBusEvents['config'][0]);
        break;
      case CHANNELS.status:
        this.events.emit('status', body as ClusterBusEvents['status'][0]);
        break;
      case CHANNELS.nodes:
        this.events.emit('nodes', body as ClusterBusEvents['nodes'][0]);
        break;
      case CHANNELS.command:
        this.events.emit('command', body as ClusterBusEvents['command'][0]);
        break;
    }
  }
}
