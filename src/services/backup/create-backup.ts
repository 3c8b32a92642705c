import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sqlitePath } from '../../store/database.js';
import { FirmwareLoadStore } from '../firmware-loads.js';
import { syncPath } from '../sync-path.js';
import { describeFile, linkOrCopy, workDirectory } from './files.js';
import type { BackupManifest } from './manifest.js';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, DATABASE_DIR, LOADS_DIR, MANIFEST_FILE } from './manifest.js';
import { dumpPostgres } from './postgres-backup.js';
import { backupSqlite } from './sqlite-copy.js';
import { writeTarGz } from './tar.js';

/** Where a node keeps what a backup holds: its data directory, and PostgreSQL when it uses one. */
export interface NodeStorage {
  dataDir: string;
  databaseUrl?: string;
}

export interface BackupResult {
  file: string;
  bytes: number;
  manifest: BackupManifest;
  /** Things the operator should know (e.g. no firmware loads directory here). */
  warnings: string[];
}

/**
 * Writes a backup archive of a node's store to `out` (see manifest.ts for the format) while the
 * node runs: the database as one consistent state, and the firmware loads. The archive is written
 * beside `out` under another name, synced, then renamed: a file at `out` is always complete.
 */
export async function createBackup(
  options: NodeStorage & { out: string; madeBy: string; version: string; now: Date },
): Promise<BackupResult> {
  const out = path.resolve(options.out);
  if (fs.existsSync(out))
    throw new Error(`${out} exists already; choose another file name (a backup never overwrites one)`);
  if (!fs.existsSync(path.dirname(out))) throw new Error(`the directory ${path.dirname(out)} does not exist`);
  const warnings: string[] = [];
  const loadsDir = path.join(options.dataDir, 'loads');
  // Beside the loads, so that they can be hard-linked rather than copied.
  const work = await workDirectory(
    fs.existsSync(options.dataDir) ? options.dataDir : os.tmpdir(),
    '.backup-',
  );
  const partial = `${out}.partial-${process.pid}`;
  try {
    await fsp.mkdir(path.join(work, DATABASE_DIR));
    await fsp.mkdir(path.join(work, LOADS_DIR));
    let database: BackupManifest['database'];
    let counts: BackupManifest['counts'];
    if (options.databaseUrl) {
      const archivePath = `${DATABASE_DIR}/openucm.sql`;
      const dumped = await dumpPostgres(options.databaseUrl, path.join(work, archivePath));
      counts = dumped.counts;
      database = {
        flavor: 'postgres',
        file: await describeFile(path.join(work, archivePath), archivePath),
        migrations: dumped.migrations,
        serverVersion: dumped.serverVersion,
        dumpVersion: dumped.dumpVersion,
      };
    } else {
      const source = sqlitePath(options.dataDir);
      if (!fs.existsSync(source)) throw new Error(`there is no openucm database at ${source}`);
      const archivePath = `${DATABASE_DIR}/openucm.sqlite`;
      const copied = await backupSqlite(source, path.join(work, archivePath));
      counts = copied.counts;
      database = {
        flavor: 'sqlite',
        file: await describeFile(path.join(work, archivePath), archivePath),
        migrations: copied.migrations,
      };
    }
    const loads = [];
    if (fs.existsSync(loadsDir)) {
      for (const { file } of await new FirmwareLoadStore(loadsDir).files()) {
        const archivePath = `${LOADS_DIR}/${file}`;
        try {
          await linkOrCopy(path.join(loadsDir, file), path.join(work, archivePath));
        } catch (error) {
          // Deleted since it was listed: the backup shows the loads a moment later.
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw error;
        }
        loads.push(await describeFile(path.join(work, archivePath), archivePath));
      }
    } else {
      warnings.push(
        `there is no firmware loads directory at ${loadsDir}: the backup holds the database only (give the node's --data-dir to include its loads)`,
      );
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      createdAt: options.now.toISOString(),
      openucmVersion: options.version,
      madeBy: options.madeBy,
      database,
      loads,
      counts,
    };
    await fsp.writeFile(path.join(work, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await writeTarGz(work, [MANIFEST_FILE, database.file.path, ...loads.map((l) => l.path)], partial);
    // It holds password hashes and the whole configuration: for the owner's eyes only.
    await fsp.chmod(partial, 0o600);
    await syncPath(partial);
    await fsp.rename(partial, out);
    await syncPath(path.dirname(out));
    return { file: out, bytes: (await fsp.stat(out)).size, manifest, warnings };
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
    await fsp.rm(partial, { force: true });
  }
}
