import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { FieldProblem } from '../core/node.js';

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

/** Firmware load files in one directory under the data dir, served over TFTP by name. */
export class FirmwareLoadStore {
  constructor(readonly directory: string) {
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

  /** Stores an uploaded file; a partial upload never replaces a complete one. */
  async save(file: string, content: Readable): Promise<FirmwareFile> {
    const problem = firmwareFileNameProblem(file);
    if (problem) throw Object.assign(new Error(problem.message), { problem });
    const target = path.join(this.directory, file);
    const temporary = path.join(this.directory, `.${file}.${process.pid}.uploading`);
    try {
      await pipeline(content, fs.createWriteStream(temporary));
      await fsp.rename(temporary, target);
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
