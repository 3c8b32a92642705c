import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import pg from 'pg';

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
 * - TCP keepalive notices a dead peer of an idle connection.
 */
export function postgresPool(
  url: string,
  settings: PostgresSettings,
  onIdleError: (error: Error) => void,
): PostgresPool & { pool: pg.Pool } {
  const statementMs = settings.statementTimeoutSeconds * 1000;
  const pool = new pg.Pool({
    connectionString: url,
    ...(settings.applicationName ? { application_name: settings.applicationName } : {}),
    max: MAX_CONNECTIONS,
    connectionTimeoutMillis: settings.connectTimeoutSeconds * 1000,
    idleTimeoutMillis: settings.idleTimeoutSeconds * 1000,
    keepAlive: settings.keepaliveSeconds > 0,
    keepAliveInitialDelayMillis: settings.keepaliveSeconds * 1000,
    statement_timeout: statementMs,
    idle_in_transaction_session_timeout: statementMs,
    query_timeout: statementMs + CLIENT_GRACE_MS,
  });
  // An idle client whose server connection dies emits 'error' on the pool; unhandled, it would
  // end the process. The pool drops that client and opens a new one when a query needs it.
  pool.on('error', onIdleError);
  const wrapped = new WeakMap<pg.PoolClient, ResilientClient>();

  const connect = async (): Promise<ResilientClient> => {
    const deadline = Date.now() + settings.connectTimeoutSeconds * 1000;
    for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
      try {
        const client = await pool.connect();
        let resilient = wrapped.get(client);
        if (!resilient) {
          resilient = new ResilientClient(client, connect);
          wrapped.set(client, resilient);
        }
        resilient.broken = false;
        return resilient;
      } catch (error) {
        if (!connectionFailed(error) || Date.now() + wait > deadline)
          throw new Error(
            `cannot connect to PostgreSQL (${(error as Error).message}) within ${settings.connectTimeoutSeconds} s (--database-connect-timeout-seconds); check that the server runs and is reachable`,
            { cause: error },
          );
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  };
  return { pool, connect, end: () => pool.end() };
}

/** One pooled connection that knows whether it is in a transaction and whether it broke. */
class ResilientClient implements PostgresPoolClient {
  broken = false;
  private inTransaction = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly connect: () => Promise<ResilientClient>,
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
