import { whenGathered } from './gather.js';

/**
 * Point lookups made together, answered by one query (see whenGathered for when it is sent).
 *
 * In a registration storm every unknown phone looks itself up. On SQLite each lookup that follows a
 * commit of the writer starts from an empty page cache (WAL), so one query for the turn's phones
 * costs little more than one for a single phone; on PostgreSQL it saves a round trip per phone.
 */
export class BatchedLookup<V> {
  private pending = new Map<
    string,
    Array<{ resolve(value: V | null): void; reject(error: unknown): void }>
  >();
  private scheduled = false;

  /**
   * `fetch` answers a batch of distinct keys; a key it leaves out is not found. A batch of
   * `worthABatch` keys goes without waiting for the end of the turn; one of `maxBatch` at once.
   */
  constructor(
    private readonly fetch: (keys: string[]) => Promise<ReadonlyMap<string, V>>,
    private readonly worthABatch = 16,
    private readonly maxBatch = 256,
  ) {}

  get(key: string): Promise<V | null> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (this.pending.size >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        whenGathered(
          () => this.pending.size >= this.worthABatch,
          () => {
            this.scheduled = false;
            this.flush();
          },
        );
      }
    });
  }

  private flush(): void {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.fetch([...batch.keys()]).then(
      (found) => {
        for (const [key, waiting] of batch) {
          const value = found.get(key) ?? null;
          for (const w of waiting) w.resolve(value);
        }
      },
      (error: unknown) => {
        for (const waiting of batch.values()) for (const w of waiting) w.reject(error);
      },
    );
  }
}
