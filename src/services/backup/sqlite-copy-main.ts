/** The SQLite backup thread (see backupSqlite in sqlite-copy.ts): one copy, then it ends. */
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { copyPages, inspectSqlite } from './sqlite-copy.js';

const port = parentPort;
if (!port) throw new Error('sqlite-copy-main.ts runs as a worker thread');
const { source, destination } = workerData as { source: string; destination: string };

try {
  const from = new SqliteDatabase(source, { fileMustExist: true });
  try {
    from.pragma('busy_timeout = 5000');
    await copyPages(from, destination);
  } finally {
    from.close();
  }
  const copy = new SqliteDatabase(destination, { fileMustExist: true });
  try {
    // One file, no WAL beside it: what the archive holds.
    copy.pragma('journal_mode = DELETE');
    port.postMessage({ ok: inspectSqlite(copy) });
  } finally {
    copy.close();
  }
} catch (error) {
  port.postMessage({ failed: error instanceof Error ? error.message : String(error) });
}
port.close();
