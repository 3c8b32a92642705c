import type { Logger } from 'pino';
import type { DeviceProtocol } from '../core/device.js';
import { deviceNameProblem } from '../core/device.js';
import type { EnterpriseParameters } from '../core/enterprise-parameters.js';
import { ipOf } from '../core/ip-of.js';
import type { PhoneModel } from '../core/phone-models.js';
import type { RegistrationRequest, RegistrationResult } from '../core/registration.js';
import { decideRegistration, refusalMarksDevice, takeoverRefusal } from '../core/registration.js';
import type { UnregistrationReason } from '../core/registration-event.js';
import { acceptedEvent, unregisteredEvent } from '../core/registration-event.js';
import { rejection } from '../core/rejection.js';
import type { Rejection } from '../core/rejection.js';
import type { PhoneSecurityProfile } from '../core/phone-security-profile.js';
import { requiresTlsRefused } from '../core/phone-security-profile.js';
import type { DeviceRecord, StatusChange } from '../store/device-repository.js';
import type { StoredNode } from '../store/node-repository.js';
import type { Store } from '../store/store.js';
import { AutoRegistrar } from './auto-registrar.js';
import type { AutoRegistrationGuardService } from './auto-registration-guard.js';
import { BatchedLookup } from './batched-lookup.js';
import type { Clock } from './clock.js';
import type { DnAllocator } from './dn-allocator.js';
import type { LimitReporter } from './limit-log.js';
import type { DeviceConnection, LiveRegistry } from './live-registry.js';
import type { LiveEvents } from './live-events.js';
import type { RefusalLog } from './refusal-log.js';
import type { StatusWriter } from './status-writer.js';
import type { RegisteredDevice } from './calls/registered-lines.js';
import { registeredDevice } from './calls/registered-device.js';
import type { FoldedWarning } from './folded-warning.js';
import { keepaliveTimeoutLog } from './keepalive-timeouts.js';

export interface RegistrationServiceDeps {
  store: Store;
  nodeName: string;
  clock: Clock;
  allocator: DnAllocator;
  registry: LiveRegistry;
  statusWriter: StatusWriter;
  live: LiveEvents;
  logger: Logger;
  /** Where a refusal at a limit is counted and logged. */
  limits: LimitReporter;
  /** Registrations being decided at once, at most (registrationMaxPending). */
  maxPending: number;
  /** Where refusals are recorded (folded, names checked). */
  refusals: RefusalLog;
  /** Which unknown phones may auto-register: the node's auto-registration guard. */
  guard: AutoRegistrationGuardService;
  /** Told which DNs each device registered here holds, and when it goes (call routing's DnLocator). */
  lines: RegisteredLinesFeed;
  /** Phone Security Profiles by name: a device whose profile asks for TLS registers over TLS only. */
  securityProfiles?: { byName(name: string): Promise<PhoneSecurityProfile | null> };
}

/** Where the registration service reports the lines of the devices registered on this node. */
export interface RegisteredLinesFeed {
  registered(device: RegisteredDevice): void;
  unregistered(deviceName: string): void;
}

/**
 * A safety net only: a change of the node or the enterprise parameters drops the cache at once,
 * made on this node or (PostgreSQL, openucm_config) on another (docs/cluster.md).
 */
const SETTINGS_TTL_MS = 30_000;
/** A phone told to retry later is given a wait in this range (s), so that refused phones come back spread out. */
const RETRY_AFTER_SECONDS = { min: 5, max: 30 };

/** Decides registrations for every protocol adapter and records what happened. */
export class RegistrationService {
  private cached: { node: StoredNode; parameters: EnterpriseParameters; at: number } | null = null;
  private readonly autoRegistrar: AutoRegistrar;
  private readonly devices: BatchedLookup<DeviceRecord>;
  /** Registrations between arrival and decision: waiting for a lookup or an auto-registration commit. */
  private pending = 0;
  private readonly keepaliveTimeouts: FoldedWarning;

  constructor(private readonly deps: RegistrationServiceDeps) {
    this.autoRegistrar = new AutoRegistrar(deps);
    this.keepaliveTimeouts = keepaliveTimeoutLog(deps.logger, () => deps.clock().getTime());
    this.devices = new BatchedLookup((names) => deps.store.devices.findMany(names));
    deps.live.on('configuration-changed', (change) => {
      if (change.what !== 'device') this.cached = null;
    });
  }

  get nodeName(): string {
    return this.deps.nodeName;
  }

  /**
   * Registers a phone: accepts a configured device, auto-registers an unknown one, or rejects
   * with a reason and a remedy. On acceptance `connection` becomes the device's live connection
   * (a previous connection of the same device from the same address is closed; one from another
   * address is not taken over, see takeoverRefusal).
   */
  async register(request: RegistrationRequest, connection: DeviceConnection): Promise<RegistrationResult> {
    // A name no device can have costs nothing: no lookup, no record (RefusalLog counts it).
    if (!this.deps.refusals.recordable(request.deviceName)) return this.refuseInvalidName(request);
    // A slow database must not turn a registration storm (or a flood) into memory growth here.
    if (this.pending >= this.deps.maxPending) return this.busy(request);
    this.pending++;
    let decided: { result: RegistrationResult; device: DeviceRecord | null };
    try {
      decided = await this.decide(request);
    } finally {
      this.pending--;
    }
    return this.record(request, decided.result, connection, decided.device);
  }

