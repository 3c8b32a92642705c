import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely';
import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { Flavor } from './database.js';
import type { Schema } from './schema.js';

/**
 * A Kysely instance that runs nothing: every statement that repositories execute on it is
 * recorded (and answered "no rows"), so that the recorded statements can then be sent to the
 * database together (see Store.writeBatch). It refuses reads, whose answers it could not give.
 */
export function recordingDatabase(flavor: Flavor): { db: Kysely<Schema>; recorded: CompiledQuery[] } {
  const recorded: CompiledQuery[] = [];
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      if (SelectQueryNode.is(query.query))
        throw new Error(`a write batch cannot read (it would see nothing): ${query.sql}`);
      recorded.push(query);
      return { rows: [] };
    },
    // eslint-disable-next-line require-yield -- a write batch never streams
    async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
      throw new Error('a write batch cannot read');
    },
  };
  const driver: Driver = {
    init: async () => {},
    acquireConnection: async () => connection,
    beginTransaction: async () => {
      throw new Error('a write batch is one transaction already');
    },
    commitTransaction: async () => {},
    rollbackTransaction: async () => {},
    releaseConnection: async () => {},
    destroy: async () => {},
  };
  const dialect: Dialect =
    flavor === 'sqlite'
      ? {
          createAdapter: () => new SqliteAdapter(),
          createDriver: () => driver,
          createIntrospector: (db) => new SqliteIntrospector(db),
          createQueryCompiler: () => new SqliteQueryCompiler(),
        }
      : {
          createAdapter: () => new PostgresAdapter(),
          createDriver: () => driver,
          createIntrospector: (db) => new PostgresIntrospector(db),
          createQueryCompiler: () => new PostgresQueryCompiler(),
        };
  return { db: new Kysely<Schema>({ dialect }), recorded };
}
