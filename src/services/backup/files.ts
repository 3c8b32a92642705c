import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ArchivedFile } from './manifest.js';

/** Size and SHA-256 of `file`, listed under `archivePath`. */
export async function describeFile(file: string, archivePath: string): Promise<ArchivedFile> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return { path: archivePath, bytes: (await fsp.stat(file)).size, sha256: hash.digest('hex') };
}

/** A hard link of `from` at `to` (no copy of a large load), or a copy where links cannot be made. */
export async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await fsp.link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
    await fsp.copyFile(from, to);
  }
}

/** A new empty directory beside `near` (same file system, so renames and links work), removed by the caller. */
export async function workDirectory(near: string, prefix: string): Promise<string> {
  return fsp.mkdtemp(path.join(near, prefix));
}
