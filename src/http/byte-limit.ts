import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

/** Passes at most `max` bytes through; one more fails the stream with `tooLarge()`'s error. */
export class ByteLimit extends Transform {
  private seen = 0;
  /** True once the limit stopped the stream. */
  exceeded = false;

  constructor(
    private readonly max: number,
    private readonly tooLarge: () => Error,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) {
      this.exceeded = true;
      done(this.tooLarge());
      return;
    }
    done(null, chunk);
  }
}
