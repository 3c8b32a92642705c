import fsp from 'node:fs/promises';

/**
 * fsync of a file, or of a directory to make a rename in it durable (the entry is the directory's
 * data): what "written" means before anyone is told so.
 */
export async function syncPath(file: string): Promise<void> {
  const handle = await fsp.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
