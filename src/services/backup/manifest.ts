import { z } from 'zod';

/**
 * The backup archive (README: Backup and restore) is a gzip-compressed tar file holding
 *   manifest.json               this description
 *   database/openucm.sqlite     SQLite: a consistent copy made with SQLite's backup API, or
 *   database/openucm.sql        PostgreSQL: a plain-SQL pg_dump of one snapshot
 *   loads/<file>                the firmware loads of the data directory
 * and nothing else. Every file is listed here with its size and SHA-256, so that a restore can
 * check the archive whole before it replaces anything.
 */
export const BACKUP_FORMAT = 'openucm-backup';
export const BACKUP_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
export const DATABASE_DIR = 'database';
export const LOADS_DIR = 'loads';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

const archivedFileSchema = z.object({
  /** Path inside the archive, `/`-separated. */
  path: z.string().regex(/^(database|loads)\/[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/),
  bytes: z.number().int().min(0),
  sha256,
});

export const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  createdAt: z.string(),
  openucmVersion: z.string(),
  /** The node that made it, or `openucm backup` (the command line). */
  madeBy: z.string(),
  database: z.object({
    flavor: z.enum(['sqlite', 'postgres']),
    file: archivedFileSchema,
    /** The schema migrations the database had (a restore refuses ones this openucm does not know). */
    migrations: z.array(z.string()),
    /** PostgreSQL: the server's and pg_dump's versions. */
    serverVersion: z.string().optional(),
    dumpVersion: z.string().optional(),
  }),
  loads: z.array(archivedFileSchema),
  /** What the database held, for the operator's summary. */
  counts: z.object({
    phones: z.number().int().min(0),
    directoryNumbers: z.number().int().min(0),
    users: z.number().int().min(0),
  }),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type ArchivedFile = z.infer<typeof archivedFileSchema>;
export type BackupCounts = BackupManifest['counts'];

/** What a backup holds, in the words the CLI and the UI print: "37 phones, 37 DNs, 2 users, 2 firmware files". */
export function contentsSummary(manifest: BackupManifest): string {
  const c = manifest.counts;
  return `${c.phones} phones, ${c.directoryNumbers} DNs, ${c.users} users, ${manifest.loads.length} firmware files`;
}
