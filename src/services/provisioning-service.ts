import { createHash } from 'node:crypto';
import type { PickupCodes } from '../core/call/pickup.js';
import type { Logger } from 'pino';
import type { DeviceDefault } from '../core/device-defaults.js';
import { effectiveDeviceDefaults, loadForDevice } from '../core/device-defaults.js';
import type { DeviceProtocol } from '../core/device.js';
import type { EnterpriseParameters } from '../core/enterprise-parameters.js';
import { phoneModels } from '../core/phone-models.js';
import { chooseCallManagers } from '../core/call-manager-order.js';
import type { CmGroup } from '../core/cm-group.js';
import { DEFAULT_CM_GROUP } from '../core/cm-group.js';
import type { DevicePool } from '../core/device-pool.js';
import { CallManagerFallbacks } from './call-manager-fallbacks.js';
import { runningNodes } from './node-heartbeat.js';
import type { CallManagerEntry } from '../provisioning/call-managers.js';
import { renderDeviceConfig } from '../provisioning/device-config.js';
import { classifyRequest, macOfRequest } from '../provisioning/file-names.js';
import type { RequestedFile } from '../provisioning/file-names.js';
import {
  renderDialPlan,
  EMPTY_RING_LIST,
  renderOs79xx,
  renderSipDefault,
  renderSipDevice,
} from '../provisioning/sip-79xx.js';
import { renderXmlDefault } from '../provisioning/xml-default.js';
import type { DeviceRecord } from '../store/device-repository.js';
import { configSecurity, fileCredentials, legacySipTlsComment } from '../provisioning/security-settings.js';
import type { StoredNode } from '../store/node-repository.js';
import type { Store } from '../store/store.js';
import { bufferFile, DirectoryFileSource } from './file-source.js';
import type { TftpFile, TftpFileSource, TftpPeer } from './file-source.js';
import { BatchedLookup } from './batched-lookup.js';
import type { Clock } from './clock.js';
import type { FirmwareLoadStore } from './firmware-loads.js';
import type { LiveEvents } from './live-events.js';
import type { ProvisioningLog } from './provisioning-log.js';
import { ShortLived } from './short-lived.js';
import type { ConfigFileCredentials } from './sip-credentials.js';

/** Registration period SIP phones are configured with (CUCM's SIP profile default, sip-cisco.md §1.3). */
export const SIP_REGISTER_EXPIRES = 3600;

export interface RenderedFile {
  content: Buffer;
  contentType: string;
}

export interface ProvisioningDeps {
  store: Store;
  nodeName: string;
  loads: FirmwareLoadStore;
  log: ProvisioningLog;
  clock: Clock;
  logger: Logger;
  /** Configuration changes made through this node, which drop what is kept at once. */
  live: LiveEvents;
  /** How long the settings every file is made of, and the files all phones share, are reused (s). */
  cacheSeconds: number;
  /** The digest user and password a SIP device's configuration files carry (SipCredentialService). */
  credentials: { forConfigFile(deviceName: string): Promise<ConfigFileCredentials | null> };
  /** Seconds a SIP phone's dial template waits before sending digits a longer DN could continue (T302). */
  interDigitSeconds?: number;
  /** The call pickup feature codes the dial template lists (DEFAULT_PICKUP_CODES when absent). */
  pickupCodes?: PickupCodes;
}

/** What every file is made of: read once for all phones asking within the cache time. */
interface SharedSettings {
  nodes: StoredNode[];
  parameters: EnterpriseParameters;
  defaults: DeviceDefault[];
  /** Unified CM Groups and Device Pools: which call managers each device's files list. */
  groups: CmGroup[];
  pools: DevicePool[];
  /** Nodes whose heartbeat is fresh (services/node-heartbeat runningNodes). */
  running: ReadonlySet<string>;
}

