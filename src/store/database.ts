import fs from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { CompiledQuery } from 'kysely';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { PostgresSettings } from './postgres-pool.js';
import { parsePostgresUrl } from './postgres-hosts.js';
import { DEFAULT_POSTGRES_SETTINGS, postgresPool } from './postgres-pool.js';
import type { Schema } from './schema.js';
import { sqliteThreadDialect } from './sqlite-thread/driver.js';

/** Which SQL back end is in use; the few differences are decided from it in one place (migrations, errors). */
export type Flavor = 'sqlite' | 'postgres';

export interface StoreDatabase {
  db: Kysely<Schema>;
  flavor: Flavor;
  /** Where it lives, for logs (file path, or the URL without its password). */
  location: string;
  /** Runs `queries` in order as one transaction (see Store.writeBatch). */
  runBatch(queries: readonly CompiledQuery[]): Promise<void>;
  /** SQLite: the thread that writes, for tests that end it as a crash would (null while it restarts). */
  writerThread?(): Worker | null;
  close(): Promise<void>;
}

/** What the database tells its owner about trouble that no query is waiting for. */
export interface DatabaseEvents {
  /**
   * Told about errors that no query is waiting for and that the database recovers from: a lost
   * PostgreSQL connection (restarted or unreachable server), a failed SQLite checkpoint, a SQLite
   * writer thread that ended and is being restarted.
   */
  onBackgroundError?: (error: Error) => void;
  /** The database cannot be written any more (a SQLite writer thread that cannot be restarted). */
  onFatal?: (error: Error) => void;
}

/** Opens SQLite under `dataDir` (WAL) or PostgreSQL at `databaseUrl`. */
export function openDatabase(
  options: {
    dataDir: string;
    databaseUrl?: string;
    /** Timeouts and keepalive of PostgreSQL connections (defaults: DEFAULT_POSTGRES_SETTINGS). */
    postgres?: PostgresSettings;
  } & DatabaseEvents,
): StoreDatabase {
  if (options.databaseUrl)
    return openPostgres(options.databaseUrl, options.onBackgroundError, options.postgres);
  fs.mkdirSync(options.dataDir, { recursive: true });
  return openSqlite(sqlitePath(options.dataDir), options);
}

/** The SQLite database file of a node whose data directory is `dataDir`. */
export function sqlitePath(dataDir: string): string {
  return path.join(dataDir, 'openucm.sqlite');
}

/** SQLite in WAL mode, its writing connection in a thread of its own (see sqlite-thread/). */
export function openSqlite(file: string, events: DatabaseEvents = {}): StoreDatabase {
  const { onBackgroundError = warnOnConsole, onFatal = warnOnConsole } = events;
  const dialect = sqliteThreadDialect(file, {
    onCheckpointFailure: (message) =>
      onBackgroundError(
        new Error(
          `a WAL checkpoint of ${file} failed (${message}); nothing is lost, the writer checkpoints the WAL itself when it passes 40 MB. Check the disk (space, permissions) if this repeats`,
        ),
      ),
    onWriterRestart: (error) =>
      onBackgroundError(
        new Error(
          `${error.message}; restarting the writer thread. The registrations and changes it was writing were refused (phones retry, administrators see an error); nothing acknowledged is lost`,
          { cause: error },
        ),
      ),
    onWriterFatal: onFatal,
  });
  const db = new Kysely<Schema>({ dialect });
  return {
    db,
    flavor: 'sqlite',
    location: file,
    runBatch: (queries) => dialect.runBatch(queries),
    writerThread: () => dialect.writerThread(),
    close: () => db.destroy(),
  };
}

export function openPostgres(
  url: string,
  onBackgroundError: (error: Error) => void = warnOnConsole,
  settings: PostgresSettings = DEFAULT_POSTGRES_SETTINGS,
): StoreDatabase {
  // pg returns int8 as text; our ids fit a JS number.
  pg.types.setTypeParser(20, (v) => Number(v));
  const pool = postgresPool(
    url,
    settings,
    (error) =>
      onBackgroundError(
        new Error(
          `lost a PostgreSQL connection (${error.message}); it is reopened on the next query. If this repeats, check the database server`,
          { cause: error },
        ),
      ),
    ({ from, to }) =>
      onBackgroundError(
        new Error(
          `PostgreSQL at ${from} no longer takes writes; the node's connections now go to ${to}, the first writable host of --database-url`,
        ),
      ),
  );
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    flavor: 'postgres',
    location: redactUrl(url),
    runBatch: (queries) =>
      db.transaction().execute(async (tx) => {
        for (const query of queries) await tx.executeQuery(query);
      }),
    close: () => db.destroy(),
  };
}

function warnOnConsole(error: Error): void {
  console.warn(`openucm: ${error.message}`);
}

/** The URL without its password (every host of a multi-host URL). */
function redactUrl(url: string): string {
  try {
    return parsePostgresUrl(url).redacted;
  } catch {
    return 'postgres';
  }
}
