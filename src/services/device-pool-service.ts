import type { Logger } from 'pino';
import type { DevicePool } from '../core/device-pool.js';
import { devicePoolDeletionProblem, devicePoolProblem, poolReferenceProblem } from '../core/device-pool.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Repositories, Store } from '../store/store.js';
import { definedOnly } from './cm-group-service.js';
import { ConflictError, NotFoundError, ValidationError } from './configuration-service.js';
import type { LiveEvents } from './live-events.js';

/** A pool as the API shows it: with how many phones it holds. */
export interface DevicePoolView extends DevicePool {
  devices: number;
}

/** System > Device Pool: create, change and delete pools; the pool a node gives auto-registered phones. */
export class DevicePoolService {
  constructor(private readonly deps: { store: Store; live: LiveEvents; logger: Logger }) {}

  async list(): Promise<DevicePoolView[]> {
    const { store } = this.deps;
    const pools = await store.devicePools.list();
    return Promise.all(
      pools.map(async (p) => ({ ...p, devices: await store.devicePools.deviceCount(p.name) })),
    );
  }

  async get(name: string): Promise<DevicePoolView> {
    const { store } = this.deps;
    const pool = await store.devicePools.get(name);
    if (!pool) throw new NotFoundError(`device pool ${name} does not exist`);
    return { ...pool, devices: await store.devicePools.deviceCount(name) };
  }

  async create(given: { name: string; description?: string; cmGroup: string }): Promise<DevicePoolView> {
    const pool: DevicePool = {
      name: given.name,
      description: given.description ?? '',
      cmGroup: given.cmGroup,
    };
    try {
      await this.deps.store.transaction(async (tx) => {
        await checkPool(tx, pool);
        if (await tx.devicePools.get(pool.name))
          throw new ConflictError(`device pool ${pool.name} already exists`, 'name');
        await tx.devicePools.insert(pool);
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError(`device pool ${pool.name} already exists`, 'name');
      throw error;
    }
    this.changed(pool, 'created');
    return this.get(pool.name);
  }

  async update(
    name: string,
    changes: { description?: string; cmGroup?: string },
  ): Promise<{ before: DevicePoolView; after: DevicePoolView }> {
    const before = await this.get(name);
    await this.deps.store.transaction(async (tx) => {
      const current = await tx.devicePools.get(name);
      if (!current) throw new NotFoundError(`device pool ${name} does not exist`);
      const proposed = { ...current, ...definedOnly(changes) };
      await checkPool(tx, proposed);
      await tx.devicePools.update(proposed);
    });
    const after = await this.get(name);
    this.changed(after, 'changed');
    return { before, after };
  }

  async delete(name: string): Promise<DevicePoolView> {
    const deleted = await this.deps.store.transaction(async (tx) => {
      const pool = await tx.devicePools.get(name);
      if (!pool) throw new NotFoundError(`device pool ${name} does not exist`);
      const use = {
        devices: await tx.devicePools.deviceCount(name),
        autoRegistrationNodes: await tx.devicePools.autoRegistrationNodes(name),
      };
      const problem = devicePoolDeletionProblem(name, use);
      if (problem) throw new ValidationError(problem);
      await tx.devicePools.delete(name);
      return { ...pool, devices: 0 };
    });
    this.changed(deleted, 'deleted');
    return deleted;
  }

  /** Refuses a pool name that does not exist (a phone's or a node's `field`). */
  async checkExists(field: string, name: string): Promise<void> {
    const names = (await this.deps.store.devicePools.list()).map((p) => p.name);
    const problem = poolReferenceProblem(field, name, names);
    if (problem) throw new ValidationError(problem);
  }

  /** Sets the pool `node`'s auto-registered phones get. */
  async setAutoRegistrationPool(node: string, pool: string): Promise<void> {
    await this.checkExists('autoRegistrationPool', pool);
    await this.deps.store.devicePools.setAutoRegistrationPool(node, pool);
    this.deps.logger.info(
      { node, devicePool: pool },
      `phones auto-registering on ${node} now join device pool ${pool}; phones registered before keep theirs`,
    );
    this.deps.live.emit('configuration-changed', { what: 'node', name: node });
  }

  private changed(pool: DevicePool, how: string): void {
    this.deps.logger.info(
      { devicePool: pool.name, cmGroup: pool.cmGroup },
      `device pool ${pool.name} ${how} (Cisco Unified CM Group ${pool.cmGroup}); its phones get it with their next configuration file`,
    );
    this.deps.live.emit('configuration-changed', { what: 'device-pool', name: pool.name });
  }
}

async function checkPool(tx: Repositories, pool: DevicePool): Promise<void> {
  const groups = (await tx.cmGroups.list()).map((g) => g.name);
  const problem = devicePoolProblem(pool, groups);
  if (problem) throw new ValidationError(problem);
}
