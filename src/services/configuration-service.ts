import type { Logger } from 'pino';
import type { EnterpriseParameters } from '../core/enterprise-parameters.js';
import type { AutoRegistrationGuard } from '../core/auto-registration-guard.js';
import { guardProblems, guardSummary, normalizedGuard } from '../core/auto-registration-guard.js';
import type { AutoRegistration, FieldProblem } from '../core/node.js';
import { autoRegistrationProblems, inRange } from '../core/node.js';
import type { DeviceRecord, PhoneQuery } from '../store/device-repository.js';
import type { StoredNode } from '../store/node-repository.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import type { DnAllocator } from './dn-allocator.js';
import type { LiveEvents } from './live-events.js';
import type { RemoteCommands } from './remote-commands.js';
import type { LiveRegistry, ResetType } from './live-registry.js';
import type { StatusWriter } from './status-writer.js';

/** A change refused by a domain rule; the API answers it with 400 {error, field, message}. */
export class ValidationError extends Error {
  constructor(readonly problem: FieldProblem) {
    super(problem.message);
  }
}

/** A resource that does not exist; the API answers 404. */
export class NotFoundError extends Error {}

/** A request that cannot be carried out in the current state of it or another resource; the API answers 409. */
export class ConflictError extends Error {
  constructor(
    message: string,
    /** The field of the request that clashes, when one does. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface ConfigurationServiceDeps {
  store: Store;
  clock: Clock;
  allocator: DnAllocator;
  registry: LiveRegistry;
  statusWriter: StatusWriter;
  live: LiveEvents;
  logger: Logger;
  /** This node's name, and how a Reset reaches a phone registered on another node (a cluster). */
  nodeName?: string;
  remote?: RemoteCommands;
}

/** The administration use cases: what the REST API (and so the UI) can read and change. */
export class ConfigurationService {
  constructor(private readonly deps: ConfigurationServiceDeps) {}

  getParameters(): Promise<EnterpriseParameters> {
    return this.deps.store.parameters.get();
  }

  /** Applies at once: registrations read the parameters each time, so no restart is needed. */
  async updateParameters(changes: Partial<EnterpriseParameters>): Promise<EnterpriseParameters> {
    await this.deps.store.parameters.set(changes);
    const after = await this.deps.store.parameters.get();
    this.deps.logger.info({ changes }, 'enterprise parameters changed; they apply to the next registration');
    this.deps.live.emit('configuration-changed', {
      what: 'enterprise-parameters',
      name: 'enterprise-parameters',
    });
    return after;
  }

  listNodes(): Promise<StoredNode[]> {
    return this.deps.store.nodes.list();
  }

  /** How many DNs of the node's range are held. */
  async usedInRange(node: StoredNode): Promise<number> {
    const ar = node.autoRegistration;
    const dns = await this.deps.store.devices.dnsWithLength(ar.startingDn.length, ar.endingDn.length);
    return dns.filter((dn) => inRange(ar, dn)).length;
  }

  async getNode(name: string): Promise<StoredNode> {
    const node = await this.deps.store.nodes.get(name);
    if (!node) throw new NotFoundError(`node ${name} does not exist`);
    return node;
  }

