import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { DEFAULT_AUTO_REGISTRATION } from './core/node.js';
import { composeCalls } from './compose-calls.js';
import type { MediaEncryptionPolicy } from './services/calls/call-ports.js';
import { composeHttpReads } from './compose-reads.js';
import { CmGroupService } from './services/cm-group-service.js';
import { DevicePoolService } from './services/device-pool-service.js';
import { DeviceDefaultService } from './services/device-default-service.js';
import { Readiness } from './services/readiness.js';
import { pingDatabase } from './store/ping.js';
import { SccpCallAdapter } from './protocols/sccp/call-adapter.js';
import type { NodeCalls } from './compose-calls.js';
import { buildHttpApp } from './http/app.js';
import { advertisedAddress } from './network.js';
import { ProvisioningHttpServer } from './protocols/provisioning-http/server.js';
import { planSccpCapacity } from './protocols/sccp/capacity-plan.js';
import { SccpCluster } from './protocols/sccp/cluster/sccp-cluster.js';
import { SccpServer } from './protocols/sccp/server.js';
import { NodeFallbackTokens } from './protocols/sccp/fallback-pacer.js';
import type { SccpFailoverGauges } from './http/metrics.js';
import { openFileLimit } from './runtime/open-file-limit.js';
import { SipServer } from './protocols/sip/sip-server.js';
import { TftpServer } from './protocols/tftp/server.js';
import { ensureAdministrator } from './services/administrator.js';
import type { Clock } from './services/clock.js';
import { systemClock } from './services/clock.js';
import { ConfigurationService } from './services/configuration-service.js';
import { BulkJobService } from './services/bulk/bulk-job-service.js';
import { BackupService } from './services/backup/backup-service.js';
import { createAdministration } from './services/administration.js';
import { DiagnosisService } from './services/diagnosis-service.js';
import { CallDiagnosisService } from './services/calls/call-diagnosis-service.js';
import { PhoneCsv } from './services/phone-csv.js';
import { DnAllocator } from './services/dn-allocator.js';
import { FirmwareLoadStore } from './services/firmware-loads.js';
import { ProvisioningLog } from './services/provisioning-log.js';
import { ProvisioningService } from './services/provisioning-service.js';
import { LiveEvents } from './services/live-events.js';
import { LimitLog } from './services/limit-log.js';
import { AuthThrottle } from './services/auth-throttle.js';
import { LiveRegistry } from './services/live-registry.js';
import { NodeHeartbeat } from './services/node-heartbeat.js';
import { composeCluster } from './services/cluster/compose-cluster.js';
import { composeTrunk } from './services/cluster/compose-trunk.js';
import { trunkKey } from './services/cluster/trunk-auth.js';
import type { NodeCluster } from './services/cluster/compose-cluster.js';
import { applicationNameOf } from './store/cluster-objects.js';
import { BatchedLookup } from './services/batched-lookup.js';
import { RefusalLog } from './services/refusal-log.js';
import { RetentionJob } from './services/retention-job.js';
import { RegistrationService } from './services/registration-service.js';
import { AutoRegistrationGuardService } from './services/auto-registration-guard.js';
import { StatusWriter } from './services/status-writer.js';
import { SecretBox } from './services/secret-box.js';
import { loadSecretKey, SECRET_KEY_FILE_NAME } from './services/secret-key-file.js';
import { SipCredentialService } from './services/sip-credentials.js';
import { openDatabase } from './store/database.js';
import { Store } from './store/store.js';
import { VERSION } from './version.js';
import { certificateNames } from './certificate-names.js';
import { CertificateService, IDENTITY_FILE_NAME } from './services/certificates/certificate-service.js';
import { listenAdministration } from './http/listen-administration.js';
import type { TlsIdentitySource } from './core/tls-identity.js';
import { SecurityProfileService } from './services/security-profile-service.js';
import { SecurityProfileEnforcer } from './services/security-profile-enforcer.js';
import { MediaEncryptionCache } from './services/media-encryption-cache.js';

