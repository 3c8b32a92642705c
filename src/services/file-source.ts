/**
 * Where the TFTP server (and provisioning over HTTP) get their files from. The provisioning service
 * implements TftpFileSource to serve generated configs (bufferFile) and falls back to a
 * DirectoryFileSource for firmware loads. Kept in services/ so that no service imports a protocol.
 */
import { constants } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** An open file: its size is fixed when opened, reads may arrive in any order. */
export interface TftpFile {
  /** Size in bytes, as answered to tsize and used to find the last block. */
  size: number;
  /** Reads up to `length` bytes at `offset`; fewer only at the end of the file. */
  read(offset: number, length: number): Promise<Buffer>;
  /** Releases the file; called exactly once, when the transfer ends for any reason. */
  close(): Promise<void>;
}

/** The client's address and port, its transfer identifier (RFC 1350 §4). */
export interface TftpPeer {
  address: string;
  port: number;
}

export interface TftpFileSource {
  /**
   * Opens a normalized name (see normalizeRequestedName) for `peer`, or answers null when there is no
   * such file (the server replies "File not found"). Throwing is reserved for real faults (I/O errors).
   */
  open(name: string, peer: TftpPeer): Promise<TftpFile | null>;
}

/** A file held in memory, e.g. a generated SEP<MAC>.cnf.xml. */
export function bufferFile(data: Buffer): TftpFile {
  return {
    size: data.length,
    read: (offset, length) => Promise.resolve(data.subarray(offset, offset + length)),
    close: () => Promise.resolve(),
  };
}

/** Errors that mean "no such file here" rather than a fault the operator must fix. */
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ELOOP', 'ENAMETOOLONG']);

function isAbsent(error: unknown): boolean {
  return error instanceof Error && ABSENT.has((error as NodeJS.ErrnoException).code ?? '');
}

function handleFile(handle: FileHandle, size: number): TftpFile {
  return {
    size,
    async read(offset, length) {
      const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - offset)));
      let filled = 0;
      // A read may return fewer bytes than asked even before the end of the file; loop until full or EOF.
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    },
    close: () => handle.close(),
  };
}

/**
 * Serves the regular files of one directory (no subdirectories), matching names case-insensitively:
 * phones ask for "SEP0011AABBCCDD.cnf.xml" or "OS79XX.TXT" whatever case the file has on disk.
 * Files are read in chunks through a file handle, so a multi-MB load is never held whole per transfer.
 */
export class DirectoryFileSource implements TftpFileSource {
  constructor(private readonly dir: string) {}

  async open(name: string, _peer: TftpPeer): Promise<TftpFile | null> {
    if (name === '' || name.includes('/') || name.includes('\\') || name === '.' || name === '..')
      return null;
    const exact = await this.openRegular(name);
    if (exact) return exact;
    const wanted = name.toLowerCase();
    let entries: string[];
    try {
      entries = await readdir(this.dir);
    } catch (error) {
      if (isAbsent(error)) return null;
      throw error;
    }
    // Sorted, so that with "a.txt" and "A.TXT" on disk the same one is served every time.
    const match = entries.sort().find((entry) => entry !== name && entry.toLowerCase() === wanted);
    return match === undefined ? null : this.openRegular(match);
  }

  private async openRegular(entry: string): Promise<TftpFile | null> {
    let handle: FileHandle;
    try {
      // O_NONBLOCK: opening a FIFO someone left in the directory must not hang a libuv thread.
      handle = await open(join(this.dir, entry), constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (error) {
      if (isAbsent(error)) return null;
      throw error;
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) {
        await handle.close();
        return null;
      }
      return handleFile(handle, stats.size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
}
