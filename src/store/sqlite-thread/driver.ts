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
import { SqliteThread } from './sqlite-thread.js';
import { StatementRunner } from './statements.js';

/** What the driver tells its owner about trouble that no query is waiting for. */
export interface SqliteThreadEvents {
  /** A WAL checkpoint failed (the writer checkpoints itself meanwhile). */
  onCheckpointFailure(message: string): void;
  /** The writer thread ended unexpectedly and is being restarted. */
  onWriterRestart(error: Error): void;
  /** The writer thread cannot be restarted: the database cannot be written any more. */
  onWriterFatal(error: Error): void;
}

/** Restarts of the writer thread within RESTART_WINDOW_MS beyond which it is not restarted again. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

/**
 * Kysely's SQLite dialect with the writing connection in a worker thread (see thread-main.ts),
 * and `runBatch` for statements that commit together in one message to that thread.
 */
export function sqliteThreadDialect(
  file: string,
  events: SqliteThreadEvents,
): Dialect & {
  runBatch(queries: readonly CompiledQuery[]): Promise<void>;
  writerThread(): Worker | null;
} {
  const driver = new SqliteThreadDriver(file, events);
  return {
    runBatch: (queries) => driver.runBatch(queries),
    writerThread: () => driver.writerThread(),
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
 *
 * A writer thread that ends unexpectedly is restarted (its unanswered statements are refused, and
 * SQLite rolls back what it had not committed); one that cannot be restarted, or dies more than
 * MAX_RESTARTS times in a minute, is fatal (`onWriterFatal`) rather than a node that only refuses.
 */
class SqliteThreadDriver implements Driver {
  private writer: SqliteThread | null = null;
  /** Resolves with the new writer while one is being restarted. */
  private restarting: Promise<SqliteThread> | null = null;
  /** Why the database cannot be written any more. */
  private fatal: Error | null = null;
  private readonly restarts: number[] = [];
  /** A transaction whose thread died: its statements are refused until it rolls back. */
  private abandoned: object | null = null;
  private checkpointer: Checkpointer | null = null;
  private reader: StatementRunner | null = null;
  private transactionOwner: object | null = null;
  private opened: Promise<void> | null = null;
  private waitingForTransaction: Array<() => void> = [];

  constructor(
    private readonly file: string,
    private readonly events: SqliteThreadEvents,
  ) {}

  init(): Promise<void> {
    this.opened ??= this.open();
    return this.opened;
  }

  private async open(): Promise<void> {
    // The writer first: it puts the database in WAL mode before the reader opens it.
    this.writer = await this.startWriter();
    this.checkpointer = await Checkpointer.start(this.file, (message) =>
      this.events.onCheckpointFailure(message),
    );
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
    try {
      await this.run(owner, CompiledQuery.raw('begin'));
    } catch (error) {
      // Kysely rolls back only a transaction that began: one that did not must not hold the writer.
      if (this.abandoned === owner) this.abandoned = null;
      this.endTransaction();
      throw error;
    }
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
    const writer = await this.currentWriter();
    await writer.send({ batch: queries.map(({ sql, parameters }) => ({ sql, parameters })) });
  }

  /** The writer thread, for tests that end it as a crash would. */
  writerThread(): Worker | null {
    return this.writer?.worker ?? null;
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    await this.restarting?.catch(() => null);
    const { reader, writer, checkpointer } = this;
    this.reader = this.writer = null;
    this.fatal ??= this.closed();
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
    if (this.abandoned !== null && this.abandoned === connection) {
      // Its BEGIN and statements went with the thread: nothing is left to roll back.
      if (query.sql === 'rollback') {
        this.abandoned = null;
        return { rows: [] };
      }
      throw new Error(
        `this transaction was lost with the SQLite writer thread of ${this.file} and rolled back; run it again`,
      );
    }
    const writer = await this.currentWriter();
    return writer.send({ sql: query.sql, parameters: query.parameters });
  }

  private closed(): Error {
    return new Error(`the SQLite database ${this.file} is closed`);
  }

  private startWriter(): Promise<SqliteThread> {
    return SqliteThread.start(this.file, (error) => this.writerLost(error));
  }

  /** The live writer, waiting for a restart in progress; refuses once the database is closed or lost. */
  private async currentWriter(): Promise<SqliteThread> {
    if (this.fatal) throw this.fatal;
    if (this.writer && !this.writer.isEnded) return this.writer;
    if (this.restarting) {
      try {
        return await this.restarting;
      } catch (error) {
        throw this.fatal ?? error;
      }
    }
    throw this.closed();
  }

  private writerLost(error: Error): void {
    if (this.fatal) return;
    this.writer = null;
    if (this.transactionOwner !== null) this.abandoned = this.transactionOwner;
    const now = Date.now();
    while (this.restarts.length > 0 && now - this.restarts[0] > RESTART_WINDOW_MS) this.restarts.shift();
    if (this.restarts.length >= MAX_RESTARTS) {
      this.giveUp(
        `the SQLite writer thread of ${this.file} ended ${MAX_RESTARTS + 1} times within a minute (last: ${error.message})`,
      );
      return;
    }
    this.restarts.push(now);
    this.events.onWriterRestart(error);
    const restarting = this.startWriter();
    this.restarting = restarting;
    restarting.then(
      (writer) => {
        this.restarting = null;
        if (this.fatal) void writer.close();
        else this.writer = writer;
      },
      (startError: Error) => {
        this.restarting = null;
        this.giveUp(
          `the SQLite writer thread of ${this.file} ended (${error.message}) and could not be restarted (${startError.message})`,
        );
      },
    );
  }

  private giveUp(what: string): void {
    this.fatal = new Error(
      `${what}; the node cannot store anything any more and stops. Check the disk and the database file (permissions, space, \`sqlite3 ${this.file} 'pragma integrity_check'\`), then start it again`,
    );
    this.events.onWriterFatal(this.fatal);
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
