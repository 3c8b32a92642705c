import fs from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { sqlitePath } from '../../store/database.js';
import { parsePostgresUrl } from '../../store/postgres-hosts.js';
import { writableUrl } from '../../store/postgres-writable.js';
import { NodeRepository } from '../../store/node-repository.js';
import type { Schema } from '../../store/schema.js';
import type { NodeStorage } from './create-backup.js';

/**
 * The node heartbeats recorded in a store, read from outside any node (as `openucm restore`
 * does): [] when there is no database yet, null when its schema predates heartbeats (the nodes
 * that used it could not say whether they run).
 */
export async function storeHeartbeats(
  storage: NodeStorage,
): Promise<{ name: string; at: Date | null }[] | null> {
  let db: Kysely<Schema>;
  if (storage.databaseUrl) {
    const url = await writableUrl(parsePostgresUrl(storage.databaseUrl));
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  } else {
    const file = sqlitePath(storage.dataDir);
    if (!fs.existsSync(file)) return [];
    db = new Kysely<Schema>({
      dialect: new SqliteDialect({ database: new SqliteDatabase(file, { fileMustExist: true }) }),
    });
  }
  try {
    const migrations = await sql<{ name: string }>`select name from kysely_migration`.execute(db).then(
      (r) => r.rows.map((row) => row.name),
      () => null,
    );
    if (migrations === null) return [];
    if (!migrations.includes('0006-node-heartbeat')) return null;
    return await new NodeRepository(db, storage.databaseUrl ? 'postgres' : 'sqlite').heartbeats();
  } finally {
    await db.destroy();
  }
}
