import type { Kysely, Transaction } from 'kysely';
import type { Schema } from './schema.js';

/** Either the database or an open transaction: repositories work on both. */
export type Executor = Kysely<Schema> | Transaction<Schema>;