type SharedFileKind = 'xml-default' | 'os79xx' | 'sip-default' | 'dial-plan' | 'ring-list';
const SHARED_FILES: ReadonlySet<RequestedFile['kind']> = new Set<SharedFileKind>([
  'xml-default',
  'os79xx',
  'sip-default',
  'dial-plan',
  'ring-list',
]);

/**
 * The files phones fetch at boot, rendered from the database, and the firmware loads; served over
 * TFTP and HTTP alike. A boot storm must not read the database for every request: the settings all
 * files are made of, and the files every phone gets alike (XMLDefault.cnf.xml…), are reused for
 * `cacheSeconds` and dropped at once when a change is made through this node (a change made on
 * another node of a cluster shows within that time); a phone's own file reads its device in one
 * query with the other phones asking at the same moment, so a storm of unknown phones (each a
 * "File not found") stays cheap too.
 */
export class ProvisioningService implements TftpFileSource {
  private readonly loadFiles: DirectoryFileSource;
  private readonly shared: ShortLived<SharedSettings>;
  private readonly sharedFiles = new Map<RequestedFile['kind'], ShortLived<RenderedFile | null>>();
  private readonly devices: BatchedLookup<DeviceRecord>;
  private readonly fallbacks: CallManagerFallbacks;

  constructor(private readonly deps: ProvisioningDeps) {
    this.loadFiles = new DirectoryFileSource(deps.loads.directory);
    const ttlMs = deps.cacheSeconds * 1000;
    this.shared = new ShortLived(ttlMs);
    for (const kind of SHARED_FILES) this.sharedFiles.set(kind, new ShortLived(ttlMs));
    this.devices = new BatchedLookup((names) => deps.store.devices.findMany(names));
    this.fallbacks = new CallManagerFallbacks(deps.logger);
    // A device's own file is read afresh each time; everything else depends on the shared settings.
    deps.live.on('configuration-changed', (change) => {
      if (change.what !== 'device') this.forgetShared();
    });
  }

  /** Drops the settings and shared files kept, so that the next request reads the database. */
  forgetShared(): void {
    this.shared.drop();
    for (const file of this.sharedFiles.values()) file.drop();
  }

  /** TftpFileSource: generated files first, then firmware load files. */
  async open(name: string, peer: TftpPeer): Promise<TftpFile | null> {
    const rendered = await this.fetch(name, peer.address, 'tftp');
    if (rendered) return bufferFile(rendered.content);
    return this.openFirmware(name, peer);
  }

  /**
   * A firmware load file, for a name that is not rendered. A phone's own configuration file that
   * does not exist is not looked for among the loads: a storm of unknown phones costs no directory
   * listing each.
   */
  openFirmware(name: string, peer: TftpPeer): Promise<TftpFile | null> {
    const { kind } = classifyRequest(name);
    if (kind === 'device-config' || kind === 'sip-device') return Promise.resolve(null);
    return this.loadFiles.open(name, peer);
  }

  /** Renders `name` for a phone at `address`, recording the fetch against the MAC it names. */
  async fetch(name: string, address: string, via: 'tftp' | 'http'): Promise<RenderedFile | null> {
    const request = classifyRequest(name);
    const rendered = await this.render(request);
    const mac = macOfRequest(request);
    if (mac) {
      this.deps.log.record(mac, {
        at: this.deps.clock().toISOString(),
        file: name,
        address,
        via,
        found: rendered !== null,
      });
    }
    return rendered;
  }

  async render(request: RequestedFile): Promise<RenderedFile | null> {
    const shared = this.sharedFiles.get(request.kind);
    if (shared) return shared.get(this.now(), () => this.renderNow(request));
    return this.renderNow(request);
  }

  private now(): number {
    return this.deps.clock().getTime();
  }

