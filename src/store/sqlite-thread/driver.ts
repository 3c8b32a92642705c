import type { Worker } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import type { DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely';
import {
  CompiledQuery,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { Checkpointer } from './checkpointer.js';
import type { FromSqliteThread, Statement, ToSqliteThread } from './messages.js';
import { openDatabaseThread } from './open-thread.js';
import { StatementRunner } from './statements.js';

/**
 * Kysely's SQLite dialect with the writing connection in a worker thread (see thread-main.ts),
 * and `runBatch` for statements that commit together in one message to that thread.
 */
export function sqliteThreadDialect(
  file: string,
  onCheckpointFailure: (message: string) => void,
): Dialect & { runBatch(queries: readonly CompiledQuery[]): Promise<void> } {
  const driver = new SqliteThreadDriver(file, onCheckpointFailure);
  return {
    runBatch: (queries) => driver.runBatch(queries),
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => driver,
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}

/**
 * SQLite on two connections. The writer, in a worker thread, runs every write and every
 * transaction; a transaction has it to itself from BEGIN to COMMIT or ROLLBACK, and other writes
 * wait until it ends. Writes are sent without waiting for the previous answer; the thread runs
 * them in order. SELECTs from outside a transaction run at once on the reader, a read-only
 * connection on this thread: a point lookup costs less than a message to another thread, and it
 * sees the last committed state (WAL), as on PostgreSQL, so a registration's lookup never waits
 * behind another phone's commit.
 */
class SqliteThreadDriver implements Driver {
  private writer: SqliteThread | null = null;
  private checkpointer: Checkpointer | null = null;
  private reader: StatementRunner | null = null;
  private transactionOwner: object | null = null;
  private opened: Promise<void> | null = null;
  private waitingForTransaction: Array<() => void> = [];

  constructor(
    private readonly file: string,
    private readonly onCheckpointFailure: (message: string) => void,
  ) {}

  init(): Promise<void> {
    this.opened ??= this.open();
    return this.opened;
  }

  private async open(): Promise<void> {
    // The writer first: it puts the database in WAL mode before the reader opens it.
    this.writer = await SqliteThread.start(this.file);
    this.checkpointer = await Checkpointer.start(this.file, this.onCheckpointFailure);
    const reader = new SqliteDatabase(this.file);
    reader.pragma('query_only = ON');
    reader.pragma('busy_timeout = 5000');
    this.reader = new StatementRunner(reader);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new ThreadConnection(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const owner = connection as ThreadConnection;
    while (this.transactionOwner !== null) await this.transactionEnded();
    this.transactionOwner = owner;
    await this.run(owner, CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    // Kysely rolls back when COMMIT fails, so only success ends the transaction here.
    await this.run(connection as ThreadConnection, CompiledQuery.raw('commit'));
    this.endTransaction();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.run(connection as ThreadConnection, CompiledQuery.raw('rollback'));
    } finally {
      this.endTransaction();
    }
  }

  /**
   * Runs `queries` as one transaction: one message to the writer thread, one answer. Batches do not
   * wait for each other: the thread commits each before it reads the next message. They wait only
   * for an open transaction, which would otherwise take them in.
   */
  async runBatch(queries: readonly CompiledQuery[]): Promise<void> {
    await this.init();
    while (this.transactionOwner !== null) await this.transactionEnded();
    if (!this.writer) throw this.closed();
    await this.writer.send({ batch: queries.map(({ sql, parameters }) => ({ sql, parameters })) });
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    const { reader, writer, checkpointer } = this;
    this.reader = this.writer = null;
    this.checkpointer = null;
    reader?.connection.close();
    await checkpointer?.close();
    await writer?.close();
  }

  async run(connection: ThreadConnection, query: CompiledQuery): Promise<QueryResult<unknown>> {
    const inTransaction = this.transactionOwner === connection;
    if (!inTransaction && SelectQueryNode.is(query.query)) {
      if (!this.reader) throw this.closed();
      return this.reader.run(query.sql, query.parameters);
    }
    while (this.transactionOwner !== null && this.transactionOwner !== connection)
      await this.transactionEnded();
    if (!this.writer) throw this.closed();
    return this.writer.send({ sql: query.sql, parameters: query.parameters });
  }

  private closed(): Error {
    return new Error(`the SQLite database ${this.file} is closed`);
  }

  private transactionEnded(): Promise<void> {
    return new Promise((resolve) => this.waitingForTransaction.push(resolve));
  }

  private endTransaction(): void {
    this.transactionOwner = null;
    const waiting = this.waitingForTransaction;
    this.waitingForTransaction = [];
    for (const wake of waiting) wake();
  }
}

type Pending = { resolve: (result: QueryResult<unknown>) => void; reject: (error: Error) => void };

/** One connection in one worker thread, answering statements in the order they were sent. */
export class SqliteThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly exited: Promise<void>;
  /** Why the thread is gone; a statement sent after that would wait for an answer forever. */
  private ended: Error | null = null;

  private constructor(
    private readonly file: string,
    private readonly worker: Worker,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: FromSqliteThread) => this.answer(message));
    worker.on('error', (error: Error) => this.end(`failed: ${error.message}`));
    worker.on('exit', (code) => this.end(`ended (exit code ${code})`));
    // Idle, the thread must not keep the process alive (a store nobody closed); busy, it must.
    worker.unref();
  }

  static async start(file: string): Promise<SqliteThread> {
    return new SqliteThread(file, await openDatabaseThread('thread-main', file));
  }

  send(work: Statement | { batch: readonly Statement[] }): Promise<QueryResult<unknown>> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...work } satisfies ToSqliteThread);
    });
  }

  async close(): Promise<void> {
    if (this.ended) return;
    // Keeps the process alive until the thread has closed the database.
    this.worker.ref();
    this.worker.postMessage({ close: true } satisfies ToSqliteThread);
    await this.exited;
  }

  private answer(message: FromSqliteThread): void {
    if (!('id' in message)) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    if ('error' in message) {
      // The code (SQLITE_CONSTRAINT_PRIMARYKEY, …) is what callers test, as with better-sqlite3 itself.
      pending.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
    } else {
      const { id: _, ...result } = message;
      pending.resolve(result);
    }
  }

  private end(what: string): void {
    this.ended ??= new Error(
      `the SQLite thread of ${this.file} ${what}; the node cannot use its database until it is restarted`,
    );
    for (const p of this.pending.values()) p.reject(this.ended);
    this.pending.clear();
  }
}

class ThreadConnection implements DatabaseConnection {
  constructor(private readonly driver: SqliteThreadDriver) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.run(this, query) as Promise<QueryResult<R>>;
  }

  // eslint-disable-next-line require-yield -- openucm never streams SQLite results
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming SQLite results is not supported');
  }
}
