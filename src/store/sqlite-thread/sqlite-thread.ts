import type { Worker } from 'node:worker_threads';
import type { QueryResult } from 'kysely';
import type { Statement, FromSqliteThread, ToSqliteThread } from './messages.js';
import { openDatabaseThread } from './open-thread.js';

type Pending = { resolve: (result: QueryResult<unknown>) => void; reject: (error: Error) => void };

/** One connection in one worker thread, answering statements in the order they were sent. */
export class SqliteThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly exited: Promise<void>;
  /** Why the thread is gone; a statement sent after that would wait for an answer forever. */
  private ended: Error | null = null;
  private closing = false;

  private constructor(
    private readonly file: string,
    readonly worker: Worker,
    private readonly onLost: (error: Error) => void,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: FromSqliteThread) => this.answer(message));
    worker.on('error', (error: Error) => this.end(`failed: ${error.message}`));
    worker.on('exit', (code) => this.end(`ended (exit code ${code})`));
    // Idle, the thread must not keep the process alive (a store nobody closed); busy, it must.
    worker.unref();
  }

  /**
   * Opens `file` in a new thread. `onLost` hears once, with the reason, when the thread ends
   * without being closed (killed, out of memory): the statements it had not answered are refused.
   */
  static async start(file: string, onLost: (error: Error) => void = () => undefined): Promise<SqliteThread> {
    return new SqliteThread(file, await openDatabaseThread('thread-main', file), onLost);
  }

  /** True once the thread has ended: it answers nothing more. */
  get isEnded(): boolean {
    return this.ended !== null;
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
    this.closing = true;
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
    if (this.ended) return;
    this.ended = new Error(
      this.closing
        ? `the SQLite thread of ${this.file} ${what}; the node cannot use its database until it is restarted`
        : `the SQLite writer thread of ${this.file} ${what} before answering; what it was writing was not committed (SQLite rolls an unfinished transaction back)`,
    );
    for (const p of this.pending.values()) p.reject(this.ended);
    this.pending.clear();
    if (!this.closing) this.onLost(this.ended);
  }
}
