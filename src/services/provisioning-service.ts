import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { DeviceDefault } from '../core/device-defaults.js';
import { effectiveDeviceDefaults, loadForDevice } from '../core/device-defaults.js';
import type { DeviceProtocol } from '../core/device.js';
import { phoneModels } from '../core/phone-models.js';
import type { CallManagerEntry } from '../provisioning/call-managers.js';
import { renderDeviceConfig } from '../provisioning/device-config.js';
import { classifyRequest, macOfRequest } from '../provisioning/file-names.js';
import type { RequestedFile } from '../provisioning/file-names.js';
import {
  EMPTY_DIAL_PLAN,
  EMPTY_RING_LIST,
  renderOs79xx,
  renderSipDefault,
  renderSipDevice,
} from '../provisioning/sip-79xx.js';
import { renderXmlDefault } from '../provisioning/xml-default.js';
import type { StoredNode } from '../store/node-repository.js';
import type { Store } from '../store/store.js';
import { bufferFile, DirectoryFileSource } from '../protocols/tftp/file-source.js';
import type { TftpFile, TftpFileSource, TftpPeer } from '../protocols/tftp/file-source.js';
import type { Clock } from './clock.js';
import type { FirmwareLoadStore } from './firmware-loads.js';
import type { ProvisioningLog } from './provisioning-log.js';
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
  /** The digest user and password a SIP device's configuration files carry (SipCredentialService). */
  credentials: { forConfigFile(deviceName: string): Promise<ConfigFileCredentials | null> };
}

/**
 * The files phones fetch at boot, rendered from the database at request time (never stale),
 * and the firmware loads; served over TFTP and HTTP alike.
 */
export class ProvisioningService implements TftpFileSource {
  private readonly loadFiles: DirectoryFileSource;

  constructor(private readonly deps: ProvisioningDeps) {
    this.loadFiles = new DirectoryFileSource(deps.loads.directory);
  }

  /** TftpFileSource: generated files first, then firmware load files. */
  async open(name: string, peer: TftpPeer): Promise<TftpFile | null> {
    const rendered = await this.fetch(name, peer.address, 'tftp');
    if (rendered) return bufferFile(rendered.content);
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
        return xml(EMPTY_DIAL_PLAN);
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
    return effectiveDeviceDefaults(await this.deps.store.deviceDefaults.listStored());
  }

  /** Call managers in priority order: this node first, then the others that announced where they listen. */
  private async callManagers(filter?: (n: StoredNode) => boolean): Promise<CallManagerEntry[]> {
    const nodes = await this.deps.store.nodes.list();
    const self = nodes.find((n) => n.name === this.deps.nodeName);
    const ordered = [...(self ? [self] : []), ...nodes.filter((n) => n.name !== this.deps.nodeName)];
    let chosen = ordered.filter((n) => n.endpoint !== null && (!filter || filter(n)));
    // No node accepts auto-registration: still send unknown phones to this node, which refuses them
    // with a reason the administrator can read, instead of leaving them without a call manager.
    if (chosen.length === 0 && self?.endpoint) chosen = [self];
    return chosen.map((n) => ({
      name: n.name,
      address: n.endpoint!.address,
      sccpPort: n.endpoint!.sccpPort,
      sipPort: n.endpoint!.sipPort,
    }));
  }

  /** XMLDefault.cnf.xml: auto-registration nodes, and per model the load of the auto-registration protocol. */
  async xmlDefault(): Promise<string> {
    const [callManagers, parameters, defaults] = await Promise.all([
      this.callManagers((n) => n.autoRegistration.enabled),
      this.deps.store.parameters.get(),
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
    const device = await this.deps.store.devices.find(`SEP${mac}`);
    if (!device) return null;
    const [callManagers, defaults, credentials] = await Promise.all([
      this.callManagers(),
      this.defaults(),
      device.protocol === 'SIP' ? this.deps.credentials.forConfigFile(device.name) : null,
    ]);
    const loadId = loadForDevice(device, defaults);
    const devicePool =
      defaults.find((d) => d.model === device.model && d.protocol === device.protocol)?.devicePool ??
      'Default';
    // New credentials are a new configuration: the stamp changes with them (the hash shows nothing of them).
    const stamp = createHash('sha1')
      .update(JSON.stringify({ device, callManagers, loadId, devicePool, credentials }))
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
      }),
    );
  }

  /** The load a 7940 of the auto-registration protocol gets: what OS79XX.TXT and SIPDefault.cnf name. */
  private async default7940Load(protocol?: DeviceProtocol): Promise<string | null> {
    const p = protocol ?? (await this.deps.store.parameters.get()).autoRegistrationPhoneProtocol;
    return (await this.defaults()).find((d) => d.model === '7940' && d.protocol === p)?.loadId ?? null;
  }

  private async sipProxy(): Promise<{ address: string; port: number } | null> {
    const [first] = await this.callManagers();
    if (!first) return null;
    return { address: first.address, port: first.sipPort ?? 5060 };
  }

  private async sipDefault(): Promise<RenderedFile | null> {
    const proxy = await this.sipProxy();
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

  private async sipDevice(mac: string): Promise<RenderedFile | null> {
    const proxy = await this.sipProxy();
    if (!proxy) return null;
    const deviceName = `SEP${mac}`;
    const device = await this.deps.store.devices.find(deviceName);
    return text(
      renderSipDevice({
        deviceName,
        label: device?.lines[0]?.dn ?? deviceName,
        lines: device?.lines ?? [],
        proxyAddress: proxy.address,
        proxyPort: proxy.port,
        credentials: device ? await this.deps.credentials.forConfigFile(deviceName) : null,
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
