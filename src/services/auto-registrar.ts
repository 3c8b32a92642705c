import type { Device } from '../core/device.js';
import type { AutoRegistration } from '../core/node.js';
import type { PhoneModel } from '../core/phone-models.js';
import type { RegistrationRequest, RegistrationResult } from '../core/registration.js';
import { autoRegisteredDevice } from '../core/registration.js';
import { rejection } from '../core/rejection.js';
import { isUniqueViolation } from '../store/errors.js';
import type { StatusChange } from '../store/device-repository.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import type { DnAllocator } from './dn-allocator.js';
import { whenGathered } from './gather.js';

/** What the auto-registration of one unknown phone needs to know. */
export interface AutoRegistrationRequest {
  request: RegistrationRequest;
  nodeName: string;
  range: AutoRegistration;
  /** The node's auto-registration device pool (Default when left out). */
  devicePool?: string;
  model: PhoneModel;
  /** The status the new device is stored with (registered on this node), so none has to follow. */
  status: StatusChange;
  /** An administrator accepted it on Device > Pending Phones: it leaves the queue with its device stored. */
  approved?: boolean;
}

interface Waiting extends AutoRegistrationRequest {
  done: Array<{ resolve: (result: RegistrationResult) => void; reject: (error: unknown) => void }>;
}

/** Phones committed in one transaction at most; bounds the time other writers wait for the database. */
const MAX_BATCH = 500;
/** Groups being committed at once: enough to keep the database busy while the next one gathers. */
const MAX_GROUPS_IN_FLIGHT = 3;
/** Phones gathered by the end of a cascade that are committed without waiting for the turn to end. */
const WORTH_A_GROUP = 16;
const MAX_ALLOCATION_ATTEMPTS = 50;
/**
 * Times a group whose numbers another node took first is tried again as a whole, after the range is
 * read again, before its phones are tried one by one (a device that exists already ends up there).
 */
const GROUP_ATTEMPTS = 5;

/**
 * Creates unknown phones as auto-registered devices, each with the next free DN of its node's
 * range. Phones that arrive together (a registration storm, a batch from an SCCP worker) are
 * committed together: one transaction for the group instead of one per phone, which is what a
 * database commit costs most. If anything in a group collides (a DN taken by another node, a
 * device created meanwhile), the group's phones are retried one by one, so one collision never
 * costs another phone its registration. The primary key on directory_numbers decides in the end.
 */
export class AutoRegistrar {
  private queue: Waiting[] = [];
  private readonly byDevice = new Map<string, Waiting>();
  private scheduled = false;
  private groupsInFlight = 0;

  constructor(private readonly deps: { store: Store; allocator: DnAllocator; clock: Clock }) {}

