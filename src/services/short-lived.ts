/**
 * A value worked out at most once per `ttlMs` and shared by every caller meanwhile, including those
 * that ask while it is still being worked out; dropped at once when what it was made from changes.
 * A failure is not kept: the next caller tries again.
 */
export class ShortLived<V> {
  private entry: { at: number; value: Promise<V> } | null = null;

  constructor(private readonly ttlMs: number) {}

  get(now: number, make: () => Promise<V>): Promise<V> {
    if (this.entry && now - this.entry.at < this.ttlMs) return this.entry.value;
    const entry = { at: now, value: make() };
    this.entry = entry;
    entry.value.catch(() => {
      if (this.entry === entry) this.entry = null;
    });
    return entry.value;
  }

  drop(): void {
    this.entry = null;
  }
}