  /**
   * Changes a node's auto-registration range and switch and its auto-registration guard, after
   * checking every rule of core/node and core/auto-registration-guard: both or neither. A range
   * overlapping another node's is a conflict (409): it clashes with that node's current setting.
   */
  async updateNode(
    name: string,
    changes: {
      autoRegistration?: Partial<AutoRegistration>;
      autoRegistrationGuard?: Partial<AutoRegistrationGuard>;
    },
  ): Promise<{ before: StoredNode; after: StoredNode }> {
    const { store, clock, allocator } = this.deps;
    // The check and the write in one transaction with the nodes locked: two changes at once, on
    // this node or on another sharing PostgreSQL, cannot both pass the overlap check.
    const { before, proposed, guard } = await store.transaction(async (tx) => {
      const nodes = await tx.nodes.lockAll();
      const node = nodes.find((n) => n.name === name);
      if (!node) throw new NotFoundError(`node ${name} does not exist`);
      const guard = changes.autoRegistrationGuard
        ? normalizedGuard({ ...node.autoRegistrationGuard, ...changes.autoRegistrationGuard })
        : null;
      const [guardProblem] = guard ? guardProblems(guard) : [];
      if (guardProblem) throw new ValidationError(guardProblem);
      const current = node.autoRegistration;
      const proposed: AutoRegistration = { ...current, ...changes.autoRegistration };
      const others = nodes.filter((n) => n.name !== name && n.autoRegistration.enabled);
      const assigned = (
        await tx.devices.dnsWithLength(current.startingDn.length, current.endingDn.length)
      ).filter((dn) => inRange(current, dn));
      const [problem] = autoRegistrationProblems({
        nodeName: name,
        proposed,
        current,
        otherNodes: proposed.enabled ? others : [],
        assignedInCurrentRange: assigned,
      });
      if (problem?.conflictsWith) throw new ConflictError(problem.message, problem.field);
      if (problem) throw new ValidationError(problem);
      await tx.nodes.updateAutoRegistration(name, proposed, clock());
      if (guard) await tx.nodes.updateGuard(name, guard);
      return { before: node, proposed, guard };
    });
    allocator.invalidate();
    this.deps.logger.info(
      { node: name, autoRegistration: proposed, ...(guard ? { autoRegistrationGuard: guard } : {}) },
      `auto-registration settings of ${name} changed; they apply to the next registration` +
        (guard ? `. ${guardSummary(name, guard)}` : ''),
    );
    this.deps.live.emit('configuration-changed', { what: 'node', name });
    return { before, after: await this.getNode(name) };
  }

  async searchPhones(query: PhoneQuery): Promise<{ items: DeviceRecord[]; total: number }> {
    await this.deps.statusWriter.settled();
    return this.deps.store.devices.search(query);
  }

  async getPhone(name: string): Promise<DeviceRecord> {
    await this.deps.statusWriter.settled();
    const device = await this.deps.store.devices.find(name);
    if (!device) throw new NotFoundError(`phone ${name} does not exist`);
    return device;
  }

  /** Deletes a phone; a registered one is disconnected first. Its DNs become free again. */
  async deletePhone(name: string): Promise<void> {
    const { store, registry, allocator, statusWriter } = this.deps;
    const device = await this.getPhone(name);
    registry.get(name)?.close('device-deleted');
    await statusWriter.flush();
    const deleted = await store.transaction((tx) => tx.devices.delete(name));
    if (!deleted) throw new NotFoundError(`phone ${name} does not exist`);
    for (const line of device.lines) allocator.freed(line.dn);
    this.deps.logger.info({ device: name }, `phone ${name} deleted`);
    this.deps.live.emit('configuration-changed', { what: 'device', name });
  }

  /**
   * Sends Reset (reboot) or Restart (re-register) to a registered phone: here, or through the node
   * that holds its registration (which acts on its own connection). Answers the node that acts.
   */
  async resetPhone(name: string, type: ResetType): Promise<string> {
    const device = await this.getPhone(name);
    const { registry, remote, nodeName, logger } = this.deps;
    const connection = registry.get(name);
    if (connection) {
      connection.reset(type);
      logger.info({ device: name, type }, `${type} sent to ${name}`);
      return nodeName ?? '';
    }
    const owner = device.status === 'registered' ? device.node : null;
    if (owner && remote && owner !== nodeName) {
      await remote.send(owner, name, type);
      logger.info(
        { device: name, type, node: owner },
        `${type} for ${name} passed to node ${owner}, which holds its registration`,
      );
      return owner;
    }
    throw new ConflictError(
      `phone ${name} is not registered${owner ? ` (the database says node ${owner}, which is not reachable from here)` : ''}, so it cannot be reached; it will pick up its configuration when it next registers`,
    );
  }
}