/** The ports a node actually listens on (port 0 in the config picks one). */
export interface NodePorts {
  /** Plain HTTP: redirects to HTTPS, or serves everything (--http-mode serve); 0 with --http-mode off. */
  http: number;
  /** HTTPS administration (absent with --http-mode serve). */
  https?: number;
  sccp: number;
  sip?: number;
  /** SIP over TLS, when the node has a TLS identity. */
  sipTls?: number;
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
  /** Backups the node runs: schedule, back up now, last outcome (System > Backup). */
  backups: BackupService;
  /** The call service and the registered lines and dial plan it routes by. */
  calls: NodeCalls;
  /** The administrator password generated on first start (null if it existed or came from the environment). */
  generatedAdminPassword: string | null;
  /** What the node hears of its cluster (PostgreSQL LISTEN/NOTIFY; nothing alone on SQLite). */
  cluster: NodeCluster;
  /** The node's TLS identity (TlsIdentitySource): HTTPS now, SIP over TLS and WSS read it too. */
  certificates: CertificateService;
  /** Phone Security Profiles: mediaEncryptionOf(device) for SRTP, the TLS rule for registration. */
  securityProfiles: SecurityProfileService;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger: Logger;
  clock?: Clock;
  /** OPENUCM_ADMIN_PASSWORD: the first password of CCMAdministrator. */
  adminPassword?: string;
  /**
   * The database can no longer be written (a SQLite writer thread that cannot be restarted). By
   * default the process ends with exit code 1, for its supervisor to start it again: a node that
   * can store nothing must not go on telling every phone to retry.
   */
  onFatal?: (error: Error) => void;
  /**
   * Each device's media encryption policy (SRTP keys end to end, docs/srtp.md); 'off' for every
   * device when absent. Phone Security Profiles provide it once they exist; tests give their own.
   */
  mediaEncryption?: MediaEncryptionPolicy;
  /** The node's certificate and key (the certificate service): SIP over TLS listens on --sip-tls-port with it. */
  tlsIdentity?: TlsIdentitySource;
}

