import { SecurityProfileRepository } from './security-profile-repository.js';
import type { Kysely } from 'kysely';
import { AdminSettingRepository } from './admin-setting-repository.js';
import { ApiKeyRepository } from './api-key-repository.js';
import { AuditRepository } from './audit-repository.js';
import { BulkJobRepository } from './bulk-job-repository.js';
import { CdrRepository } from './cdr-repository.js';
import { CmGroupRepository } from './cm-group-repository.js';
import { ClusterRepository } from './cluster-repository.js';
import { CredentialRepository } from './credential-repository.js';
import type { Flavor, StoreDatabase } from './database.js';
import { DeviceChangeRepository } from './device-change-repository.js';
import { DeviceDefaultRepository } from './device-default-repository.js';
import { DevicePoolRepository } from './device-pool-repository.js';
import { DeviceRepository } from './device-repository.js';
import { EventRepository } from './event-repository.js';
import type { Executor } from './executor.js';
import { migrateToLatest } from './migrations/index.js';
import { LineSettingRepository } from './line-setting-repository.js';
import { NodeRepository } from './node-repository.js';
import { ParameterRepository } from './parameter-repository.js';
import { PendingPhoneRepository } from './pending-phone-repository.js';
import { SessionRepository } from './session-repository.js';
import { StatisticsRepository } from './statistics-repository.js';
import { UserRepository } from './user-repository.js';
import { recordingDatabase } from './write-batch.js';

/** The repositories over one executor (the database, or a transaction). */
export interface Repositories {
  devices: DeviceRepository;
  deviceDefaults: DeviceDefaultRepository;
  nodes: NodeRepository;
  parameters: ParameterRepository;
  events: EventRepository;
  users: UserRepository;
  sessions: SessionRepository;
  apiKeys: ApiKeyRepository;
  audit: AuditRepository;
  adminSettings: AdminSettingRepository;
  statistics: StatisticsRepository;
  deviceChanges: DeviceChangeRepository;
  bulkJobs: BulkJobRepository;
  credentials: CredentialRepository;
  pendingPhones: PendingPhoneRepository;
  /** Call Detail Records. */
  cdrs: CdrRepository;
  /** DN features (forwards, pickup group) and devices' Do Not Disturb. */
  lineSettings: LineSettingRepository;
  /** System > Cisco Unified CM Group. */
  cmGroups: CmGroupRepository;
  /** System > Device Pool. */
  devicePools: DevicePoolRepository;
  /** System > Security > Phone Security Profile. */
  securityProfiles: SecurityProfileRepository;
  /** Cluster propagation and liveness: notifications, the reaper, other nodes' live statuses. */
  cluster: ClusterRepository;
}

function repositories(db: Executor, flavor: Flavor): Repositories {
  return {
    devices: new DeviceRepository(db, flavor),
    deviceDefaults: new DeviceDefaultRepository(db),
    nodes: new NodeRepository(db, flavor),
    parameters: new ParameterRepository(db),
    events: new EventRepository(db, flavor),
    users: new UserRepository(db),
    sessions: new SessionRepository(db),
    apiKeys: new ApiKeyRepository(db),
    audit: new AuditRepository(db),
    adminSettings: new AdminSettingRepository(db),
    statistics: new StatisticsRepository(db),
    deviceChanges: new DeviceChangeRepository(db),
    bulkJobs: new BulkJobRepository(db, flavor),
    credentials: new CredentialRepository(db),
    pendingPhones: new PendingPhoneRepository(db),
    cdrs: new CdrRepository(db, flavor),
    lineSettings: new LineSettingRepository(db),
    cmGroups: new CmGroupRepository(db),
    devicePools: new DevicePoolRepository(db),
    securityProfiles: new SecurityProfileRepository(db),
    cluster: new ClusterRepository(db, flavor),
  };
}

/** Persistence for one node: repositories, transactions, and the database's life cycle. */
export class Store implements Repositories {
  readonly devices: DeviceRepository;
  readonly deviceDefaults: DeviceDefaultRepository;
  readonly nodes: NodeRepository;
  readonly parameters: ParameterRepository;
  readonly events: EventRepository;
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly audit: AuditRepository;
  readonly adminSettings: AdminSettingRepository;
  readonly statistics: StatisticsRepository;
  readonly deviceChanges: DeviceChangeRepository;
  readonly lineSettings: LineSettingRepository;
  readonly bulkJobs: BulkJobRepository;
  readonly credentials: CredentialRepository;
  readonly pendingPhones: PendingPhoneRepository;
  readonly cdrs: CdrRepository;
  readonly cmGroups: CmGroupRepository;
  readonly devicePools: DevicePoolRepository;
  readonly securityProfiles: SecurityProfileRepository;
  readonly cluster: ClusterRepository;

  constructor(readonly database: StoreDatabase) {
    this.devices = new DeviceRepository(database.db, database.flavor);
    this.deviceDefaults = new DeviceDefaultRepository(database.db);
    this.nodes = new NodeRepository(database.db, database.flavor);
    this.parameters = new ParameterRepository(database.db);
    this.events = new EventRepository(database.db, database.flavor);
    this.users = new UserRepository(database.db);
    this.sessions = new SessionRepository(database.db);
    this.apiKeys = new ApiKeyRepository(database.db);
    this.audit = new AuditRepository(database.db);
    this.adminSettings = new AdminSettingRepository(database.db);
    this.statistics = new StatisticsRepository(database.db);
    this.deviceChanges = new DeviceChangeRepository(database.db);
    this.lineSettings = new LineSettingRepository(database.db);
    this.bulkJobs = new BulkJobRepository(database.db, database.flavor);
    this.credentials = new CredentialRepository(database.db);
    this.pendingPhones = new PendingPhoneRepository(database.db);
    this.cdrs = new CdrRepository(database.db, database.flavor);
    this.cmGroups = new CmGroupRepository(database.db);
    this.devicePools = new DevicePoolRepository(database.db);
    this.securityProfiles = new SecurityProfileRepository(database.db);
    this.cluster = new ClusterRepository(database.db, database.flavor);
  }

  /** Opens (migrating to the latest schema) a store on `database`. */
  static async open(database: StoreDatabase): Promise<Store> {
    await migrateToLatest(database.db as unknown as Kysely<unknown>, database.flavor);
    return new Store(database);
  }

  /** Runs `work` in one transaction; all its repository calls commit or roll back together. */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    return this.database.db.transaction().execute((tx) => work(repositories(tx, this.database.flavor)));
  }

  /**
   * Runs write-only `work` as one transaction sent to the database in one piece: its statements
   * are collected first, then committed together or not at all. On a registration storm this
   * keeps a group's commit from waiting for a round trip per statement. Reads inside `work` are
   * refused (there is nothing to read yet); use `transaction` when a step depends on a result.
   */
  async writeBatch(work: (tx: Repositories) => Promise<void>): Promise<void> {
    const { db, recorded } = recordingDatabase(this.database.flavor);
    await work(repositories(db, this.database.flavor));
    if (recorded.length > 0) await this.database.runBatch(recorded);
  }

  close(): Promise<void> {
    return this.database.close();
  }
}
