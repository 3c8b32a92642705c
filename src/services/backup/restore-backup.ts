import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sqlitePath } from '../../store/database.js';
import { MIGRATION_NAMES } from '../../store/migrations/index.js';
import { HEARTBEAT_FRESH_MS, runningNodes } from '../node-heartbeat.js';
import { syncPath } from '../sync-path.js';
import type { NodeStorage } from './create-backup.js';
import { describeFile, workDirectory } from './files.js';
import type { BackupManifest } from './manifest.js';
import { LOADS_DIR, MANIFEST_FILE, manifestSchema } from './manifest.js';
import { restorePostgres } from './postgres-backup.js';
import type { DatabaseContents } from './sqlite-copy.js';
import { copyPages, inspectSqlite } from './sqlite-copy.js';
import { storeHeartbeats } from './store-heartbeats.js';
import { extractTarGz, listTarGz } from './tar.js';

/** A restore that would overwrite the store of a running node; `--force` overrides it. */
export class RestoreRefusedError extends Error {}

export interface RestoreResult {
  manifest: BackupManifest;
  /** What the restored database holds. */
  contents: DatabaseContents;
  loads: number;
  /** Nodes that were running on the store when --force overwrote it: restart them. */
  overwroteRunning: string[];
  warnings: string[];
}

/** Paths an archive may hold (manifest.ts); anything else means it is not one of ours. */
const MEMBER = /^(manifest\.json|(database|loads)\/[A-Za-z0-9][A-Za-z0-9._-]{0,127}|(database|loads)\/)$/;

/**
 * What a restored store must not carry over: browser sessions (everyone signs in again, so that
 * one signed out since the backup cannot come back) and the heartbeats of the nodes that made it.
 */
function resetStatements(migrations: readonly string[]): string[] {
  const statements: string[] = [];
  if (migrations.includes('0004-admin')) statements.push('delete from sessions');
  if (migrations.includes('0006-node-heartbeat')) statements.push('update nodes set heartbeat_at = null');
  return statements;
}

