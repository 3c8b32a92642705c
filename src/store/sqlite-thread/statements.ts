import type SqliteDatabase from 'better-sqlite3';
import type { QueryResult } from 'kysely';

const MAX_CACHED_STATEMENTS = 500;

/** Runs SQL on one better-sqlite3 connection, reusing the prepared statement of each SQL text. */
export class StatementRunner {
  private readonly statements = new Map<string, SqliteDatabase.Statement>();

  constructor(readonly connection: SqliteDatabase.Database) {}

  run(sql: string, parameters: readonly unknown[]): QueryResult<unknown> {
    const statement = this.prepare(sql);
    if (statement.reader) return { rows: statement.all(parameters.map(bindable)) };
    const { changes, lastInsertRowid } = statement.run(parameters.map(bindable));
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  }

  // Preparing a statement costs as much as running a small one.
  private prepare(sql: string): SqliteDatabase.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.connection.prepare(sql);
      // IN (…) lists of varying length make endless texts: keep only a bounded set.
      if (this.statements.size < MAX_CACHED_STATEMENTS) this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** Structured clone turns a Buffer into a Uint8Array; SQLite binds Buffers as BLOBs. */
function bindable(value: unknown): unknown {
  return value instanceof Uint8Array && !Buffer.isBuffer(value)
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    : value;
}
