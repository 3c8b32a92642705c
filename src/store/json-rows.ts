import type { RawBuilder } from 'kysely';
import { sql } from 'kysely';
import type { Flavor } from './database.js';

/** How a column's JSON value becomes SQL: PostgreSQL reads every JSON value as text first. */
export type JsonColumnType = 'text' | 'integer' | 'bigint';

/**
 * Rows handed to the database as one JSON parameter and read back as a table:
 * `SELECT … FROM json_each(?)` on SQLite, `json_array_elements($1)` on PostgreSQL, in the rows'
 * order. A multi-row write then costs one short SQL text (prepared once, whatever the row count)
 * and one string, where a VALUES list costs a parameter per value and a text per row count, built
 * and compiled on the event loop for every group of phones a registration storm commits.
 */
export class JsonRows<Row> {
  private readonly sqlite: RawBuilder<unknown>;
  private readonly postgres: RawBuilder<unknown>;

  /** `columns` name the source's columns in the order `values` lists them. */
  constructor(
    columns: Record<string, JsonColumnType>,
    private readonly values: (row: Row) => unknown[],
  ) {
    const names = Object.entries(columns);
    this.sqlite = sql.raw(names.map(([name], i) => `value ->> ${i} AS ${name}`).join(', '));
    this.postgres = sql.raw(
      names.map(([name, type], i) => `(r.value ->> ${i})::${type} AS ${name}`).join(', '),
    );
  }

  /** The rows as a table expression, for `INSERT INTO t (…) ${…}` or `FROM (${…}) AS v`. */
  source(flavor: Flavor, rows: readonly Row[]): RawBuilder<unknown> {
    const json = JSON.stringify(rows.map(this.values));
    return flavor === 'sqlite'
      ? sql`SELECT ${this.sqlite} FROM json_each(${json}) ORDER BY key`
      : sql`SELECT ${this.postgres} FROM json_array_elements(${json}::json) WITH ORDINALITY AS r(value, position) ORDER BY position`;
  }
}
