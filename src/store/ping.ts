import { sql } from 'kysely';
import type { StoreDatabase } from './database.js';

/** One round trip to the database (SELECT 1): resolves when it answers, rejects with its error. */
export async function pingDatabase(database: Pick<StoreDatabase, 'db'>): Promise<void> {
  await sql`SELECT 1`.execute(database.db);
}
