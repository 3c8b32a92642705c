/**
 * REGISTERs waiting to be decided, in line per device (or per Call-ID while the device is not
 * known yet), so that two REGISTERs of one phone are never decided at the same time. Bounded per
 * line and in all: a flood of REGISTERs for one name, or for a thousand, waits in no unbounded
 * queue.
 */
export type QueueVerdict = 'queued' | 'line-full' | 'full';

interface Line {
  tail: Promise<void>;
  size: number;
}

export class RegisterQueues {
  private readonly lines = new Map<string, Line>();
  private waiting = 0;

  constructor(
    readonly limits: {
      /** REGISTERs in one line, the one being decided included. */
      perLine: number;
      /** REGISTERs in all lines. */
      total: number;
    },
  ) {}

  /** Whether REGISTERs of `key` are being decided (a refresh must then wait its turn). */
  busy(key: string): boolean {
    return this.lines.has(key);
  }

  /** REGISTERs waiting or being decided. */
  get size(): number {
    return this.waiting;
  }

  /** Runs `task` once the REGISTERs before it in `key`'s line are decided, unless a bound says no. `task` never rejects. */
  enqueue(key: string, task: () => Promise<void>): QueueVerdict {
    const found = this.lines.get(key);
    if (found !== undefined && found.size >= this.limits.perLine) return 'line-full';
    if (this.waiting >= this.limits.total) return 'full';
    const line = found ?? { tail: Promise.resolve(), size: 0 };
    if (found === undefined) this.lines.set(key, line);
    line.size++;
    this.waiting++;
    line.tail = line.tail.then(task).finally(() => {
      this.waiting--;
      if (--line.size === 0 && this.lines.get(key) === line) this.lines.delete(key);
    });
    return 'queued';
  }
}