  private async decide(
    request: RegistrationRequest,
  ): Promise<{ result: RegistrationResult; device: DeviceRecord | null }> {
    // decideRegistration refuses a name that is not SEP + 12 hex digits before it looks at the device.
    const [device, { node, parameters }] = await Promise.all([
      deviceNameProblem(request.deviceName) ? null : this.devices.get(request.deviceName),
      this.settings(),
    ]);
    const live = this.deps.registry.get(request.deviceName);
    const decision = decideRegistration(request, { device, node, parameters, live });
    let result: RegistrationResult;
    switch (decision.kind) {
      case 'reject':
        result = { kind: 'rejected', rejection: decision.rejection };
        break;
      case 'accept': {
        const insecure = device ? await this.securityRefusal(request, device) : null;
        result = insecure
          ? { kind: 'rejected', rejection: insecure }
          : { kind: 'accepted', device: decision.device, autoRegistered: false };
        break;
      }
      case 'auto-register':
        result = await this.autoRegister(request, node, decision.model);
        break;
    }
    return { result, device };
  }

  /**
   * The refusal of a device whose Phone Security Profile asks for TLS when the phone did not use it
   * (CUCM: Authenticated and Encrypted devices signal over TLS only), or null.
   */
  private async securityRefusal(
    request: RegistrationRequest,
    device: DeviceRecord,
  ): Promise<Rejection | null> {
    const profiles = this.deps.securityProfiles;
    if (profiles === undefined) return null;
    const profile = await profiles.byName(device.securityProfile);
    if (profile === null || !requiresTlsRefused(profile, request.protocol, request.transport)) return null;
    return rejection('security-profile-requires-tls', {
      deviceName: request.deviceName,
      nodeName: this.deps.nodeName,
      protocol: request.protocol,
      securityProfile: profile.name,
      transport: request.transport ?? (request.protocol === 'SCCP' ? 'TCP' : undefined),
    });
  }

  /** An unknown phone that may auto-register: the node's guard decides whether it gets in now. */
  private async autoRegister(
    request: RegistrationRequest,
    node: StoredNode,
    model: PhoneModel,
  ): Promise<RegistrationResult> {
    const phone = {
      deviceName: request.deviceName,
      protocol: request.protocol,
      model: model.model,
      ip: ipOf(request.address),
    };
    const admitted = await this.deps.guard.check(phone, node.autoRegistrationGuard);
    if (admitted.kind === 'refuse') return { kind: 'rejected', rejection: admitted.rejection };
    const result = await this.autoRegistrar.register({
      request,
      nodeName: node.name,
      range: node.autoRegistration,
      devicePool: node.autoRegistrationPool,
      model,
      status: this.registeredStatus(request, this.deps.clock()),
      approved: admitted.approved,
    });
    if (admitted.approved && result.kind === 'accepted') {
      this.deps.live.emit('pending-phone', {
        deviceName: request.deviceName,
        state: 'removed',
        node: node.name,
        at: this.deps.clock().toISOString(),
      });
    }
    return result;
  }

  /** Refuses a name no device can have, before any lookup (the refusal log counts it, unrecorded). */
  private refuseInvalidName(request: RegistrationRequest): RegistrationResult {
    const refused = rejection('invalid-device-name', {
      deviceName: request.deviceName,
      nodeName: this.deps.nodeName,
      protocol: request.protocol,
    });
    this.deps.refusals.rejected(request, refused);
    return { kind: 'rejected', rejection: refused };
  }

  /** Refuses a registration beyond the node-wide bound: the phone retries later; counted, not recorded. */
  private busy(request: RegistrationRequest): RegistrationResult {
    const { maxPending, nodeName, limits } = this.deps;
    const { min, max } = RETRY_AFTER_SECONDS;
    const retryAfterSeconds = min + Math.floor(Math.random() * (max - min + 1));
    const refused = rejection('node-busy', {
      deviceName: request.deviceName,
      nodeName,
      protocol: request.protocol,
      pending: maxPending,
      retryAfterSeconds,
    });
    const ip = ipOf(request.address);
    limits.reached(
      'registrationMaxPending',
      { address: ip, device: request.deviceName },
      `told a ${request.protocol} phone at ${ip} to retry later: ${maxPending} registrations are already ` +
        'waiting for the database (--registration-max-pending). If this lasts, the database cannot keep up: ' +
        'check its disk and load (or the PostgreSQL server)',
    );
    return { kind: 'rejected', rejection: refused };
  }

