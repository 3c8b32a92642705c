/** What the store and its SQLite writer thread say to each other (see driver.ts, thread-main.ts). */

export interface OpenRequest {
  file: string;
}

export interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

export type ToSqliteThread =
  | ({ id: number } & Statement)
  /** Statements that commit together or not at all. */
  | { id: number; batch: readonly Statement[] }
  | { close: true };

export type FromSqliteThread =
  | { ready: true }
  | { failed: string }
  | { id: number; rows: unknown[]; numAffectedRows?: bigint; insertId?: bigint }
  | { id: number; error: { message: string; code: string | undefined } };

export type ToCheckpointer = { close: true };

export type FromCheckpointer = { ready: true } | { failed: string };
