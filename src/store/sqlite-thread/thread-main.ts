/**
 * The SQLite writer thread: owns the connection that runs transactions and every write, so that
 * SQLite's work for them (B-tree updates, commits, WAL writes) runs beside the event loop that
 * serves phones instead of on it. See driver.ts.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import type { FromSqliteThread, OpenRequest, Statement, ToSqliteThread } from './messages.js';
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

/** Write batches committed together at most: bounds one commit's size and its first batch's wait. */
const MAX_GROUPED_BATCHES = 64;

type BatchMessage = { id: number; batch: readonly Statement[] };

port.on('message', (first: ToSqliteThread) => {
  let message: ToSqliteThread | undefined = first;
  while (message !== undefined) {
    if (!('batch' in message)) return handle(message);
    // Group commit: the batches already waiting behind this one share its commit, so a storm
    // pays one WAL sync (synchronous = FULL) per group instead of one per batch. Anything else
    // (a transaction's statement, close) ends the group and runs after it, in order.
    const group: BatchMessage[] = [message];
    message = undefined;
    while (group.length < MAX_GROUPED_BATCHES) {
      const waiting = receiveMessageOnPort(port)?.message as ToSqliteThread | undefined;
      if (waiting === undefined) break;
      if ('batch' in waiting) group.push(waiting);
      else {
        message = waiting;
        break;
      }
    }
    commitGroup(group);
  }
});

/** Each batch all or nothing (a savepoint of its own), all of them in one commit. */
function commitGroup(group: readonly BatchMessage[]): void {
  const db = runner.connection;
  const outcomes: FromSqliteThread[] = [];
  try {
    db.transaction(() => {
      for (const { id, batch } of group) {
        try {
          // Nested, better-sqlite3 runs it as a SAVEPOINT: a failure undoes this batch alone.
          db.transaction(() => {
            for (const statement of batch) runner.run(statement.sql, statement.parameters);
          })();
          outcomes.push({ id, rows: [] });
        } catch (error) {
          outcomes.push({ id, error: errorOf(error) });
        }
      }
    })();
  } catch (error) {
    // The commit itself failed: nothing of the group is stored.
    for (const { id } of group) reply({ id, error: errorOf(error) });
    return;
  }
  for (const outcome of outcomes) reply(outcome);
}

function handle(message: Exclude<ToSqliteThread, BatchMessage>): void {
  if ('close' in message) {
    runner.connection.close();
    port!.close();
    return;
  }
  const { id, sql, parameters } = message;
  try {
    // A failed COMMIT has already ended the transaction; the ROLLBACK that follows is a no-op.
    if (sql === 'rollback' && !runner.connection.inTransaction) return reply({ id, rows: [] });
    reply({ id, ...runner.run(sql, parameters) });
  } catch (error) {
    reply({ id, error: errorOf(error) });
  }
}

function errorOf(error: unknown): { message: string; code: string | undefined } {
  const e = error as { message?: string; code?: string };
  return { message: e.message ?? String(error), code: e.code };
}
