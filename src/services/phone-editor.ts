import type { Logger } from 'pino';
import type { DeviceRecord } from '../store/device-repository.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Repositories, Store } from '../store/store.js';
import type { Line } from '../core/device.js';
import { poolReferenceProblem } from '../core/device-pool.js';
import { securityProfileReferenceProblem } from '../core/phone-security-profile.js';
import type { Clock } from './clock.js';
import { ConflictError, NotFoundError, ValidationError } from './configuration-service.js';
import type { DnAllocator } from './dn-allocator.js';
import type { LiveEvents } from './live-events.js';
import { completeLines } from './line-input.js';
import type { NewPhone, PhoneChanges } from './phone-input.js';
import { newPhoneProblem, phoneChangeProblem } from './phone-input.js';
import type { StatusWriter } from './status-writer.js';

/** Device > Phone by hand: add a phone with its lines, change description, load and lines. */
export class PhoneEditor {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      allocator: DnAllocator;
      statusWriter: StatusWriter;
      live: LiveEvents;
      logger: Logger;
    },
  ) {}

  private async find(name: string): Promise<DeviceRecord> {
    await this.deps.statusWriter.flush();
    const device = await this.deps.store.devices.find(name);
    if (!device) throw new NotFoundError(`phone ${name} does not exist`);
    return device;
  }

  /** Adds a phone; a DN that another phone holds becomes a shared line, as in CUCM. */
  async add(given: NewPhone): Promise<DeviceRecord> {
    const { store, clock, logger, live } = this.deps;
    const phone = { ...given, lines: completeLines(given.lines) };
    const problem = newPhoneProblem(phone);
    if (problem) throw new ValidationError(problem);
    if (phone.devicePool !== undefined) await poolExists(store, phone.devicePool);
    if (phone.securityProfile !== undefined) await securityProfileExists(store, phone.securityProfile);
    if (await store.devices.find(phone.name)) {
      throw new ConflictError(
        `phone ${phone.name} already exists; open it under Device > Phone to change it`,
      );
    }
    try {
      await store.transaction(async (tx) => {
        const now = clock();
        await tx.deviceChanges.ensureDns(
          phone.lines.map((l) => l.dn),
          now,
        );
        await tx.devices.insert(phone, now);
        // Only the features given: a DN shared with another phone keeps those left out.
        await storeLineFeatures(tx, phone.name, given.lines, phone.dnd);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`phone ${phone.name} already exists`);
      throw error;
    }
    logger.info({ device: phone.name, lines: phone.lines }, `phone ${phone.name} added by hand`);
    live.emit('configuration-changed', { what: 'device', name: phone.name });
    return this.find(phone.name);
  }

  /** Changes a phone; lines given replace all lines, and DNs no line uses any more are freed. */
  async update(name: string, given: PhoneChanges): Promise<{ before: DeviceRecord; after: DeviceRecord }> {
    const { store, clock, allocator, logger, live } = this.deps;
    const before = await this.find(name);
    const changes = given.lines ? { ...given, lines: completeLines(given.lines, before.lines) } : given;
    const problem = phoneChangeProblem(before, changes);
    if (problem) throw new ValidationError(problem);
    if (changes.devicePool !== undefined) await poolExists(store, changes.devicePool);
    if (changes.securityProfile !== undefined) await securityProfileExists(store, changes.securityProfile);
    let freed: string[] = [];
    await store.transaction(async (tx) => {
      await tx.deviceChanges.updateFields(name, changes);
      if (changes.lines) {
        await tx.deviceChanges.ensureDns(
          changes.lines.map((l) => l.dn),
          clock(),
        );
        await tx.deviceChanges.replaceLines(name, changes.lines);
        freed = await tx.deviceChanges.deleteUnusedDns(before.lines.map((l) => l.dn));
      }
      await storeLineFeatures(tx, name, given.lines ?? [], given.dnd);
    });
    for (const dn of freed) allocator.freed(dn);
    // A DN typed by hand may lie in an auto-registration range: the allocator must learn it is taken.
    if (changes.lines) allocator.invalidate();
    logger.info({ device: name, changes }, `phone ${name} changed by hand`);
    live.emit('configuration-changed', { what: 'device', name });
    return { before, after: await this.find(name) };
  }

  /** The other devices holding each DN of `name`'s lines (shared lines). */
  async sharedWith(name: string, dns: string[]): Promise<Record<string, string[]>> {
    return Object.fromEntries(await this.deps.store.deviceChanges.holders(dns, name));
  }
}

/** Refuses a device pool that does not exist, naming those that do. */
async function poolExists(store: Store, pool: string): Promise<void> {
  if (await store.devicePools.get(pool)) return;
  const names = (await store.devicePools.list()).map((p) => p.name);
  throw new ValidationError(poolReferenceProblem('devicePool', pool, names)!);
}

/** Refuses a phone security profile that does not exist, naming those that do. */
async function securityProfileExists(store: Store, profile: string): Promise<void> {
  if (await store.securityProfiles.get(profile)) return;
  const names = (await store.securityProfiles.list()).map((p) => p.name);
  throw new ValidationError(securityProfileReferenceProblem('securityProfile', profile, names)!);
}

/** Stores the DN features the lines carry (each DN's own, shared by its devices) and the device's DND. */
async function storeLineFeatures(
  tx: Repositories,
  deviceName: string,
  lines: readonly Line[],
  dnd: boolean | undefined,
): Promise<void> {
  for (const line of lines) {
    // setDnFeatures writes only the features defined (undefined = left out).
    await tx.lineSettings.setDnFeatures(line.dn, {
      forwardAll: line.forwardAll,
      forwardBusy: line.forwardBusy,
      forwardNoAnswer: line.forwardNoAnswer,
      pickupGroup: line.pickupGroup,
    });
  }
  if (dnd !== undefined) await tx.lineSettings.setDnd(deviceName, dnd);
}
