/**
 * The SQLite writer thread: owns the connection that runs transactions and every write, so that
 * SQLite's work for them (B-tree updates, commits, WAL writes) runs beside the event loop that
 * serves phones instead of on it. See driver.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import type { FromSqliteThread, OpenRequest, ToSqliteThread } from './messages.js';
import { StatementRunner } from './statements.js';

const port = parentPort;
if (!port) throw new Error('thread-main.ts runs as a worker thread of the store');
const reply = (message: FromSqliteThread) => port.postMessage(message);

let runner: StatementRunner;
try {
  const db = new SqliteDatabase((workerData as OpenRequest).file);
  db.pragma('journal_mode = WAL');
  // Durable before acknowledged: a phone is told its DN only after the commit that stores it.
  // sqlite.org/pragma.html#pragma_synchronous: "A transaction committed in WAL mode with
  // synchronous=NORMAL might roll back following a power loss or system crash"; "With
  // synchronous=FULL in WAL mode, an additional sync operation of the WAL file happens after each
  // transaction commit", which makes it durable. Group commits (AutoRegistrar, StatusWriter) share
  // that fsync among many phones.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // The checkpointer thread copies the WAL into the database every 200 ms; the writer checkpoints
  // itself only if the WAL grows past 40 MB all the same (the checkpointer stuck or gone).
  db.pragma('wal_autocheckpoint = 10000');
  runner = new StatementRunner(db);
  reply({ ready: true });
} catch (error) {
  reply({ failed: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

port.on('message', (message: ToSqliteThread) => {
  if ('close' in message) {
    runner.connection.close();
    port.close();
    return;
  }
  const { id } = message;
  try {
    if ('batch' in message) {
      runner.connection.transaction(() => {
        for (const statement of message.batch) runner.run(statement.sql, statement.parameters);
      })();
      return reply({ id, rows: [] });
    }
    const { sql, parameters } = message;
    // A failed COMMIT has already ended the transaction; the ROLLBACK that follows is a no-op.
    if (sql === 'rollback' && !runner.connection.inTransaction) return reply({ id, rows: [] });
    reply({ id, ...runner.run(sql, parameters) });
  } catch (error) {
    const e = error as { message?: string; code?: string };
    reply({ id, error: { message: e.message ?? String(error), code: e.code } });
  }
});
