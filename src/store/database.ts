import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Schema } from './schema.js';

/** Which SQL back end is in use; the few differences are decided from it in one place (migrations, errors). */
export type Flavor = 'sqlite' | 'postgres';

export interface StoreDatabase {
  db: Kysely<Schema>;
  flavor: Flavor;
  /** Where it lives, for logs (file path, or the URL without its password). */
  location: string;
  close(): Promise<void>;
}

/** Opens SQLite under `dataDir` (WAL) or PostgreSQL at `databaseUrl`. */
export function openDatabase(options: {
  dataDir: string;
  databaseUrl?: string;
  /** Told about connection errors that no query is waiting for (a restarted or unreachable PostgreSQL). */
  onConnectionError?: (error: Error) => void;
}): StoreDatabase {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.onConnectionError);
  fs.mkdirSync(options.dataDir, { recursive: true });
  return openSqlite(path.join(options.dataDir, 'openucm.sqlite'));
}

export function openSqlite(file: string): StoreDatabase {
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode stays crash-safe (a power cut may lose the last commits, never corrupt).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, flavor: 'sqlite', location: file, close: () => db.destroy() };
}

const MAX_CACHED_STATEMENTS = 500;

/**
 * Kysely prepares every statement anew; on a registration storm that was a seventh of the CPU.
 * The same SQL text gets the same prepared statement. Safe because Kysely runs one query at a
 * time on its single SQLite connection and openucm never streams SQLite results.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDatabase.Database {
  const statements = new Map<string, SqliteDatabase.Statement>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = sqlite.prepare(sql);
      // IN (…) lists of varying length make endless texts: keep only a bounded set.
      if (statements.size < MAX_CACHED_STATEMENTS) statements.set(sql, statement);
    }
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function openPostgres(
  url: string,
  onConnectionError: (error: Error) => void = (error) =>
    console.warn(
      `openucm: PostgreSQL connection lost (${error.message}); the pool reconnects on the next query`,
    ),
): StoreDatabase {
  // pg returns int8 as text; our ids fit a JS number.
  pg.types.setTypeParser(20, (v) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client whose server connection dies emits 'error' on the pool; unhandled, it would
  // end the process. The pool drops that client and opens a new one when a query needs it.
  pool.on('error', onConnectionError);
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { db, flavor: 'postgres', location: redactUrl(url), close: () => db.destroy() };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}
