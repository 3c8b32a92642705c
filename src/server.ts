import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { DEFAULT_AUTO_REGISTRATION } from './core/node.js';
import { buildHttpApp } from './http/app.js';
import { advertisedAddress } from './network.js';
import { ProvisioningHttpServer } from './protocols/provisioning-http/server.js';
import { SccpCluster } from './protocols/sccp/cluster/sccp-cluster.js';
import { SccpServer } from './protocols/sccp/server.js';
import { SipServer } from './protocols/sip/sip-server.js';
import { TftpServer } from './protocols/tftp/server.js';
import { ensureAdministrator } from './services/administrator.js';
import type { Clock } from './services/clock.js';
import { systemClock } from './services/clock.js';
import { ConfigurationService } from './services/configuration-service.js';
import { BulkJobService } from './services/bulk/bulk-job-service.js';
import { createAdministration } from './services/administration.js';
import { DiagnosisService } from './services/diagnosis-service.js';
import { PhoneCsv } from './services/phone-csv.js';
import { DnAllocator } from './services/dn-allocator.js';
import { FirmwareLoadStore } from './services/firmware-loads.js';
import { ProvisioningLog } from './services/provisioning-log.js';
import { ProvisioningService } from './services/provisioning-service.js';
import { LiveEvents } from './services/live-events.js';
import { LimitLog } from './services/limit-log.js';
import { AuthThrottle } from './services/auth-throttle.js';
import { LiveRegistry } from './services/live-registry.js';
import { BatchedLookup } from './services/batched-lookup.js';
import { RegistrationService } from './services/registration-service.js';
import { StatusWriter } from './services/status-writer.js';
import { SecretBox } from './services/secret-box.js';
import { loadSecretKey, SECRET_KEY_FILE_NAME } from './services/secret-key-file.js';
import { SipCredentialService } from './services/sip-credentials.js';
import { openDatabase } from './store/database.js';
import { Store } from './store/store.js';
import { VERSION } from './version.js';

/** The ports a node actually listens on (port 0 in the config picks one). */
export interface NodePorts {
  http: number;
  sccp: number;
  sip?: number;
  tftp?: number;
  provisioningHttp?: number;
}

/** One running node: its listeners, its services, and how to stop it. */
export interface RunningNode {
  config: Config;
  ports: NodePorts;
  store: Store;
  registration: RegistrationService;
  configuration: ConfigurationService;
  registry: LiveRegistry;
  live: LiveEvents;
  provisioning: ProvisioningService;
  provisioningLog: ProvisioningLog;
  statusWriter: StatusWriter;
  /** Refusals at a limit, counted and logged (README: Security and limits). */
  limits: LimitLog;
  /** Failed authentications per source address, shared by HTTP and SIP. */
  authThrottle: AuthThrottle;
  /** Bulk Administration jobs (Migrate Phones). */
  bulkJobs: BulkJobService;
  /** The administrator password generated on first start (null if it existed or came from the environment). */
  generatedAdminPassword: string | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger: Logger;
  clock?: Clock;
  /** OPENUCM_ADMIN_PASSWORD: the first password of CCMAdministrator. */
  adminPassword?: string;
}