/** Reads and checks the archive unpacked in `work`: the manifest, and every file whole. */
async function verifiedManifest(archive: string, work: string): Promise<BackupManifest> {
  const members = await listTarGz(archive);
  const odd = members.find((m) => !(m.type === '-' || m.type === 'd') || !MEMBER.test(m.name));
  if (odd)
    throw new Error(
      `${archive} is not an openucm backup: it holds "${odd.line.trim()}", which a backup never does`,
    );
  if (!members.some((m) => m.name === MANIFEST_FILE))
    throw new Error(`${archive} is not an openucm backup: it has no ${MANIFEST_FILE}`);
  await extractTarGz(archive, work);
  let manifest: BackupManifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(await fsp.readFile(path.join(work, MANIFEST_FILE), 'utf8')));
  } catch (error) {
    throw new Error(`${archive} has no valid openucm backup manifest: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const listed = [manifest.database.file, ...manifest.loads];
  const present = members.filter((m) => m.type === '-' && m.name !== MANIFEST_FILE).map((m) => m.name);
  const unlisted = present.filter((name) => !listed.some((f) => f.path === name));
  if (unlisted.length > 0)
    throw new Error(`${archive} holds files its manifest does not list: ${unlisted.join(', ')}`);
  for (const expected of listed) {
    const file = path.join(work, expected.path);
    if (!fs.existsSync(file)) throw new Error(`${archive} is incomplete: ${expected.path} is missing`);
    const actual = await describeFile(file, expected.path);
    if (actual.bytes !== expected.bytes || actual.sha256 !== expected.sha256)
      throw new Error(
        `${archive} is damaged: ${expected.path} has ${actual.bytes} bytes and SHA-256 ${actual.sha256}, the manifest says ${expected.bytes} and ${expected.sha256}`,
      );
  }
  return manifest;
}

/**
 * Restores a backup archive into a node's store: checks the archive whole, refuses to overwrite
 * a store a node is running on (by its heartbeat) unless `force`, then replaces the database (in
 * one transaction) and the firmware loads directory (by a rename). Nothing is changed before the
 * archive has been checked.
 */
export async function restoreBackup(
  options: NodeStorage & { file: string; force: boolean; now: Date },
): Promise<RestoreResult> {
  const archive = path.resolve(options.file);
  if (!fs.existsSync(archive)) throw new Error(`${archive} does not exist`);
  await fsp.mkdir(options.dataDir, { recursive: true });
  const work = await workDirectory(options.dataDir, '.restore-');
  const warnings: string[] = [];
  try {
    const manifest = await verifiedManifest(archive, work);
    const target = options.databaseUrl ? 'postgres' : 'sqlite';
    if (manifest.database.flavor !== target)
      throw new Error(
        manifest.database.flavor === 'postgres'
          ? `${archive} is a backup of a PostgreSQL store: restore it with --database-url postgres://…`
          : `${archive} is a backup of a SQLite store: restore it into a data directory (--data-dir), without --database-url`,
      );
    const unknown = manifest.database.migrations.filter((m) => !MIGRATION_NAMES.includes(m));
    if (unknown.length > 0)
      throw new Error(
        `${archive} was made by a newer openucm (${manifest.openucmVersion}; schema ${unknown.join(', ')}): restore it with that version`,
      );

    const heartbeats = await storeHeartbeats(options);
    const running = heartbeats ? runningNodes(heartbeats, options.now) : [];
    if (heartbeats === null)
      warnings.push(
        'the store was last used by an openucm without heartbeats, so whether a node runs on it cannot be told: make sure none does',
      );
    if (running.length > 0 && !options.force) {
      const who = running.map((r) => `${r.name} (heartbeat ${Math.round(r.ageMs / 1000)} s ago)`).join(', ');
      throw new RestoreRefusedError(
        `${running.length === 1 ? `node ${who} is` : `nodes ${who} are`} running on this store: stop every node that uses it, then restore. ` +
          `A node stopped without a clean shutdown counts as running for ${HEARTBEAT_FRESH_MS / 1000} s after its last heartbeat. ` +
          '--force overwrites the store of a running node (then restart it at once)',
      );
    }

    const reset = resetStatements(manifest.database.migrations);
    const databaseFile = path.join(work, manifest.database.file.path);
    let contents: DatabaseContents;
    if (options.databaseUrl) {
      contents = await restorePostgres({
        url: options.databaseUrl,
        sqlFile: databaseFile,
        workDir: work,
        resetSql: reset,
        backupServerVersion: manifest.database.serverVersion,
        knownMigrations: MIGRATION_NAMES,
      });
    } else {
      const copy = new SqliteDatabase(databaseFile, { fileMustExist: true });
      try {
        for (const statement of reset) copy.exec(statement);
        contents = inspectSqlite(copy);
        await copyPages(copy, sqlitePath(options.dataDir));
      } finally {
        copy.close();
      }
    }
    const loads = await replaceLoads(path.join(work, LOADS_DIR), path.join(options.dataDir, 'loads'));
    return { manifest, contents, loads, overwroteRunning: running.map((r) => r.name), warnings };
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
}

/** Puts the backup's loads in place of the current ones: one rename, then the old ones go. */
async function replaceLoads(restored: string, loadsDir: string): Promise<number> {
  await fsp.mkdir(restored, { recursive: true });
  const count = (await fsp.readdir(restored)).length;
  const parent = path.dirname(loadsDir);
  const old = `${loadsDir}.replaced-${process.pid}`;
  const hadLoads = fs.existsSync(loadsDir);
  if (hadLoads) await fsp.rename(loadsDir, old);
  try {
    await fsp.rename(restored, loadsDir);
  } catch (error) {
    if (hadLoads) await fsp.rename(old, loadsDir);
    throw error;
  }
  await syncPath(parent);
  if (hadLoads) await fsp.rm(old, { recursive: true, force: true });
  return count;
}
