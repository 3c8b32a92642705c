import type { Logger } from 'pino';
import { ipOf } from '../../core/ip-of.js';
import { applicationNameOf } from '../../store/cluster-objects.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import type { LiveEvents } from '../live-events.js';
import type { LiveRegistry } from '../live-registry.js';
import { RESET_TYPES } from '../live-registry.js';
import type { StatusWriter } from '../status-writer.js';
import type {
  ClusterBus,
  CommandNotification,
  ConfigNotification,
  NodeNotification,
  StatusNotification,
} from './cluster-bus.js';
import { CHANNELS } from './channels.js';

export interface ClusterPropagationDeps {
  bus: ClusterBus;
  store: Store;
  live: LiveEvents;
  registry: LiveRegistry;
  statusWriter: StatusWriter;
  nodeName: string;
  clock: Clock;
  logger: Logger;
}

type ConfigurationChange = {
  what: 'enterprise-parameters' | 'node' | 'device' | 'device-defaults' | 'security-profile';
  name: string;
};

/** What a changed table means to this node's caches (the `what` of LiveEvents' configuration-changed). */
function changeOf(n: ConfigNotification): ConfigurationChange | null {
  switch (n.what) {
    case 'enterprise-parameters':
    case 'node':
    case 'device':
    case 'device-defaults':
      return { what: n.what, name: n.name };
    case 'directory-number':
      // DN features and the dial plan are reread with the devices' (RefreshedRead).
      return { what: 'device', name: '' };
    case 'phone_security_profiles':
      // Migration 0021's trigger: the table's name, no key.
      return { what: 'security-profile', name: '' };
    default:
      return null;
  }
}

/**
 * Turns what the cluster bus hears into this node's LiveEvents, so that every cache, the event
 * stream and the UI see other nodes' changes as their own: configuration changes drop caches at
 * once, other nodes' phones' statuses are read and pushed as `device-status`, a node declared down
 * is announced, and a node that finds itself declared down writes its phones' statuses again.
 */
export class ClusterPropagation {
  private readonly self: string;
  /** The highest configuration version heard (openucm_config_version). */
  private version = 0;
  private applied = 0;

  constructor(private readonly deps: ClusterPropagationDeps) {
    this.self = applicationNameOf(deps.nodeName);
  }

  start(): void {
    const { events } = this.deps.bus;
    events.on('config', this.onConfig);
    events.on('status', this.onStatus);
    events.on('nodes', this.onNodes);
    events.on('resync', this.onResync);
    events.on('reassert', this.onReassert);
    events.on('command', this.onCommand);
  }

  stop(): void {
    const { events } = this.deps.bus;
    events.off('config', this.onConfig);
    events.off('status', this.onStatus);
    events.off('nodes', this.onNodes);
    events.off('resync', this.onResync);
    events.off('reassert', this.onReassert);
    events.off('command', this.onCommand);
  }

  /** The configuration version this node has applied, and how many changes of other nodes it applied. */
  configVersion(): { version: number; applied: number } {
    return { version: this.version, applied: this.applied };
  }

  /** Another node's API asked for a phone this node holds: it acts on its own connection. */
  private readonly onCommand = (c: CommandNotification): void => {
    if (c.to !== this.deps.nodeName) return;
    const { registry, logger } = this.deps;
    const connection = registry.get(c.device);
    const action = RESET_TYPES.find((t) => t === c.action);
    if (!connection || !action) {
      logger.info(
        { device: c.device, action: c.action, from: c.from },
        `node ${c.from} asked for ${c.action} of ${c.device}, which is not registered here (it moved or left); nothing sent`,
      );
      return;
    }
    connection.reset(action);
    logger.info(
      { device: c.device, action: c.action, from: c.from },
      `${c.action} sent to ${c.device} for node ${c.from}`,
    );
  };

  private readonly onConfig = (n: ConfigNotification): void => {
    if (typeof n.v === 'number' && n.v > this.version) this.version = n.v;
    // This node's own changes told its LiveEvents when they were made.
    if (n.from === this.self) return;
    const change = changeOf(n);
    if (!change) return;
    this.applied++;
    this.deps.live.emit('configuration-changed', change);
  };

  private readonly onStatus = (n: StatusNotification): void => {
    if (n.from === this.deps.nodeName || !Array.isArray(n.names)) return;
    void this.pushStatuses(n.names);
  };

  private async pushStatuses(names: string[]): Promise<void> {
    try {
      const rows = await this.deps.store.cluster.liveStatuses(names);
      for (const row of rows)
        this.deps.live.emit('device-status', {
          name: row.name,
          status: row.status,
          node: row.node ?? '',
          ipAddress: row.ipAddress,
          protocol: row.protocol,
          model: row.model,
          at: row.at ?? this.deps.clock().toISOString(),
        });
    } catch (error) {
      this.deps.logger.warn(
        { err: error, devices: names.length },
        `could not read the status of ${names.length} phones another node changed (${(error as Error).message}); the UI shows them at the next change or page load`,
      );
    }
  }

  private readonly onNodes = (n: NodeNotification): void => {
    const message =
      n.state === 'down'
        ? `node ${n.node} stopped answering; its ${n.phones} phones are shown unregistered until they register elsewhere`
        : `node ${n.node} answers again and shows the phones it holds as registered`;
    this.deps.live.emit('node-liveness', { ...n, message });
    if (n.node === this.deps.nodeName && n.state === 'down')
      this.onReassert({ reason: `declared down by ${n.by}` });
  };

  private readonly onResync = (): void => {
    // Whatever changed meanwhile: every cache drops what it holds, every page reads again.
    this.deps.live.emit('configuration-changed', { what: 'enterprise-parameters', name: '' });
    this.deps.live.emit('configuration-changed', { what: 'device', name: '' });
  };

  private reasserting = false;

  private readonly onReassert = ({ reason }: { reason: string }): void => {
    // The heartbeat and the notification may both say so: once is enough.
    if (this.reasserting) return;
    this.reasserting = true;
    const { registry, statusWriter, nodeName, clock, logger, bus } = this.deps;
    const at = clock().toISOString();
    let phones = 0;
    for (const [name, connection] of registry.entries()) {
      statusWriter.status({
        name,
        status: 'registered',
        node: nodeName,
        ipAddress: ipOf(connection.address),
        activeLoadId: null,
        at,
        // A phone it held before it hung may have registered on another node since: that one stands.
        reassert: true,
      });
      phones++;
    }
    logger.warn(
      { node: nodeName, phones, reason },
      `${nodeName} was taken for down by the cluster (${reason}); writing the ${phones} phones it holds as registered again, except any that registered on another node meanwhile`,
    );
    void statusWriter
      .flush()
      .then(() =>
        bus.send(CHANNELS.nodes, JSON.stringify({ node: nodeName, state: 'up', phones, by: nodeName })),
      )
      .catch((error: unknown) =>
        logger.warn({ err: error }, `could not tell the other nodes that ${nodeName} is up again`),
      )
      .finally(() => {
        this.reasserting = false;
      });
  };
}
