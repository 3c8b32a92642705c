import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import pg from 'pg';
import type { PostgresHost } from './postgres-hosts.js';
import { hostLabel, parsePostgresUrl } from './postgres-hosts.js';
import { NoWritableHostError, connectWritable, readOnlyReason } from './postgres-writable.js';

/** How the node talks to PostgreSQL (config: databaseConnectTimeoutSeconds, …). */
export interface PostgresSettings {
  /** Seconds to open a connection, including waiting for a server that is restarting; then the query fails. */
  connectTimeoutSeconds: number;
  /** Seconds one statement may run (and a transaction stay idle) before PostgreSQL cancels it. */
  statementTimeoutSeconds: number;
  /** Seconds an unused pooled connection is kept. */
  idleTimeoutSeconds: number;
  /** Seconds of silence on a connection before TCP keepalive probes start (0: off). */
  keepaliveSeconds: number;
  /** `application_name` of the connections: the configuration trigger names the writer with it (cluster-objects.ts). */
  applicationName?: string;
}

export const DEFAULT_POSTGRES_SETTINGS: PostgresSettings = {
  connectTimeoutSeconds: 10,
  statementTimeoutSeconds: 30,
  idleTimeoutSeconds: 30,
  keepaliveSeconds: 10,
};

/** Connections a node holds at most. */
const MAX_CONNECTIONS = 10;
/** After the server's own statement_timeout, the client gives up too: the server is unreachable. */
const CLIENT_GRACE_MS = 2000;

/**
 * SQLSTATE classes and socket errors that say the connection, not the statement, failed:
 * 08 connection exception, 57P01 admin_shutdown (pg_ctl stop/restart), 57P02 crash_shutdown,
 * 57P03 cannot_connect_now (starting up or shutting down).
 */
function connectionFailed(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (code.startsWith('08') || /^57P0[123]$/.test(code))) return true;
  if (
    typeof code === 'string' &&
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code)
  )
    return true;
  return (
    typeof message === 'string' &&
    /Connection terminated|Query read timeout|Client has encountered a connection error|timeout exceeded when trying to connect/.test(
      message,
    )
  );
}

/**
 * A pg pool for Kysely that survives a PostgreSQL restart or a partition:
 * - connecting retries (doubling wait up to 1 s) while the server refuses or is starting, for up
 *   to connectTimeoutSeconds, so a restart costs the queries a wait instead of an error;
 * - every statement has a timeout on the server (statement_timeout) and, for an unreachable
 *   server, on the client (query_timeout), and a connection that timed out or broke is destroyed
 *   instead of returned to the pool;
 * - a read that lost its connection outside a transaction is run again on a new one (reads are
 *   idempotent; a write whose connection broke may or may not have committed, so its caller
 *   decides: the StatusWriter retries its idempotent batches, a phone retries its registration);
 * - TCP keepalive notices a dead peer of an idle connection;
 * - with several hosts in the URL (libpq syntax, postgres-hosts.ts), the connections go to the
 *   first writable one; when connecting fails, or a write meets a read-only server, the hosts are
 *   tried again in order and the pool moves to the writable one (a promoted standby).
 */