  private settings(): Promise<SharedSettings> {
    const { store } = this.deps;
    return this.shared.get(this.now(), async () => {
      const [nodes, parameters, stored, groups, pools, heartbeats] = await Promise.all([
        store.nodes.list(),
        store.parameters.get(),
        store.deviceDefaults.listStored(),
        store.cmGroups.list(),
        store.devicePools.list(),
        store.nodes.heartbeats(),
      ]);
      const running = new Set(runningNodes(heartbeats, this.deps.clock()).map((n) => n.name));
      return { nodes, parameters, defaults: effectiveDeviceDefaults(stored), groups, pools, running };
    });
  }

  private async renderNow(request: RequestedFile): Promise<RenderedFile | null> {
    switch (request.kind) {
      case 'xml-default':
        return xml(await this.xmlDefault());
      case 'device-config':
        return this.deviceConfig(request.mac);
      case 'os79xx': {
        const load = await this.default7940Load();
        return load ? text(renderOs79xx(load)) : null;
      }
      case 'sip-default':
        return this.sipDefault();
      case 'sip-device':
        return this.sipDevice(request.mac);
      case 'dial-plan':
        return xml(
          renderDialPlan(
            await this.deps.store.devices.allDirectoryNumbers(),
            this.deps.interDigitSeconds ?? 15,
            this.deps.pickupCodes,
          ),
        );
      case 'ring-list':
        return text(EMPTY_RING_LIST);
      case 'trust-list':
        // Non-secure cluster: no CTL/ITL. "File not found" is what phones expect (provisioning.md §1.3, §5).
        return null;
      case 'other':
        return null;
    }
  }

  private async defaults(): Promise<DeviceDefault[]> {
    return (await this.settings()).defaults;
  }

  /**
   * The call managers of a Unified CM Group in priority order (cluster.md §1.2), the same whichever
   * node renders: the group of `pool` (a device's), or the auto-registration group when `pool` is
   * null. Members that are not running or have not said where they listen drop out; when none is
   * left, this node is listed so that the phone is not left without a call manager.
   */
  private async callManagers(pool: string | null): Promise<CallManagerEntry[]> {
    const { nodes, groups, pools, running } = await this.settings();
    const groupName =
      pool === null
        ? groups.find((g) => g.autoRegistration)?.name
        : (pools.find((p) => p.name === pool)?.cmGroup ?? DEFAULT_CM_GROUP);
    const group = groups.find((g) => g.name === groupName);
    const self = this.deps.nodeName;
    const byName = new Map(nodes.map((n) => [n.name, n]));
    const choice = chooseCallManagers(
      group?.members ?? [],
      (name) => ({
        name,
        usable: byName.get(name)?.endpoint != null && (name === self || running.has(name)),
      }),
      byName.get(self)?.endpoint ? self : null,
    );
    this.fallbacks.report(groupName ?? '(no auto-registration group)', choice, self);
    return choice.names.map((name) => {
      const endpoint = byName.get(name)!.endpoint!;
      return {
        name,
        address: endpoint.address,
        sccpPort: endpoint.sccpPort,
        sipPort: endpoint.sipPort,
        sipTlsPort: endpoint.sipTlsPort ?? null,
      };
    });
  }

  /** XMLDefault.cnf.xml: auto-registration nodes, and per model the load of the auto-registration protocol. */
  async xmlDefault(): Promise<string> {
    const [callManagers, { parameters }, defaults] = await Promise.all([
      this.callManagers(null),
      this.settings(),
      this.defaults(),
    ]);
    const protocol = parameters.autoRegistrationPhoneProtocol;
    const loads = phoneModels()
      .filter((m) => m.sccpDeviceType >= 0 && m.protocols.includes(protocol))
      .map((m) => ({
        deviceType: m.sccpDeviceType,
        displayName: m.displayName,
        loadId: defaults.find((d) => d.model === m.model && d.protocol === protocol)?.loadId ?? null,
      }));
    return renderXmlDefault({ callManagers, loads });
  }

