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

/** A thread's first message: it opened the database, or why it could not. */
export type OpenReply = { ready: true } | { failed: string };

export type FromSqliteThread =
  | OpenReply
  | { id: number; rows: unknown[]; numAffectedRows?: bigint; insertId?: bigint }
  | { id: number; error: { message: string; code: string | undefined } };

export type ToCheckpointer = { close: true };

/** After the OpenReply, `failed` tells why a checkpoint failed. */
export type FromCheckpointer = OpenReply;
