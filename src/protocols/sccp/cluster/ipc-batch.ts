/**
 * Sends IPC messages in batches: everything posted during one turn of the event loop leaves as
 * one array. During a registration storm this turns thousands of small IPC writes (each a JSON
 * encode and a system call on both sides) into a few large ones.
 */
export class IpcBatch<T> {
  private queue: T[] = [];
  private scheduled = false;

  constructor(private readonly write: (batch: T[]) => void) {}

  post(message: T): void {
    this.queue.push(message);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.write(batch);
  }
}
