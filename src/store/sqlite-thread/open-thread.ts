import type { Worker } from 'node:worker_threads';
import { startThread } from '../../runtime/entry-script.js';
import type { OpenReply, OpenRequest } from './messages.js';

/**
 * Starts the thread `entry` of this folder (thread-main, checkpointer-main) on the database `file`
 * and resolves once it has opened it; rejects with SQLite's reason when it could not.
 */
export async function openDatabaseThread(entry: string, file: string): Promise<Worker> {
  const worker = startThread(import.meta.url, entry, { workerData: { file } satisfies OpenRequest });
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: OpenReply) => {
      worker.off('error', reject);
      if ('failed' in message) reject(new Error(`cannot open SQLite database ${file}: ${message.failed}`));
      else resolve();
    });
  });
  return worker;
}
