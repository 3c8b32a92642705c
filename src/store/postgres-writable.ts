import pg from 'pg';
import type { PostgresAddress, PostgresHost } from './postgres-hosts.js';
import { hostLabel } from './postgres-hosts.js';

/**
 * None of the hosts of a multi-host URL took a writing connection. SQLSTATE 08001
 * (sqlclient_unable_to_establish_sqlconnection, what libpq reports then), so callers treat it as
 * a connection failure and try again: a standby being promoted becomes writable in a moment.
 */
export class NoWritableHostError extends Error {
  readonly code = '08001';

  constructor(readonly tried: string[]) {
    super(
      `no writable PostgreSQL server among the ${tried.length} hosts of --database-url (${tried.join('; ')}); if the primary failed, promote a standby`,
    );
  }
}

/**
 * Why the server of `client` takes no writes, or null when it does. libpq's read-write test: not a
 * standby (`pg_is_in_recovery()`: a hot standby answers reads, refuses writes) and sessions not
 * read-only by default (`default_transaction_read_only`).
 */
export async function readOnlyReason(client: Pick<pg.ClientBase, 'query'>): Promise<string | null> {
  const result = await client.query<{ standby: boolean; readonly: boolean }>(
    `SELECT pg_is_in_recovery() AS standby, current_setting('transaction_read_only') = 'on' AS readonly`,
  );
  const row = result.rows[0];
  if (row?.standby) return 'a standby (in recovery), read-only';
  if (row?.readonly) return 'read-only (default_transaction_read_only is on)';
  return null;
}

/**
 * Opens a connection to the first host of `address` that accepts writes, trying them in order
 * (libpq's target_session_attrs=read-write). A single host is connected to as it is, without the
 * check, and its error is thrown unchanged; several hosts that all fail throw NoWritableHostError
 * saying what each one answered.
 */
export async function connectWritable(
  address: PostgresAddress,
  config: Omit<pg.ClientConfig, 'connectionString'>,
): Promise<{ client: pg.Client; host: PostgresHost }> {
  const tried: string[] = [];
  const single = address.hosts.length === 1;
  for (const host of address.hosts) {
    const client = new pg.Client({ ...config, connectionString: address.urlFor(host) });
    // A connection that dies while being tried must not be an uncaught 'error'.
    const ignore = (): void => undefined;
    client.on('error', ignore);
    try {
      await client.connect();
      const reason = single ? null : await readOnlyReason(client);
      if (reason === null) {
        client.removeListener('error', ignore);
        return { client, host };
      }
      tried.push(`${hostLabel(host)}: ${reason}`);
    } catch (error) {
      if (single) throw error;
      tried.push(`${hostLabel(host)}: ${(error as Error).message}`);
    }
    await client.end().catch(() => undefined);
  }
  throw new NoWritableHostError(tried);
}

/**
 * The single-host URL of the host of `address` that is writable now, for tools that take one
 * server (pg_dump, psql, a one-off pg.Client): the URL as given when it names one host.
 */
export async function writableUrl(address: PostgresAddress, connectTimeoutSeconds = 10): Promise<string> {
  if (address.hosts.length === 1) return address.urlFor(address.hosts[0]);
  const { client, host } = await connectWritable(address, {
    connectionTimeoutMillis: connectTimeoutSeconds * 1000,
  });
  await client.end().catch(() => undefined);
  return address.urlFor(host);
}
