import type { Worker } from 'node:worker_threads';
import type { FromCheckpointer, ToCheckpointer } from './messages.js';
import { openDatabaseThread } from './open-thread.js';

/** The checkpointer thread of one database (see checkpointer-main.ts). */
export class Checkpointer {
  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    // It must never keep the process alive: the writer checkpoints too, so nothing is lost without it.
    worker.unref();
  }

  /** Starts it once the writer has put the database in WAL mode; `onFailure` hears why a checkpoint failed. */
  static async start(file: string, onFailure: (message: string) => void): Promise<Checkpointer> {
    const worker = await openDatabaseThread('checkpointer-main', file);
    worker.on('message', (message: FromCheckpointer) => {
      if ('failed' in message) onFailure(message.failed);
    });
    worker.on('error', (error: Error) => onFailure(error.message));
    return new Checkpointer(worker);
  }

  async close(): Promise<void> {
    // Keeps the process alive until the thread has closed its connection.
    this.worker.ref();
    this.worker.postMessage({ close: true } satisfies ToCheckpointer);
    await this.exited;
  }
}
