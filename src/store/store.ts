import type { Kysely } from 'kysely';
import type { StoreDatabase } from './database.js';
import { DeviceRepository } from './device-repository.js';
import { EventRepository } from './event-repository.js';
import type { Executor } from './executor.js';
import { migrateToLatest } from './migrations/index.js';
import { NodeRepository } from './node-repository.js';
import { ParameterRepository } from './parameter-repository.js';
import { UserRepository } from './user-repository.js';

/** The repositories over one executor (the database, or a transaction). */
export interface Repositories {
  devices: DeviceRepository;
  nodes: NodeRepository;
  parameters: ParameterRepository;
  events: EventRepository;
  users: UserRepository;
}

function repositories(db: Executor): Repositories {
  return {
    devices: new DeviceRepository(db),
    nodes: new NodeRepository(db),
    parameters: new ParameterRepository(db),
    events: new EventRepository(db),
    users: new UserRepository(db),
  };
}

/** Persistence for one node: repositories, transactions, and the database's life cycle. */
export class Store implements Repositories {
  readonly devices: DeviceRepository;
  readonly nodes: NodeRepository;
  readonly parameters: ParameterRepository;
  readonly events: EventRepository;
  readonly users: UserRepository;

  constructor(readonly database: StoreDatabase) {
    this.devices = new DeviceRepository(database.db);
    this.nodes = new NodeRepository(database.db);
    this.parameters = new ParameterRepository(database.db);
    this.events = new EventRepository(database.db);
    this.users = new UserRepository(database.db);
  }

  /** Opens (migrating to the latest schema) a store on `database`. */
  static async open(database: StoreDatabase): Promise<Store> {
    await migrateToLatest(database.db as unknown as Kysely<unknown>, database.flavor);
    return new Store(database);
  }

  /** Runs `work` in one transaction; all its repository calls commit or roll back together. */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    return this.database.db.transaction().execute((tx) => work(repositories(tx)));
  }

  close(): Promise<void> {
    return this.database.close();
  }
}
