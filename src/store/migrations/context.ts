import type { Flavor } from '../database.js';

/** What a migration may depend on besides the database: the back end, for its few type differences. */
export interface MigrationContext {
  flavor: Flavor;
}