/** Composes and starts every service of one node; the only place that wires them together. */
export async function startNode(config: Config, options: StartOptions): Promise<RunningNode> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const database = openDatabase({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    postgres: {
      connectTimeoutSeconds: config.databaseConnectTimeoutSeconds,
      statementTimeoutSeconds: config.databaseStatementTimeoutSeconds,
      idleTimeoutSeconds: config.databaseIdleTimeoutSeconds,
      keepaliveSeconds: config.databaseKeepaliveSeconds,
      applicationName: applicationNameOf(config.nodeName),
    },
    onBackgroundError: (error) => logger.warn({ err: error }, error.message),
    onFatal: (error) => {
      logger.fatal({ err: error }, error.message);
      if (options.onFatal) return options.onFatal(error);
      logger.flush();
      process.exit(1);
    },
  });
  const started: { stop(): Promise<void> }[] = [];
  try {
    const store = await Store.open(database);
    logger.info({ database: database.flavor, location: database.location }, 'database ready');
    await store.nodes.ensure(config.nodeName, DEFAULT_AUTO_REGISTRATION, clock());
    // From here on the store is in use: `openucm restore` refuses to overwrite it without --force.
    // On PostgreSQL the cluster bus beats (database clock) and hears the other nodes (docs/cluster.md).
    const cluster: NodeCluster = await composeCluster({
      config,
      store,
      logger: logger.child({ component: 'cluster' }),
    });
    started.push({ stop: () => cluster.stop() });
    if (database.flavor === 'sqlite') {
      const heartbeat = new NodeHeartbeat({
        store,
        nodeName: config.nodeName,
        clock,
        logger: logger.child({ component: 'heartbeat' }),
      });
      await heartbeat.start();
      started.push({ stop: () => heartbeat.stop() });
    }
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
    // The node's certificate: made at first start, kept beside the data (docs/https.md).
    const certificates = await CertificateService.open({
      file: path.join(config.dataDir, IDENTITY_FILE_NAME),
      nodeName: config.nodeName,
      names: certificateNames(config),
      clock,
      logger: logger.child({ component: 'certificates' }),
    });
    const live = new LiveEvents();
    const limits = new LimitLog(logger.child({ component: 'limits' }), () => clock().getTime());
    // One count of failed authentications per source address, whichever door (HTTP or SIP digest).
    const authThrottle = new AuthThrottle({
      clock,
      limits,
      failuresPerAddress: config.authFailuresPerAddress,
    });
    const registry = new LiveRegistry();
    const statusWriter = new StatusWriter(
      store,
      logger.child({ component: 'status-writer' }),
      undefined,
      undefined,
      {
        maxQueuedEvents: config.databaseMaxQueuedEvents,
        limits,
        // Each batch names its devices to the other nodes (openucm_status).
        ...(database.flavor === 'postgres' ? { clusterNode: config.nodeName } : {}),
      },
    );
    cluster.propagate({ live, registry, statusWriter, clock });
    // Every refused registration, whichever adapter refused it: folded, names checked (README: Registration).
    const refusals = new RefusalLog({
      statusWriter,
      live,
      logger: logger.child({ component: 'registration' }),
      limits,
      clock,
      nodeName: config.nodeName,
      maxNameLength: config.registrationMaxNameLength,
      maxNamesPerAddress: config.registrationMaxRefusedNamesPerAddress,
      maxEventsPerMinute: config.registrationMaxRefusalEventsPerMinute,
    });
    refusals.start();
    started.push({ stop: async () => refusals.stop() });
    const securityProfiles = new SecurityProfileService({
      store,
      live,
      logger: logger.child({ component: 'security-profiles' }),
    });
    // Each phone's SRTP policy, from its Phone Security Profile (docs/srtp.md); tests may give their own.
    const mediaEncryption =
      options.mediaEncryption ??
      new MediaEncryptionCache({
        source: securityProfiles,
        live,
        logger: logger.child({ component: 'calls' }),
      });
    if (mediaEncryption instanceof MediaEncryptionCache)
      started.push({ stop: async () => mediaEncryption.stop() });
    const calls = await composeCalls({
      config,
      store,
      // The node's number in the cluster: its CDRs' globalCallID_callManagerId.
      callManagerId: await store.nodes.numberOf(config.nodeName),
      statusWriter,
      live,
      clock,
      limits,
      logger: logger.child({ component: 'calls' }),
      encryption: mediaEncryption,
    });
    started.push({ stop: () => calls.stop() });
    // Calls between nodes (docs/cluster-calls.md): only a cluster, on PostgreSQL, has other nodes.
    const trunk =
      database.flavor === 'postgres'
        ? await composeTrunk({
            bus: cluster.bus,
            store,
            locator: calls.locator,
            nodeName: config.nodeName,
            logger: logger.child({ component: 'trunk' }),
          })
        : null;
    if (trunk) started.push({ stop: async () => trunk.stop() });
    const allocator = new DnAllocator(clock);
    const guard = new AutoRegistrationGuardService({
      store,
      nodeName: config.nodeName,
      clock,
      live,
      logger: logger.child({ component: 'registration' }),
      limits,
      maxPendingPhones: config.autoRegistrationMaxPendingPhones,
    });
    const enforcer = new SecurityProfileEnforcer({
      live,
      registry,
      profiles: securityProfiles,
      logger: logger.child({ component: 'security-profiles' }),
    });
    started.push({ stop: async () => enforcer.stop() });
    const registration = new RegistrationService({
      securityProfiles,
      store,
      nodeName: config.nodeName,
      clock,
      allocator,
      registry,
      statusWriter,
      live,
      logger: logger.child({ component: 'registration' }),
      limits,
      maxPending: config.registrationMaxPending,
      refusals,
      guard,
      lines: calls.feed,
    });
    const configuration = new ConfigurationService({
      store,
      clock,
      allocator,
      registry,
      statusWriter,
      live,
      logger: logger.child({ component: 'configuration' }),
      nodeName: config.nodeName,
      // A node alone (SQLite) has no other node to pass a command to.
      ...(database.flavor === 'postgres' ? { remote: cluster.commands } : {}),
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

    const loads = new FirmwareLoadStore(path.join(config.dataDir, 'loads'), config.firmwareMaxFileBytes);
    const provisioningLog = new ProvisioningLog();
    const provisioning = new ProvisioningService({
      store,
      nodeName: config.nodeName,
      loads,
      log: provisioningLog,
      clock,
      logger: logger.child({ component: 'provisioning' }),
      live,
      cacheSeconds: config.provisioningCacheSeconds,
      credentials: sipCredentials,
      interDigitSeconds: Math.round(config.callT302Milliseconds / 1000),
      pickupCodes: { own: config.callPickupCode, group: config.groupCallPickupCode },
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
      leaseMs: config.bulkJobLeaseSeconds * 1000,
    });
    const backups = new BackupService({
      store,
      storage: { dataDir: config.dataDir, databaseUrl: config.databaseUrl },
      nodeName: config.nodeName,
      version: VERSION,
      clock,
      logger: logger.child({ component: 'backup' }),
    });
    const administration = createAdministration({
      store,
      clock,
      allocator,
      statusWriter,
      live,
      configuration,
      logger: logger.child({ component: 'administration' }),
      throttle: authThrottle,
      limits,
      policy: {
        failuresPerUserAndAddress: config.authFailuresPerUserAndAddress,
        lockMinutes: config.authLockMinutes,
        maxPasswordChecksPerAddress: config.authMaxPasswordChecksPerAddress,
        maxPasswordChecks: config.authMaxPasswordChecks,
        maxSessionsPerUser: config.authMaxSessionsPerUser,
      },
      maxApiKeysPerUser: config.authMaxApiKeysPerUser,
      activeCalls: () => calls.service.activeCalls,
    });
    // Registration events and audit entries past their retention go, every hour and after a change.
    const retention = new RetentionJob({
      store,
      settings: administration.settings,
      clock,
      logger: logger.child({ component: 'retention' }),
    });
    retention.start();
    started.push({ stop: () => retention.stop() });
    administration.settings.onChange(() => retention.runSoon());
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
      recorder: refusals,
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
      calls: calls.service,
      tls: { port: config.sipTlsPort, identity: options.tlsIdentity ?? certificates },
      ...(trunk
        ? {
            trunk: {
              nodeName: config.nodeName,
              key: trunkKey(secretKey.key),
              peers: trunk.peers,
              records: calls.trunkRecords,
              maxCalls: config.trunkMaxCalls,
              host: advertisedAddress(config),
              calls: calls.service,
              now: () => clock().getTime(),
            },
          }
        : {}),
    });
    // /readyz: each listener counts once it is up; the database once it answers within 2 s.
    const readiness = new Readiness({
      nodeName: config.nodeName,
      probe: () => pingDatabase(store.database),
      probeTimeoutMs: 2000,
      reuseMs: 1000,
      now: () => performance.now(),
      logger,
    });
    // SCCP failover for /metrics: the SCCP side starts after HTTP and fills these in.
    const fallbackTokens = new NodeFallbackTokens(config.fallbackPace, () => clock().getTime(), limits);
    const sccpFailover: SccpFailoverGauges = {
      standby: () => 0,
      tokens: () => ({ granted: fallbackTokens.pacer.granted, refused: fallbackTokens.pacer.refused }),
    };
    const http: FastifyInstance = await buildHttpApp({
      sccpFailover,
      readiness,
      sipWebSocket: sip.webSocket,
      cluster,
      sipCredentials,
      bulkJobs,
      backups,
      reads: composeHttpReads({ store, statusWriter, configuration }),
      deviceDefaults: new DeviceDefaultService(store, loads, logger, live),
      cmGroups: new CmGroupService({ store, live, logger }),
      devicePools: new DevicePoolService({ store, live, logger }),
      securityProfiles,
      configuration,
      statusWriter,
      provisioning,
      loads,
      diagnosis: new DiagnosisService(store, provisioningLog, loads, statusWriter),
      phoneCsv: new PhoneCsv(store, allocator, clock, logger.child({ component: 'csv' }), sipCredentials),
      nodeName: config.nodeName,
      logger,
      version: VERSION,
      ...(config.httpMode === 'serve' ? {} : { tls: certificates }),
      certificates: { service: certificates, httpMode: config.httpMode, nodeName: config.nodeName },
      live,
      limits,
      bounds: config,
      administration,
      calls: calls.service,
      activeCalls: calls.active,
      music: { admin: calls.musicAdmin, maxAudioSourceBytes: config.mohMaxAudioSourceBytes },
      callDiagnosis: new CallDiagnosisService({
        store,
        statusWriter,
        active: calls.active,
        attached: (name) => calls.service.device(name),
        settings: config,
        nodeName: config.nodeName,
      }),
    });
    const adminListeners = await listenAdministration(http, config, logger, limits);
    started.push({ stop: () => adminListeners.stop() });
    readiness.listening('http');

    // --sccp-workers N: N processes own the Skinny sockets; this one decides their registrations.
    const sccpCapacity = planSccpCapacity({
      openFileLimit: openFileLimit(),
      cores: os.availableParallelism(),
      maxConnections: config.sccpMaxConnections,
      workers: config.sccpWorkers,
      reservedInNodeProcess: filesOfOtherListeners(config),
    });
    logger.info(
      {
        sccpWorkers: sccpCapacity.workers,
        phonesPerProcess: sccpCapacity.perProcess,
        phones: sccpCapacity.nodeCapacity,
      },
      sccpCapacity.summary,
    );
    for (const warning of sccpCapacity.warnings) logger.warn(warning);
    const sccpLimits = {
      registerTimeoutSeconds: config.sccpRegisterTimeoutSeconds,
      maxConnectionsPerAddress: config.sccpMaxConnectionsPerAddress,
      maxPendingFrames: config.sccpMaxPendingFrames,
      maxQueuedBytes: config.sccpMaxQueuedBytes,
      maxStandbyConnections: config.sccpMaxStandbyConnections,
      maxStandbyConnectionsPerAddress: config.sccpMaxStandbyConnectionsPerAddress,
    };
    // SCCP phones place and receive calls through this adapter, whichever process holds their socket.
    const sccpCalls = new SccpCallAdapter(calls.service, {
      settings: calls.forwards,
      features: (dn) => calls.dnFeatures.featuresOf(dn),
      logger,
    });
    const sccp =
      sccpCapacity.workers > 0
        ? new SccpCluster({
            host: config.bind,
            port: config.sccpPort,
            keepaliveSeconds: config.keepaliveSeconds,
            registration,
            calls: sccpCalls,
            logger,
            logLevel: config.logLevel,
            limits: sccpLimits,
            capacity: sccpCapacity,
            reporter: limits,
            tokens: fallbackTokens,
          })
        : new SccpServer({
            host: config.bind,
            port: config.sccpPort,
            keepaliveSeconds: config.keepaliveSeconds,
            registration,
            calls: sccpCalls,
            logger: logger.child({ component: 'sccp' }),
            clock,
            limits: sccpLimits,
            reporter: limits,
            tokens: fallbackTokens,
            capacity: {
              phones: sccpCapacity.perProcess,
              holder: 'this node',
              limitedBy: sccpCapacity.limitedBy,
            },
          });
    sccpFailover.standby = () => (sccp instanceof SccpCluster ? sccp.standbyCount : sccp.standby.count);
    const sccpPort = await sccp.start();
    started.push({ stop: () => sccp.stop() });
    readiness.listening('sccp');
    const sipPort = await sip.start();
    started.push({ stop: () => sip.stop() });
    readiness.listening('sip');

    const tftp = new TftpServer({
      host: config.bind,
      port: config.tftpPort,
      files: provisioning,
      logger: logger.child({ component: 'tftp' }),
      maxTransfers: config.tftpMaxTransfers,
      maxTransfersPerAddress: config.tftpMaxTransfersPerAddress,
      maxTimeoutSeconds: config.tftpMaxTimeoutSeconds,
      firstPacketRetransmissions: config.tftpFirstPacketRetransmissions,
      errorRepliesPerSecond: config.tftpErrorRepliesPerAddress,
      limits,
    });
    const tftpPort = (await tftp.start()).port;
    started.push({ stop: () => tftp.stop() });
    readiness.listening('tftp');
    const provisioningHttp = new ProvisioningHttpServer({
      host: config.bind,
      port: config.provisioningHttpPort,
      render: (name, address) => provisioning.fetch(name, address, 'http'),
      // Only the loads: the generated files were asked for (and the fetch recorded) just before.
      files: { open: (name, peer) => provisioning.openFirmware(name, peer) },
      logger: logger.child({ component: 'provisioning-http' }),
      requestTimeoutSeconds: config.provisioningHttpRequestTimeoutSeconds,
      idleTimeoutSeconds: config.provisioningHttpIdleTimeoutSeconds,
      maxConnections: config.provisioningHttpMaxConnections,
      maxConnectionsPerAddress: config.provisioningHttpMaxConnectionsPerAddress,
      maxQueuedRequests: config.provisioningHttpMaxQueuedRequests,
      limits,
    });
    const provisioningHttpPort = await provisioningHttp.start();
    started.push({ stop: () => provisioningHttp.stop() });

    const ports: NodePorts = {
      http: adminListeners.http ?? 0,
      ...(adminListeners.https !== undefined ? { https: adminListeners.https } : {}),
      sccp: sccpPort,
      sip: sipPort,
      ...(sip.tlsPort !== null ? { sipTls: sip.tlsPort } : {}),
      tftp: tftpPort,
      provisioningHttp: provisioningHttpPort,
    };
    // Config files list every node where it listens: announce this node's address and actual ports.
    await store.nodes.announce(config.nodeName, {
      address: advertisedAddress(config),
      sccpPort,
      sipPort: ports.sip ?? null,
      sipTlsPort: ports.sipTls ?? null,
    });
    // What a file rendered before the announcement said about this node is out of date.
    live.emit('configuration-changed', { what: 'node', name: config.nodeName });
    // Phones can register now: jobs that were running when the node stopped resume.
    await bulkJobs.start();
    started.push({ stop: () => bulkJobs.stop() });
    backups.start();
    started.push({ stop: () => backups.stop() });
    // Scripts find the ports in this line (DESIGN: contracts): written whatever --log-level says.
    logger.child({}, { level: 'info' }).info(
      {
        // --http-mode off: no plain port to name.
        ports: config.httpMode === 'off' ? { ...ports, http: undefined } : ports,
        node: config.nodeName,
        bind: config.bind,
        ...(ports.https !== undefined ? { fingerprintSha256: certificates.status().fingerprintSha256 } : {}),
      },
      'listening',
    );

    let stopping: Promise<void> | null = null;
    const stop = () => {
      stopping ??= (async () => {
        readiness.stop();
        for (const s of started.reverse()) await s.stop();
        await statusWriter.close();
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
      backups,
      calls,
      generatedAdminPassword,
      cluster,
      certificates,
      securityProfiles,
      stop,
    };
  } catch (error) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Files the node's own process keeps for everything but SCCP, at their limits: SIP TCP and
 * WebSocket connections, TFTP transfers (a socket and a file each), event streams, and 1,000 for
 * HTTP requests, provisioning, the database and logs. SCCP in this process gets what is left.
 */
function filesOfOtherListeners(config: Config): number {
  // Each listener at its cap: a socket per connection; a TFTP transfer and a provisioning HTTP
  // download also hold the file they send. Their sum must fit beside the phones (README: Security
  // and limits), so that no listener's flood can starve another of file descriptors.
  return (
    config.sipMaxTcpConnections +
    config.sipMaxWebSocketConnections +
    2 * config.tftpMaxTransfers +
    // --http-mode redirect: the plain port's connections are capped apart from the HTTPS port's.
    (config.httpMode === 'redirect' ? 2 : 1) * config.httpMaxConnections +
    2 * config.provisioningHttpMaxConnections +
    1000
  );
}