  /**
   * The node and the enterprise parameters, read once per second at most (a registration storm
   * would otherwise read them for every phone). A change made through this node drops the copy at
   * once, so it applies to the very next registration; one made on another node of a cluster
   * applies within a second.
   */
  private async settings(): Promise<{ node: StoredNode; parameters: EnterpriseParameters }> {
    const now = this.deps.clock().getTime();
    if (this.cached && now - this.cached.at < SETTINGS_TTL_MS) return this.cached;
    const [node, parameters] = await Promise.all([
      this.deps.store.nodes.get(this.deps.nodeName),
      this.deps.store.parameters.get(),
    ]);
    if (!node) throw new Error(`node ${this.deps.nodeName} is missing from the database`);
    this.cached = { node, parameters, at: now };
    return this.cached;
  }

  /** Records the outcome and, on acceptance, makes `connection` the device's live one; returns the outcome. */
  private record(
    request: RegistrationRequest,
    decided: RegistrationResult,
    connection: DeviceConnection,
    stored: DeviceRecord | null,
  ): RegistrationResult {
    const { clock, nodeName, statusWriter, live, logger, registry } = this.deps;
    const now = clock();
    const holder = registry.get(request.deviceName);
    // Another attempt may have claimed the device while this one waited for the database.
    const takeover =
      decided.kind === 'accepted' && holder !== connection
        ? takeoverRefusal(request, holder, nodeName)
        : null;
    const result: RegistrationResult = takeover ? { kind: 'rejected', rejection: takeover } : decided;
    const where = {
      at: now,
      deviceName: request.deviceName,
      protocol: request.protocol,
      address: request.address,
      node: nodeName,
    };
    if (result.kind === 'rejected') {
      this.deps.refusals.rejected(request, result.rejection);
      const state = { live: holder !== undefined, storedStatus: stored?.status ?? null };
      if (refusalMarksDevice(result.rejection.reason, state)) {
        statusWriter.status({
          name: request.deviceName,
          status: 'rejected',
          node: nodeName,
          ipAddress: ipOf(request.address),
          activeLoadId: request.activeLoadId ?? null,
          at: now.toISOString(),
        });
      }
      return result;
    }
    const { device } = result;
    const previous = registry.claim(device.name, connection);
    if (previous) previous.close('replaced-by-new-registration');
    this.deps.lines.registered(registeredDevice(device));
    const event = acceptedEvent(
      where,
      result.autoRegistered ? 'auto-registered' : 'configured-device',
      device.lines.map((l) => l.dn),
    );
    const ip = ipOf(request.address);
    statusWriter.event(event);
    // An auto-registered device was stored registered already (see AutoRegistrar).
    if (result.autoRegistered) statusWriter.alreadyStored(device.name);
    else statusWriter.status(this.registeredStatus(request, now));
    live.emit('registration-event', event);
    live.emit('device-status', {
      name: device.name,
      status: 'registered',
      node: nodeName,
      ipAddress: ip,
      protocol: device.protocol,
      model: device.model,
      at: now.toISOString(),
    });
    logger.info(
      { device: device.name, address: request.address, dns: device.lines.map((l) => l.dn) },
      event.message,
    );
    return result;
  }

  private registeredStatus(request: RegistrationRequest, at: Date): StatusChange {
    return {
      name: request.deviceName,
      status: 'registered',
      node: this.deps.nodeName,
      ipAddress: ipOf(request.address),
      activeLoadId: request.activeLoadId ?? null,
      at: at.toISOString(),
    };
  }

  /**
   * The device's connection ended (`reason` says why). Only the connection that holds the
   * registration changes the status: a replaced connection closing later changes nothing.
   */
  unregistered(
    device: { name: string; protocol: DeviceProtocol; model: string },
    connection: DeviceConnection,
    reason: UnregistrationReason,
  ): void {
    const { registry, clock, nodeName, statusWriter, live, logger } = this.deps;
    if (!registry.release(device.name, connection)) return;
    this.deps.lines.unregistered(device.name);
    const now = clock();
    const event = unregisteredEvent(
      {
        at: now,
        deviceName: device.name,
        protocol: device.protocol,
        address: connection.address,
        node: nodeName,
      },
      reason,
    );
    statusWriter.event(event);
    statusWriter.status({
      name: device.name,
      status: 'unregistered',
      node: nodeName,
      ipAddress: ipOf(connection.address),
      activeLoadId: null,
      at: now.toISOString(),
    });
    live.emit('registration-event', event);
    live.emit('device-status', {
      name: device.name,
      status: 'unregistered',
      node: nodeName,
      ipAddress: ipOf(connection.address),
      protocol: device.protocol,
      model: device.model,
      at: now.toISOString(),
    });
    const fields = { device: device.name, address: connection.address, reason };
    if (reason === 'keepalive-timeout')
      this.keepaliveTimeouts.warn(fields, event.message, `${device.name} (${connection.address})`);
    else logger.info(fields, event.message);
  }
}
