import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { FieldProblem } from '../core/node.js';
import { firmwareLimits } from '../limits/firmware.js';
import { syncPath } from './sync-path.js';

export interface FirmwareFile {
  file: string;
  size: number;
  modifiedAt: string;
}

export interface FirmwareLoad {
  /** Base name without extension: what loadInformation, Device Defaults and phones name (provisioning.md §3.1). */
  loadId: string;
  files: FirmwareFile[];
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Why `name` cannot be a firmware file name, or null when it can. */
export function firmwareFileNameProblem(name: string): FieldProblem | null {
  if (!SAFE_NAME.test(name) || name.includes('..')) {
    return {
      field: 'file',
      message: `firmware file name "${name}" must be 1–128 letters, digits, ".", "_" or "-" with no path (e.g. P00308010200.bin)`,
    };
  }
  return null;
}

function loadIdOf(file: string): string {
  // Keep every dot but the extension's: SCCP41.9-4-2SR1-1S.loads → SCCP41.9-4-2SR1-1S.
  const ext = path.extname(file);
  return ext ? file.slice(0, -ext.length) : file;
}

/** An upload larger than the node's firmware file limit (`firmwareMaxFileBytes`). */
export class FirmwareTooLargeError extends Error {
  constructor(
    readonly file: string,
    readonly maxBytes: number,
  ) {
    super(
      `${file} is larger than the firmware file limit of ${maxBytes} bytes, so it was not stored ` +
        '(a file of that name stored before is kept). Raise --firmware-max-file-bytes ' +
        '(OPENUCM_FIRMWARE_MAX_FILE_BYTES) if the file is right',
    );
  }
}

/** Firmware load files in one directory under the data dir, served over TFTP by name. */
export class FirmwareLoadStore {
  constructor(
    readonly directory: string,
    /** Largest file `save` stores. */
    readonly maxFileBytes: number = firmwareLimits.firmwareMaxFileBytes.default,
  ) {
    fs.mkdirSync(directory, { recursive: true });
  }

  async files(): Promise<FirmwareFile[]> {
    const entries = await fsp.readdir(this.directory, { withFileTypes: true });
    const files: FirmwareFile[] = [];
    for (const e of entries) {
      if (!e.isFile() || e.name.startsWith('.')) continue;
      const stat = await fsp.stat(path.join(this.directory, e.name));
      files.push({ file: e.name, size: stat.size, modifiedAt: stat.mtime.toISOString() });
    }
    return files.sort((a, b) => a.file.localeCompare(b.file));
  }

  /** Files grouped by load id. */
  async loads(): Promise<FirmwareLoad[]> {
    const byId = new Map<string, FirmwareFile[]>();
    for (const f of await this.files()) {
      const id = loadIdOf(f.file);
      byId.set(id, [...(byId.get(id) ?? []), f]);
    }
    return [...byId.entries()].map(([loadId, files]) => ({ loadId, files }));
  }

  /** True when some uploaded file provides `loadId` (compared without regard to case, as phones ask). */
  async provides(loadId: string): Promise<boolean> {
    const wanted = loadId.toLowerCase();
    return (await this.files()).some(
      (f) => loadIdOf(f.file).toLowerCase() === wanted || f.file.toLowerCase() === wanted,
    );
  }

  /**
   * Stores an uploaded file. It is written to a temporary file and synced to disk; only a complete
   * upload (the stream ended without error, `truncated()` says the sender's parser cut nothing, and
   * it has at most `maxFileBytes`) then replaces the file of that name. A broken, truncated or
   * oversized upload leaves that file as it was.
   */
  async save(file: string, content: Readable, truncated: () => boolean = () => false): Promise<FirmwareFile> {
    const problem = firmwareFileNameProblem(file);
    if (problem) throw Object.assign(new Error(problem.message), { problem });
    const target = path.join(this.directory, file);
    const temporary = path.join(this.directory, `.${file}.${process.pid}.uploading`);
    let bytes = 0;
    const maxBytes = this.maxFileBytes;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(bytes > maxBytes ? new FirmwareTooLargeError(file, maxBytes) : null, chunk);
      },
    });
    try {
      await pipeline(content, counted, fs.createWriteStream(temporary));
      if (truncated()) throw new FirmwareTooLargeError(file, maxBytes);
      // Durable before acknowledged: the content, then the rename, reach the disk before the 201.
      await syncPath(temporary);
      await fsp.rename(temporary, target);
      await syncPath(this.directory);
    } finally {
      await fsp.rm(temporary, { force: true });
    }
    const stat = await fsp.stat(target);
    return { file, size: stat.size, modifiedAt: stat.mtime.toISOString() };
  }

  /** Deletes one file; false when it did not exist. */
  async delete(file: string): Promise<boolean> {
    if (firmwareFileNameProblem(file)) return false;
    try {
      await fsp.unlink(path.join(this.directory, file));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }
}
