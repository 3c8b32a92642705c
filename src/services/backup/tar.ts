import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs GNU tar (Debian's essential `tar`); its own message when it fails. */
async function tar(args: string[]): Promise<string> {
  try {
    return (await run('tar', args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error('the tar program is missing: install tar (Debian: apt-get install tar)', {
        cause: error,
      });
    throw new Error(`tar ${args[0]} failed: ${(e.stderr ?? e.message).trim()}`, { cause: error });
  }
}

/** Writes `files` (paths relative to `dir`) into the gzip-compressed tar file `archive`. */
export async function writeTarGz(dir: string, files: readonly string[], archive: string): Promise<void> {
  // Contents, not links: a load hard-linked twice is stored twice; owners are not the archive's business.
  await tar([
    '--create',
    '--gzip',
    '--hard-dereference',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--file',
    archive,
    '--directory',
    dir,
    '--',
    ...files,
  ]);
}

/** The members of a gzip-compressed tar file: `type` is `-` for a regular file, `d` a directory, else another kind. */
export async function listTarGz(archive: string): Promise<{ type: string; name: string; line: string }[]> {
  const out = await tar(['--list', '--verbose', '--gzip', '--file', archive]);
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const fields = line.trim().split(/\s+/);
      return { type: line[0], name: fields[fields.length - 1], line };
    });
}

/** Extracts the gzip-compressed tar file `archive` into `dir`, owned by whoever runs this. */
export async function extractTarGz(archive: string, dir: string): Promise<void> {
  await tar([
    '--extract',
    '--gzip',
    '--no-same-owner',
    '--no-same-permissions',
    '--file',
    archive,
    '--directory',
    dir,
  ]);
}
