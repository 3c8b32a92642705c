/**
 * The node's secret key: 32 random bytes in a file of its own (64 hex digits), readable by the
 * node's user only, never in the database. Created on first start; every node sharing one
 * PostgreSQL database needs the same file (`--secret-key-file`).
 */
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { keyIdOf } from './secret-box.js';
import { syncPath } from './sync-path.js';

/** The file name under the data directory when `--secret-key-file` is not set. */
export const SECRET_KEY_FILE_NAME = 'secret.key';

export interface NodeSecretKey {
  key: Buffer;
  /** keyIdOf(key): what logs and sealed values name it by. */
  id: string;
  path: string;
  /** True when this start created it. */
  created: boolean;
}

const KEY_TEXT = /^[0-9a-f]{64}$/i;

/** Creates the key file with mode 0600, durably (file and directory entry synced); false if it exists. */
async function create(file: string): Promise<boolean> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(`${randomBytes(32).toString('hex')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncPath(path.dirname(file));
  return true;
}

/**
 * Reads the key at `file`, creating it first when it does not exist. A file that is not a key
 * stops the node with what to do: a new key would make every stored SIP password unreadable.
 */
export async function loadSecretKey(file: string, logger: Logger): Promise<NodeSecretKey> {
  const created = await create(file);
  const text = (await fsp.readFile(file, 'utf8')).trim();
  if (!KEY_TEXT.test(text)) {
    throw new Error(
      `the secret key file ${file} does not hold a key (64 hex digits): put back the copy you kept, or move it ` +
        'away to start with a new key (SIP passwords stored under the old one must then be set again)',
    );
  }
  const key = Buffer.from(text, 'hex');
  const id = keyIdOf(key);
  if (created) {
    logger.info(
      { secretKey: file, keyId: id },
      `created the node's secret key ${file} (id ${id}): it seals the SIP passwords kept in the database. Keep a ` +
        'copy apart from your backups (openucm backup does not hold it); every node sharing this database needs the same file (--secret-key-file)',
    );
  } else {
    const mode = (await fsp.stat(file)).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      logger.warn(
        { secretKey: file, mode: mode.toString(8) },
        `the secret key file ${file} can be read by other users (mode ${mode.toString(8)}): chmod 600 ${file}`,
      );
    }
  }
  return { key, id, path: file, created };
}