/** Composes and starts every service of one node; the only place that wires them together. */
export async function startNode(config: Config, options: StartOptions): Promise<RunningNode> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const database = openDatabase({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    onBackgroundError: (error) => logger.warn({ err: error }, error.message),
  });
  const started: { stop(): Promise<void> }[] = [];
  try {
    const store = await Store.open(database);
    logger.info({ database: database.flavor, location: database.location }, 'database ready');
    await store.nodes.ensure(config.nodeName, DEFAULT_AUTO_REGISTRATION, clock());
    const generatedAdminPassword = await ensureAdministrator(store, clock, options.adminPassword);
    // No phone can be registered to a node that is just starting.
    const stale = await store.devices.unregisterAllOn(config.nodeName, clock());
    if (stale > 0)
      logger.info({ devices: stale }, 'marked phones left registered by the previous run as unregistered');

    // The key that seals SIP passwords lives in a file, never in the database.
    const secretKey = await loadSecretKey(
      config.secretKeyFile ?? path.join(config.dataDir, SECRET_KEY_FILE_NAME),
      logger,
    );
    const live = new LiveEvents();
    const limits = new LimitLog(logger.child({ component: 'limits' }), () => clock().getTime());
    // One count of failed authentications per source address, whichever door (HTTP or SIP digest).
    const authThrottle = new AuthThrottle({
      clock,
      limits,
      failuresPerAddress: config.authFailuresPerAddress,
    });
    const registry = new LiveRegistry();
    const statusWriter = new StatusWriter(store, logger);
    const allocator = new DnAllocator();
    const registration = new RegistrationService({
      store,
      nodeName: config.nodeName,
      clock,
      allocator,
      registry,
      statusWriter,
      live,
      logger: logger.child({ component: 'registration' }),
    });
    const configuration = new ConfigurationService({
      store,
      clock,
      allocator,
      registry,
      statusWriter,
      live,
      logger: logger.child({ component: 'configuration' }),
    });

    const sipCredentials = new SipCredentialService({
      store,
      box: new SecretBox(secretKey.key),
      keyPath: secretKey.path,
      clock,
      live,
      registry,
      logger: logger.child({ component: 'sip-credentials' }),
    });
    await sipCredentials.checkKey();

    const loads = new FirmwareLoadStore(path.join(config.dataDir, 'loads'));
    const provisioningLog = new ProvisioningLog();
    const provisioning = new ProvisioningService({
      store,
      nodeName: config.nodeName,
      loads,
      log: provisioningLog,
      clock,
      logger: logger.child({ component: 'provisioning' }),
      credentials: sipCredentials,
    });

    const bulkJobs = new BulkJobService({
      store,
      configuration,
      registry,
      statusWriter,
      live,
      clock,
      nodeName: config.nodeName,
      loads,
      credentials: sipCredentials,
      logger: logger.child({ component: 'bulk' }),
    });
    const credentialsOfDevices = new BatchedLookup((names) => store.credentials.byDevices(names));
    // SIP over WebSocket arrives through the HTTP server: the SIP core exists before HTTP listens.
    const sip = new SipServer({
      host: config.bind,
      port: config.sipPort,
      registration,
      credentials: {
        byDevice: (name) => credentialsOfDevices.get(name),
        byUsername: (username) => store.credentials.byUsername(username),
      },
      statusWriter,
      live,
      logger: logger.child({ component: 'sip' }),
      clock,
      nodeName: config.nodeName,
      version: VERSION,
      advertiseAddress: config.advertiseAddress,
      warnAgent: advertisedAddress(config),
      settings: config,
      reporter: limits,
      authThrottle,
      webSocketOrigins: config.sipWebSocketOrigins,
      digestAlgorithms: config.sipDigestAlgorithms,
    });
    const http: FastifyInstance = await buildHttpApp({
      sipWebSocket: sip.webSocket,
      sipCredentials,
      bulkJobs,
      store,
      configuration,
      statusWriter,
      provisioning,
      loads,
      diagnosis: new DiagnosisService(store, provisioningLog, loads, statusWriter),
      phoneCsv: new PhoneCsv(store, allocator, clock, logger.child({ component: 'csv' }), sipCredentials),
      nodeName: config.nodeName,
      logger,
      version: VERSION,
      live,
      limits,
      administration: createAdministration({
        store,
        clock,
        allocator,
        statusWriter,
        live,
        configuration,
        logger: logger.child({ component: 'administration' }),
      }),
    });
    await listenHttp(http, config);
    started.push({ stop: () => http.close() });
    const httpPort = addressPort(http.server.address());

    // --sccp-workers N: N processes own the Skinny sockets; this one decides their registrations.
    const sccp =
      config.sccpWorkers > 0
        ? new SccpCluster({
            host: config.bind,
            port: config.sccpPort,
            keepaliveSeconds: config.keepaliveSeconds,
            workers: config.sccpWorkers,
            registration,
            logger,
            logLevel: config.logLevel,
          })
        : new SccpServer({
            host: config.bind,
            port: config.sccpPort,
            keepaliveSeconds: config.keepaliveSeconds,
            registration,
            logger: logger.child({ component: 'sccp' }),
            clock,
          });
    const sccpPort = await sccp.start();
    started.push({ stop: () => sccp.stop() });
    const sipPort = await sip.start();
    started.push({ stop: () => sip.stop() });

    const tftp = new TftpServer({
      host: config.bind,
      port: config.tftpPort,
      files: provisioning,
      logger: logger.child({ component: 'tftp' }),
    });
    const tftpPort = (await tftp.start()).port;
    started.push({ stop: () => tftp.stop() });
    const provisioningHttp = new ProvisioningHttpServer({
      host: config.bind,
      port: config.provisioningHttpPort,
      render: (name, address) => provisioning.fetch(name, address, 'http'),
      files: provisioning,
      logger: logger.child({ component: 'provisioning-http' }),
    });
    const provisioningHttpPort = await provisioningHttp.start();
    started.push({ stop: () => provisioningHttp.stop() });

    const ports: NodePorts = {
      http: httpPort,
      sccp: sccpPort,
      sip: sipPort,
      tftp: tftpPort,
      provisioningHttp: provisioningHttpPort,
    };
    // Config files list every node where it listens: announce this node's address and actual ports.
    await store.nodes.announce(config.nodeName, {
      address: advertisedAddress(config),
      sccpPort,
      sipPort: ports.sip ?? null,
    });
    // Phones can register now: jobs that were running when the node stopped resume.
    await bulkJobs.start();
    started.push({ stop: () => bulkJobs.stop() });
    logger.info({ ports, node: config.nodeName, bind: config.bind }, 'listening');

    let stopping: Promise<void> | null = null;
    const stop = () => {
      stopping ??= (async () => {
        for (const s of started.reverse()) await s.stop();
        await statusWriter.flush();
        await store.close();
        logger.info({ node: config.nodeName }, 'stopped');
      })();
      return stopping;
    };
    return {
      config,
      ports,
      store,
      registration,
      configuration,
      registry,
      live,
      provisioning,
      provisioningLog,
      statusWriter,
      limits,
      authThrottle,
      bulkJobs,
      generatedAdminPassword,
      stop,
    };
  } catch (error) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
}

async function listenHttp(http: FastifyInstance, config: Config): Promise<void> {
  try {
    await http.listen({ host: config.bind, port: config.httpPort });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(
      `cannot listen for HTTP on ${config.bind}:${config.httpPort} (${code}): choose another port with --http-port / OPENUCM_HTTP_PORT`,
      { cause: error },
    );
  }
}

function addressPort(address: ReturnType<FastifyInstance['server']['address']>): number {
  if (address && typeof address === 'object') return address.port;
  throw new Error('HTTP server has no port');
}
