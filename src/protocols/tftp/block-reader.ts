/**
 * Reads a file block by block, fetching several blocks per read so that a multi-MB transfer costs a
 * few dozen file reads instead of thousands.
 */
import type { TftpFile } from '../../services/file-source.js';

const EMPTY = Buffer.alloc(0);
export const DEFAULT_READ_AHEAD_BYTES = 64 * 1024;

export class BlockReader {
  private readonly chunkBytes: number;
  private chunk: Buffer = EMPTY;
  private chunkStart = 0;

  constructor(
    private readonly file: TftpFile,
    private readonly blockSize: number,
    readAheadBytes: number = DEFAULT_READ_AHEAD_BYTES,
  ) {
    this.chunkBytes = Math.max(1, Math.floor(readAheadBytes / blockSize)) * blockSize;
  }

  /** Number of DATA blocks, counting the final short (possibly empty) block. */
  get blockCount(): number {
    // RFC 1350 §6: "A data packet of less than 512 bytes signals termination of a transfer" — so a size
    // that is a multiple of the block size needs one more, empty, block.
    return Math.floor(this.file.size / this.blockSize) + 1;
  }

  /** Expected length of block `index` (1-based). */
  blockLength(index: number): number {
    const start = (index - 1) * this.blockSize;
    return Math.max(0, Math.min(this.blockSize, this.file.size - start));
  }

  /** Bytes of block `index` (1-based); shorter than blockLength(index) only if the file shrank. */
  async read(index: number): Promise<Buffer> {
    const start = (index - 1) * this.blockSize;
    const end = start + this.blockLength(index);
    if (end === start) return EMPTY;
    if (start < this.chunkStart || end > this.chunkStart + this.chunk.length) {
      this.chunk = await this.file.read(start, Math.min(this.chunkBytes, this.file.size - start));
      this.chunkStart = start;
    }
    return this.chunk.subarray(
      start - this.chunkStart,
      Math.min(end, this.chunkStart + this.chunk.length) - this.chunkStart,
    );
  }
}