  private async deviceConfig(mac: string): Promise<RenderedFile | null> {
    const record = await this.devices.get(`SEP${mac}`);
    if (!record) return null;
    // The configuration only: the record's status, address and times change at every registration.
    const {
      name,
      model,
      protocol,
      description,
      lines,
      loadId: ownLoad,
      devicePool,
      securityProfile,
    } = record;
    const device = { name, model, protocol, description, lines, loadId: ownLoad };
    const [callManagers, defaults, storedCredentials, profile] = await Promise.all([
      this.callManagers(devicePool),
      this.defaults(),
      protocol === 'SIP' ? this.deps.credentials.forConfigFile(name) : null,
      this.deps.store.securityProfiles.get(securityProfile),
    ]);
    const credentials = fileCredentials(storedCredentials, profile);
    const security = configSecurity(profile);
    const loadId = loadForDevice(device, defaults);
    // A phone applies a configuration whose versionStamp differs from its own: it changes with it,
    // and with new credentials (the hash shows nothing of them).
    const stamp = createHash('sha1')
      .update(JSON.stringify({ device, callManagers, loadId, devicePool, credentials, security }))
      .digest('hex')
      .slice(0, 16);
    return xml(
      renderDeviceConfig({
        device,
        callManagers,
        loadId,
        devicePool,
        sipRegisterExpires: SIP_REGISTER_EXPIRES,
        credentials,
        versionStamp: stamp,
        security,
      }),
    );
  }

  /** The load a 7940 of the auto-registration protocol gets: what OS79XX.TXT and SIPDefault.cnf name. */
  private async default7940Load(protocol?: DeviceProtocol): Promise<string | null> {
    const p = protocol ?? (await this.settings()).parameters.autoRegistrationPhoneProtocol;
    return (await this.defaults()).find((d) => d.model === '7940' && d.protocol === p)?.loadId ?? null;
  }

  /** The SIP proxy of a 7940/7960 SIP file: the first call manager of the pool's group (auto-registration group: null). */
  private async sipProxy(pool: string | null): Promise<{ address: string; port: number } | null> {
    const [first] = await this.callManagers(pool);
    if (!first) return null;
    return { address: first.address, port: first.sipPort ?? 5060 };
  }

  private async sipDefault(): Promise<RenderedFile | null> {
    const proxy = await this.sipProxy(null);
    if (!proxy) return null;
    return text(
      renderSipDefault({
        imageVersion: await this.default7940Load('SIP'),
        proxyAddress: proxy.address,
        proxyPort: proxy.port,
        registerExpires: SIP_REGISTER_EXPIRES,
      }),
    );
  }

  /** A 7940/7960 SIP file's credentials and note, as its Phone Security Profile allows. */
  private async legacySipSecurity(
    device: { name: string; securityProfile: string } | null,
  ): Promise<{ credentials: ConfigFileCredentials | null; note: string | null }> {
    if (!device) return { credentials: null, note: null };
    const [credentials, profile] = await Promise.all([
      this.deps.credentials.forConfigFile(device.name),
      this.deps.store.securityProfiles.get(device.securityProfile),
    ]);
    return { credentials: fileCredentials(credentials, profile), note: legacySipTlsComment(profile) };
  }

  private async sipDevice(mac: string): Promise<RenderedFile | null> {
    const deviceName = `SEP${mac}`;
    const device = await this.devices.get(deviceName);
    const proxy = await this.sipProxy(device?.devicePool ?? null);
    if (!proxy) return null;
    return text(
      renderSipDevice({
        deviceName,
        label: device?.lines[0]?.dn ?? deviceName,
        lines: device?.lines ?? [],
        proxyAddress: proxy.address,
        proxyPort: proxy.port,
        ...(await this.legacySipSecurity(device)),
      }),
    );
  }
}

function xml(content: string): RenderedFile {
  return { content: Buffer.from(content), contentType: 'text/xml; charset=utf-8' };
}

function text(content: string): RenderedFile {
  return { content: Buffer.from(content), contentType: 'text/plain; charset=utf-8' };
}
