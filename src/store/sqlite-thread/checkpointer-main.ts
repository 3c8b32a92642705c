/**
 * The SQLite checkpointer thread: copies committed pages from the WAL into the database file.
 * SQLite's writer would otherwise do it itself every 1,000 pages, inside a commit: about 15 ms,
 * with two fsyncs, during which every registration waiting for a commit waits too. Here it runs
 * beside the writer (a PASSIVE checkpoint takes no lock that writers need), and the writer
 * restarts the WAL from its beginning once a checkpoint has caught up.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import type { FromCheckpointer, OpenRequest, ToCheckpointer } from './messages.js';

/** Often enough that the WAL stays a few MB even while a registration storm writes 30 MB/s. */
const CHECKPOINT_INTERVAL_MS = 200;

const port = parentPort;
if (!port) throw new Error('checkpointer-main.ts runs as a worker thread of the store');
const reply = (message: FromCheckpointer) => port.postMessage(message);

let db: SqliteDatabase.Database;
try {
  db = new SqliteDatabase((workerData as OpenRequest).file, { fileMustExist: true });
  reply({ ready: true });
} catch (error) {
  reply({ failed: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

let reported = false;
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    reported = false;
  } catch (error) {
    // The writer's own checkpoints (see thread-main.ts) keep the WAL bounded meanwhile.
    if (!reported) reply({ failed: error instanceof Error ? error.message : String(error) });
    reported = true;
  }
}, CHECKPOINT_INTERVAL_MS);

port.on('message', (message: ToCheckpointer) => {
  if (!('close' in message)) return;
  clearInterval(timer);
  db.close();
  port.close();
});