export function postgresPool(
  url: string,
  settings: PostgresSettings,
  onIdleError: (error: Error) => void,
  onHostChange: (change: { from: string; to: string }) => void = () => undefined,
): PostgresPool {
  const address = parsePostgresUrl(url);
  const multiHost = address.hosts.length > 1;
  const statementMs = settings.statementTimeoutSeconds * 1000;
  const clientConfig = {
    ...(settings.applicationName ? { application_name: settings.applicationName } : {}),
    connectionTimeoutMillis: settings.connectTimeoutSeconds * 1000,
    keepAlive: settings.keepaliveSeconds > 0,
    keepAliveInitialDelayMillis: settings.keepaliveSeconds * 1000,
  };
  const poolFor = (host: PostgresHost): pg.Pool => {
    const pool = new pg.Pool({
      ...clientConfig,
      connectionString: address.urlFor(host),
      max: MAX_CONNECTIONS,
      idleTimeoutMillis: settings.idleTimeoutSeconds * 1000,
      statement_timeout: statementMs,
      idle_in_transaction_session_timeout: statementMs,
      query_timeout: statementMs + CLIENT_GRACE_MS,
    });
    // An idle client whose server connection dies emits 'error' on the pool; unhandled, it would
    // end the process. The pool drops that client and opens a new one when a query needs it.
    pool.on('error', onIdleError);
    return pool;
  };
  let current = { host: address.hosts[0], pool: poolFor(address.hosts[0]) };
  const retired = new Set<pg.Pool>();
  let relocating: Promise<void> | null = null;
  /** Several hosts: finds the writable one and, if it is another, moves the pool there. */
  const relocate = (): Promise<void> =>
    (relocating ??= (async () => {
      const { client, host } = await connectWritable(address, clientConfig);
      await client.end().catch(() => undefined);
      if (host === current.host) return;
      const old = current;
      current = { host, pool: poolFor(host) };
      retired.add(old.pool);
      // Connections still checked out end when released; idle ones now.
      void old.pool
        .end()
        .catch(() => undefined)
        .finally(() => retired.delete(old.pool));
      onHostChange({ from: hostLabel(old.host), to: hostLabel(host) });
    })().finally(() => {
      relocating = null;
    }));
  const wrapped = new WeakMap<pg.PoolClient, ResilientClient>();

  const connect = async (): Promise<ResilientClient> => {
    const deadline = Date.now() + settings.connectTimeoutSeconds * 1000;
    for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
      try {
        if (relocating) await relocating;
        const client = await current.pool.connect();
        let resilient = wrapped.get(client);
        if (!resilient) {
          // A new connection of a multi-host pool: the host may have become a standby since.
          const reason = multiHost ? await readOnlyReason(client).catch(() => null) : null;
          if (reason !== null) {
            client.release(true);
            throw new NoWritableHostError([`${hostLabel(current.host)}: ${reason}`]);
          }
          resilient = new ResilientClient(
            client,
            connect,
            multiHost ? () => void relocate().catch(() => undefined) : null,
          );
          wrapped.set(client, resilient);
        }
        resilient.broken = false;
        return resilient;
      } catch (error) {
        let failure = error;
        if (multiHost && connectionFailed(error))
          failure = await relocate().then(
            () => error,
            (e: unknown) => e,
          );
        if (!connectionFailed(failure) || Date.now() + wait > deadline)
          throw cannotConnect(failure, settings.connectTimeoutSeconds);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  };
  return {
    connect,
    end: async () => {
      await relocating?.catch(() => undefined);
      await Promise.all([current.pool.end(), ...[...retired].map((p) => p.end().catch(() => undefined))]);
    },
  };
}

/** What a query is told when no connection could be opened in time (with several hosts: each one's answer). */
function cannotConnect(failure: unknown, seconds: number): Error {
  return new Error(
    `cannot connect to PostgreSQL (${(failure as Error).message}) within ${seconds} s (--database-connect-timeout-seconds); check that the server runs and is reachable`,
    { cause: failure },
  );
}

/** One pooled connection that knows whether it is in a transaction and whether it broke. */
class ResilientClient implements PostgresPoolClient {
  broken = false;
  private inTransaction = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly connect: () => Promise<ResilientClient>,
    /** Several hosts: told when the server turned out read-only (a demoted primary). */
    private readonly onReadOnly: (() => void) | null,
  ) {
    // A connection that ends while checked out (a restart between two statements of a
    // transaction) emits 'error' on the client, where pg-pool listens only while it is idle;
    // unheard, it would be an uncaught exception. The statement that next uses it fails instead.
    client.on('error', () => {
      this.broken = true;
    });
  }

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(
    sql: string | PostgresCursor<R>,
    parameters: ReadonlyArray<unknown> = [],
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sql !== 'string') throw new Error('openucm does not stream PostgreSQL results');
    return this.run<R>(sql, parameters);
  }

  private async run<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    const command = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase();
    const wasInTransaction = this.inTransaction;
    if (command === 'begin') this.inTransaction = true;
    if (command === 'commit' || command === 'rollback') this.inTransaction = false;
    try {
      return (await this.client.query(sql, [...parameters])) as unknown as PostgresQueryResult<R>;
    } catch (error) {
      // 25006 read_only_sql_transaction: this server is a standby now; the pool looks for the primary.
      if (this.onReadOnly && (error as { code?: unknown }).code === '25006') {
        this.broken = true;
        this.onReadOnly();
      }
      if (!connectionFailed(error)) throw error;
      this.broken = true;
      this.inTransaction = false;
      if (command !== 'select' || wasInTransaction) throw error;
      const fresh = await this.connect();
      try {
        return await fresh.query<R>(sql, parameters);
      } finally {
        fresh.release();
      }
    }
  }

  release(destroy?: boolean): void {
    this.client.release(destroy || this.broken ? true : undefined);
  }
}
