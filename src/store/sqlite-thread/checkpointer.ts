import type { Worker } from 'node:worker_threads';
import { startThread } from '../../runtime/entry-script.js';
import type { FromCheckpointer, OpenRequest, ToCheckpointer } from './messages.js';

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
    const worker = startThread(import.meta.url, 'checkpointer-main', {
      workerData: { file } satisfies OpenRequest,
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (message: FromCheckpointer) => {
        worker.off('error', reject);
        if ('failed' in message) reject(new Error(`cannot open SQLite database ${file}: ${message.failed}`));
        else resolve();
      });
    });
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