  register(item: AutoRegistrationRequest): Promise<RegistrationResult> {
    return new Promise((resolve, reject) => {
      // The same phone twice in one group (a retry on a new connection) shares one outcome.
      const queued = this.byDevice.get(item.request.deviceName);
      if (queued) {
        queued.done.push({ resolve, reject });
        return;
      }
      const waiting: Waiting = { ...item, done: [{ resolve, reject }] };
      this.queue.push(waiting);
      this.byDevice.set(item.request.deviceName, waiting);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.groupsInFlight >= MAX_GROUPS_IN_FLIGHT) return;
    this.scheduled = true;
    whenGathered(
      () => this.queue.length >= WORTH_A_GROUP,
      () => {
        this.scheduled = false;
        this.startGroups();
      },
    );
  }

  /**
   * Starts the queued groups without waiting for the one being committed: the database commits one
   * while the next is prepared, and neither this thread nor the database's waits for the other.
   */
  private startGroups(): void {
    while (this.queue.length > 0 && this.groupsInFlight < MAX_GROUPS_IN_FLIGHT) {
      const group = this.queue.splice(0, MAX_BATCH);
      for (const w of group) this.byDevice.delete(w.request.deviceName);
      this.groupsInFlight++;
      this.commitGroup(group)
        .catch((error: unknown) => {
          for (const w of group) for (const d of w.done) d.reject(error);
        })
        .finally(() => {
          this.groupsInFlight--;
          this.schedule();
        });
    }
  }

  private async commitGroup(group: Waiting[], attempt = 0): Promise<void> {
    const { store, allocator, clock } = this.deps;
    const proposed: Array<{ waiting: Waiting; device: Device; dn: string }> = [];
    for (const waiting of group) {
      const dn = await allocator.propose(waiting.range, store.devices);
      if (dn === null) {
        settle(waiting, exhausted(waiting));
        continue;
      }
      const device = withPool(
        autoRegisteredDevice(waiting.request.deviceName, waiting.model, waiting.request.protocol, dn),
        waiting.devicePool,
      );
      proposed.push({ waiting, device, dn });
    }
    if (proposed.length === 0) return;
    try {
      // One transaction: the DNs, the devices and their lines exist together or not at all.
      await store.writeBatch(async (tx) => {
        const now = clock();
        await tx.devices.reserveDns(
          proposed.map((p) => p.dn),
          now,
        );
        await tx.devices.insertAll(
          proposed.map((p) => p.device),
          now,
          new Map(proposed.map((p) => [p.device.name, p.waiting.status])),
        );
        const approved = proposed.filter((p) => p.waiting.approved).map((p) => p.device.name);
        if (approved.length > 0) await tx.pendingPhones.remove(approved);
      });
    } catch (error) {
      for (const p of proposed) allocator.released(p.waiting.range, p.dn);
      if (!isUniqueViolation(error)) throw error;
      if (attempt < GROUP_ATTEMPTS) {
        // Another node sharing the range took some of these numbers first: read the range again
        // and try the whole group once more (one transaction, not one per phone).
        for (const range of new Map(
          proposed.map((p) => [`${p.waiting.range.startingDn}-${p.waiting.range.endingDn}`, p.waiting.range]),
        ).values())
          await allocator.refresh(range, store.devices);
        return this.commitGroup(
          proposed.map((p) => p.waiting),
          attempt + 1,
        );
      }
      await Promise.all(
        proposed.map(async (p) => {
          try {
            settle(p.waiting, await this.registerOne(p.waiting));
          } catch (oneError) {
            for (const d of p.waiting.done) d.reject(oneError);
          }
        }),
      );
      return;
    }
    for (const p of proposed) {
      allocator.committed(p.waiting.range, p.dn);
      settle(p.waiting, { kind: 'accepted', device: p.device, autoRegistered: true });
    }
  }

  /** One phone in its own transaction, retrying with the next DN while others take them first. */
  private async registerOne(item: AutoRegistrationRequest): Promise<RegistrationResult> {
    const { store, allocator, clock } = this.deps;
    const { request, range } = item;
    for (let attempt = 0; attempt < MAX_ALLOCATION_ATTEMPTS; attempt++) {
      const dn = await allocator.propose(range, store.devices);
      if (dn === null) return exhausted(item);
      const device = withPool(
        autoRegisteredDevice(request.deviceName, item.model, request.protocol, dn),
        item.devicePool,
      );
      try {
        await store.writeBatch(async (tx) => {
          const now = clock();
          await tx.devices.reserveDns([dn], now);
          await tx.devices.insertAll([device], now, new Map([[device.name, item.status]]));
          if (item.approved) await tx.pendingPhones.remove([device.name]);
        });
        allocator.committed(range, dn);
        return { kind: 'accepted', device, autoRegistered: true };
      } catch (error) {
        if (!isUniqueViolation(error)) {
          allocator.released(range, dn);
          throw error;
        }
        // Either the DN was taken by a concurrent registration, or this device was created by one.
        const existing = await store.devices.find(request.deviceName);
        if (existing) {
          allocator.released(range, dn);
          if (existing.protocol !== request.protocol) {
            return {
              kind: 'rejected',
              rejection: rejection('device-protocol-mismatch', {
                deviceName: request.deviceName,
                nodeName: item.nodeName,
                protocol: request.protocol,
                configuredProtocol: existing.protocol,
              }),
            };
          }
          return { kind: 'accepted', device: existing, autoRegistered: false };
        }
        await allocator.lostToAnother(range, dn, store.devices);
      }
    }
    throw new Error(
      `could not allocate a DN for ${request.deviceName} after ${MAX_ALLOCATION_ATTEMPTS} attempts; the directory numbers table is under heavy contention`,
    );
  }
}

function settle(waiting: Waiting, result: RegistrationResult): void {
  for (const d of waiting.done) d.resolve(result);
}

function exhausted(item: AutoRegistrationRequest): RegistrationResult {
  return {
    kind: 'rejected',
    rejection: rejection('dn-range-exhausted', {
      deviceName: item.request.deviceName,
      nodeName: item.nodeName,
      protocol: item.request.protocol,
      range: item.range,
    }),
  };
}

/** The device with the node's auto-registration pool, when one is given. */
function withPool(device: Device, devicePool: string | undefined): Device {
  return devicePool === undefined ? device : { ...device, devicePool };
}
