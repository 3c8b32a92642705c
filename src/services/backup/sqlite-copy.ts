import type SqliteDatabase from 'better-sqlite3';
import { startThread } from '../../runtime/entry-script.js';
import type { BackupCounts } from './manifest.js';

/** What a copied database holds: enough for the manifest and the operator's summary. */
export interface DatabaseContents {
  counts: BackupCounts;
  migrations: string[];
}

/** Pages per backup step: all of them, so one step copies the whole database. */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies every page of `source` into the database file `destination` with SQLite's backup API, in
 * one step: one read transaction on the source, so the copy is one consistent state even while
 * other connections (a running node) write; and one write transaction on the destination, so an
 * existing destination is replaced whole or not at all.
 */
export async function copyPages(source: SqliteDatabase.Database, destination: string): Promise<void> {
  await source.backup(destination, { progress: () => ALL_PAGES });
}

/** Checks the database (PRAGMA quick_check) and reads what it holds; throws if it is damaged. */
export function inspectSqlite(db: SqliteDatabase.Database): DatabaseContents {
  const check = db.pragma('quick_check', { simple: true });
  if (check !== 'ok') throw new Error(`the database copy is damaged (quick_check: ${String(check)})`);
  const count = (table: string) =>
    (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  const migrations = (
    db.prepare('select name from kysely_migration order by name').all() as { name: string }[]
  ).map((r) => r.name);
  return {
    counts: { phones: count('devices'), directoryNumbers: count('directory_numbers'), users: count('users') },
    migrations,
  };
}

/**
 * Copies the node's SQLite database `source` to the new file `destination` while the node runs,
 * checks the copy and leaves it self-contained (no WAL). Runs in a worker thread: copying a large
 * database takes a while, and the node's event loop serves phones meanwhile.
 */
export async function backupSqlite(source: string, destination: string): Promise<DatabaseContents> {
  const worker = startThread(import.meta.url, 'sqlite-copy-main', { workerData: { source, destination } });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { ok: DatabaseContents } | { failed: string }) =>
      'ok' in m ? resolve(m.ok) : reject(new Error(m.failed)),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the SQLite backup thread ended (exit code ${code})`)));
  });
}
