import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { ConflictError, NotFoundError, ValidationError } from '../services/configuration-service.js';
import type { ConfigurationService } from '../services/configuration-service.js';
import type { StatusWriter } from '../services/status-writer.js';
import type { ApiErrorBody } from './api-errors.js';
import { API_ERRORS, ApiError } from './api-errors.js';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { Administration } from '../services/administration.js';
import { AuthenticationError } from '../services/authentication.js';
import type { ActiveCalls } from '../services/calls/active-calls.js';
import type { CallDiagnosisService } from '../services/calls/call-diagnosis-service.js';
import type { CallService } from '../services/calls/call-service.js';
import type { LiveEvents } from '../services/live-events.js';
import type { LimitLog } from '../services/limit-log.js';
import { installAudit } from './audit-hook.js';
import { Authenticator, SESSION_COOKIE } from './auth.js';
import { guard } from './guard.js';
import { installMetrics } from './metrics.js';
import type { ClusterView } from '../services/cluster/cluster-view.js';
import type { SccpFailoverGauges } from './metrics.js';
import { auditLogRoutes } from './routes/audit-log.js';
import { activeCallRoutes } from './routes/active-calls.js';
import { callDiagnosisRoutes } from './routes/call-diagnosis.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { liveStreamRoutes } from './routes/live-stream.js';
import { loginRoutes, sessionRoutes } from './routes/session.js';
import { userRoutes } from './routes/users.js';
import { installWebUi } from './web-ui.js';
import { operationRoutes } from './routes/operations.js';
import type { Readiness } from '../services/readiness.js';
import type { SipWebSocketAcceptor } from '../protocols/sip/transport/websocket-route.js';
import {
  installWebSocketUpgrades,
  registerSipWebSocketRoute,
  SIP_WEBSOCKET_PATH,
} from '../protocols/sip/transport/websocket-route.js';
import type { Limits } from '../limits/index.js';
import { ConnectionCounter } from './connection-counter.js';
import { EventStreams } from './event-streams.js';
import { directoryNumberRoutes } from './routes/directory-numbers.js';
import { enterpriseParameterRoutes } from './routes/enterprise-parameters.js';
import { nodeRoutes } from './routes/nodes.js';
import { pendingPhoneRoutes } from './routes/pending-phones.js';
import { phoneRoutes } from './routes/phones.js';
import { registrationEventRoutes } from './routes/registration-events.js';
import { callDetailRecordRoutes } from './routes/call-detail-records.js';
import { deviceDefaultRoutes } from './routes/device-defaults.js';
import { firmwareLoadRoutes } from './routes/firmware-loads.js';
import { musicOnHoldRoutes } from './routes/music-on-hold.js';
import { diagnosisRoutes } from './routes/diagnosis.js';
import { phoneCsvRoutes } from './routes/phone-csv.js';
import { bulkJobRoutes } from './routes/bulk-jobs.js';
import { sipCredentialRoutes } from './routes/sip-credentials.js';
import type { SipCredentialService } from '../services/sip-credentials.js';
import type { BulkJobService } from '../services/bulk/bulk-job-service.js';
import type { BackupService } from '../services/backup/backup-service.js';
import { backupRoutes } from './routes/backups.js';
import type { PhoneCsv } from '../services/phone-csv.js';
import type { DiagnosisService } from '../services/diagnosis-service.js';
import type { DeviceDefaultService } from '../services/device-default-service.js';
import type { RegistrationLog } from '../services/registration-log.js';
import type { CallDetailRecords } from '../services/call-detail-records.js';
import type { DirectoryNumbers } from '../services/directory-numbers.js';
import type { DeviceStatistics } from '../services/device-statistics.js';
import type { FirmwareLoadStore } from '../services/firmware-loads.js';
import type { MusicOnHoldAdmin } from '../media/music-on-hold-admin.js';
import type { ProvisioningService } from '../services/provisioning-service.js';
import fastifyMultipart from '@fastify/multipart';
import type { CmGroupService } from '../services/cm-group-service.js';
import type { DevicePoolService } from '../services/device-pool-service.js';
import { cmGroupRoutes } from './routes/cm-groups.js';
import type { TlsIdentitySource } from '../core/tls-identity.js';
import type { CertificateAdmin } from './routes/certificates.js';
import { certificateRoutes } from './routes/certificates.js';
import { followIdentity, tlsServerOptions } from './tls-options.js';
import { devicePoolRoutes } from './routes/device-pools.js';
import { securityProfileRoutes } from './routes/security-profiles.js';
import type { SecurityProfileService } from '../services/security-profile-service.js';

/** What the administration pages and /metrics read, each through its service. */
export interface HttpReads {
  registrationLog: RegistrationLog;
  callDetailRecords: CallDetailRecords;
  directoryNumbers: DirectoryNumbers;
  deviceStatistics: DeviceStatistics;
}

export interface HttpDeps {
  /** GET /readyz: listeners up and the database answering. */
  readiness: Readiness;
  reads: HttpReads;
  deviceDefaults: DeviceDefaultService;
  /** System > Cisco Unified CM Group and System > Device Pool. */
  cmGroups: CmGroupService;
  devicePools: DevicePoolService;
  /** System > Security > Phone Security Profile (absent: no such routes). */
  securityProfiles?: SecurityProfileService;
  configuration: ConfigurationService;
  statusWriter: StatusWriter;
  provisioning: ProvisioningService;
  loads: FirmwareLoadStore;
  diagnosis: DiagnosisService;
  phoneCsv: PhoneCsv;
  nodeName: string;
  logger: Logger;
  version: string;
  /** What changed, pushed to the browser (server-sent events) and counted in /metrics. */
  live: LiveEvents;
  /** Refusals at a limit, for /metrics. */
  limits: LimitLog;
  /** Sign-in, users, audit, phone edits, dashboard. */
  administration: Administration;
  /** Bulk Administration jobs (Migrate Phones). */
  bulkJobs?: BulkJobService;
  /** Backups the node runs (System > Backup). */
  backups?: BackupService;
  /** SIP over WebSocket (RFC 7118) at /sip: the SIP server's acceptor. */
  sipWebSocket?: SipWebSocketAcceptor;
  /** Timeouts and caps of the administration HTTP server (README: Security and limits). */
  bounds: HttpBounds;
  /** Device > Phone > SIP credentials. */
  sipCredentials: SipCredentialService;
  /** The node's calls, counted in /metrics. */
  calls?: Pick<CallService, 'counters' | 'activeCalls'>;
  /** SCCP standby connections and fallback tokens, for /metrics (absent in tests of the HTTP side alone). */
  sccpFailover?: SccpFailoverGauges;
  /** Monitoring > Active Calls. */
  activeCalls?: Pick<ActiveCalls, 'list'>;
  /** Each node's liveness (nodes resource) and this node's cluster bus (/metrics): docs/cluster.md. */
  cluster?: ClusterView;
  /** Monitoring > Why did this call fail? */
  callDiagnosis?: CallDiagnosisService;
  /** Media Resources > Music On Hold Audio Source. */
  music?: { admin: MusicOnHoldAdmin; maxAudioSourceBytes: number };
  /**
   * HTTPS with the node's identity (docs/https.md): TLS 1.2 or later, HSTS, a replaced certificate
   * in use from the next connection. Absent, the app speaks plain HTTP (--http-mode serve).
   */
  tls?: TlsIdentitySource;
  /** System > Certificate Management. */
  certificates?: CertificateAdmin;
}

/** The limits of src/limits/http.ts that the administration HTTP server applies. */
export type HttpBounds = Pick<
  Limits,
  | 'httpRequestTimeoutSeconds'
  | 'httpHeadersTimeoutSeconds'
  | 'httpKeepAliveTimeoutSeconds'
  | 'httpIdleTimeoutSeconds'
  | 'httpMaxConnectionsPerAddress'
  | 'httpMaxConnections'
  | 'httpMaxEventStreamsPerUser'
  | 'httpMaxEventStreams'
  | 'httpMaxImportBytes'
>;

// How often Node looks for requests past their headers or request timeout.
const TIMEOUT_CHECK_MS = 1000;

/** Maps any error a route raises to the API's one error shape. */
function toErrorBody(error: unknown): { status: number; body: ApiErrorBody } {
  if (error instanceof ApiError)
    return { status: error.status, body: { error: error.code, field: error.field, message: error.message } };
  if (error instanceof AuthenticationError) {
    return error.kind === 'invalid-credentials'
      ? { status: 401, body: { error: 'unauthorized', message: error.message } }
      : {
          status: 429,
          body: { error: 'too-many-requests', message: error.message, retryAt: error.retryAt?.toISOString() },
        };
  }
  if (error instanceof ValidationError) {
    return {
      status: 400,
      body: { error: 'validation', field: error.problem.field, message: error.problem.message },
    };
  }
  if (error instanceof NotFoundError)
    return { status: 404, body: { error: 'not-found', message: error.message } };
  if (error instanceof ConflictError)
    return { status: 409, body: { error: 'conflict', field: error.field, message: error.message } };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0];
    const field = first.instancePath.replace(/^\//, '').replace(/\//g, '.') || '';
    const where = error.validationContext === 'querystring' ? 'query parameter' : 'field';
    const message = field ? `${where} ${field}: ${first.message}` : (first.message ?? 'invalid request');
    return { status: 400, body: { error: 'validation', field: field || undefined, message } };
  }
  const fe = error as FastifyError;
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code =
      fe.statusCode === 429 ? 'too-many-requests' : fe.statusCode === 404 ? 'not-found' : 'validation';
    return { status: fe.statusCode, body: { error: code, message: fe.message } };
  }
  return {
    status: API_ERRORS.internal,
    body: { error: 'internal', message: 'internal error; the node log has the details' },
  };
}

/** The HTTP side of a node: REST API under /api/v1 and its OpenAPI document at /api/docs. */
export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const { bounds } = deps;
  const requestTimeout = bounds.httpRequestTimeoutSeconds * 1000;
  const idleTimeoutMs = bounds.httpIdleTimeoutSeconds * 1000;
  const httpTimeouts = {
    requestTimeout,
    headersTimeout: Math.min(bounds.httpHeadersTimeoutSeconds * 1000, requestTimeout),
    connectionsCheckingInterval: TIMEOUT_CHECK_MS,
  };
  const app: FastifyInstance = Fastify({
    // HTTPS: Fastify hands these options alone to https.createServer, so they carry the timeouts too.
    ...(deps.tls ? { https: { ...tlsServerOptions(deps.tls.current()), ...httpTimeouts } } : {}),
    // pino's Logger and Fastify's base logger type differ only in generics.
    loggerInstance: deps.logger.child({ component: 'http' }) as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // A client that sends its request slowly (slowloris, slow body) is closed at these deadlines;
    // an event stream or a /sip WebSocket, once its request has arrived, is not bound by them.
    requestTimeout,
    keepAliveTimeout: bounds.httpKeepAliveTimeoutSeconds * 1000,
    // A connection with nothing sent or received for this long (a client that stopped reading).
    connectionTimeout: idleTimeoutMs,
    http: httpTimeouts,
  }) as unknown as FastifyInstance;
  if (deps.tls) followIdentity(app, deps.tls);
  // A client that reset its connection before the node accepted it leaves a socket with no peer
  // address but its request still readable: nothing can be answered, and everything that keys on
  // request.ip (rate limits, throttles) must not see an address that is undefined. Reading it here
  // also fixes it on the socket (Node keeps it), so it stays defined after the client goes.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.ip !== undefined) {
      done();
      return;
    }
    request.log.debug({ url: request.url.slice(0, 200) }, 'dropped a request whose client is gone');
    reply.hijack();
    request.raw.socket?.destroy();
  });
  // First, so that every route registered after it destroys the socket of an upgrade it refuses.
  if (deps.sipWebSocket) await installWebSocketUpgrades(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorBody(error);
    // A client that went away while its answer was streamed (a file, the UI) is the client's doing.
    const clientGone =
      request.raw.socket?.destroyed === true ||
      (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE';
    if (clientGone)
      request.log.debug({ url: request.url.slice(0, 200) }, 'the client went away during its answer');
    else if (status >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
    // The UI (session cookie or its X-Requested-With) gets a Bearer challenge: a Basic one would pop up the browser's own sign-in box.
    const fromUi =
      request.headers['x-requested-with'] === 'openucm-ui' || request.cookies?.[SESSION_COOKIE] !== undefined;
    if (status === 401)
      reply.header(
        'www-authenticate',
        fromUi ? 'Bearer realm="openucm"' : 'Basic realm="openucm", charset="UTF-8"',
      );
    // Answered before its body was read (an import over the limit, a refused upload): the rest
    // of the body would be taken for the next request on this connection.
    if (!request.raw.complete) reply.header('connection', 'close');
    if (error instanceof AuthenticationError && error.retryAt)
      reply.header('retry-after', Math.max(1, Math.ceil((error.retryAt.getTime() - Date.now()) / 1000)));
    return reply.code(status).send(body);
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'openucm REST API',
        description:
          'Administration of an openucm node: the same API the web UI uses. Authenticate with HTTP Basic, ' +
          'an API key (Authorization: Bearer followed by the key), or the UI session cookie plus its CSRF token in ' +
          'X-CSRF-Token on every change (POST /api/v1/login returns it).',
        version: deps.version,
      },
      components: {
        securitySchemes: {
          basic: { type: 'http', scheme: 'basic' },
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'an API key from User Management > API Keys',
          },
          session: { type: 'apiKey', in: 'cookie', name: 'openucm_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
        },
      },
      security: [{ basic: [] }, { apiKey: [] }, { session: [], csrf: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        'frame-ancestors': ["'none'"],
        'connect-src': ["'self'"],
        'upgrade-insecure-requests': null,
      },
    },
    // Over TLS the browser is told to come back over TLS only (RFC 6797); a node that speaks plain
    // HTTP (--http-mode serve) leaves HSTS to the TLS proxy in front of it.
    strictTransportSecurity: deps.tls ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
  // A loopback client served on the plain port (--http-plain-networks) gets no HSTS: RFC 6797 §7.2.
  if (deps.tls)
    app.addHook('onSend', async (request, reply) => {
      if (request.protocol !== 'https') reply.removeHeader('strict-transport-security');
    });
  await app.register(fastifyRateLimit, { global: false });
  await installWebUi(app);

  // Firmware images reach tens of MB (79x1 .sbn components).
  await app.register(fastifyMultipart, { limits: { fileSize: 256 * 1024 * 1024, files: 32 } });
  const admin = deps.administration;
  const authenticator = new Authenticator(admin.authentication, admin.changes);
  const streams = new EventStreams({
    perUser: bounds.httpMaxEventStreamsPerUser,
    total: bounds.httpMaxEventStreams,
    limits: deps.limits,
    changes: admin.changes,
  });
  const connections = new ConnectionCounter(
    { perAddress: bounds.httpMaxConnectionsPerAddress, total: bounds.httpMaxConnections },
    deps.limits,
  );
  // Open event streams would keep close() waiting for ever.
  app.addHook('preClose', async () => {
    streams.closeAll();
    streams.dispose();
  });
  installMetrics(app, {
    live: deps.live,
    limits: deps.limits,
    statistics: deps.reads.deviceStatistics,
    statusWriter: deps.statusWriter,
    nodeName: deps.nodeName,
    protect: guard(authenticator),
    passwordChecks: () => admin.authentication.passwordChecks,
    open: () => ({ connections: connections.count, eventStreams: streams.size }),
    calls: deps.calls,
    cluster: deps.cluster,
    sccpFailover: deps.sccpFailover,
  });
  await app.withTypeProvider<ZodTypeProvider>().register(operationRoutes(deps.readiness));
  await app.register(
    async (api) => {
      const typed = api.withTypeProvider<ZodTypeProvider>();
      typed.get(
        '/health',
        {
          schema: {
            tags: ['Node'],
            summary:
              'Health, no authentication: 200 {status: "ok"}, or 503 {status: "unhealthy", problems} while the database cannot be written',
            security: [],
          },
        },
        async (_request, reply) => {
          const health = deps.statusWriter.health();
          if (health.healthy) return { status: 'ok', node: deps.nodeName };
          return reply
            .code(503)
            .send({ status: 'unhealthy', node: deps.nodeName, problems: [health.reason] });
        },
      );
      await typed.register(loginRoutes(admin.authentication));
      await typed.register(async (secured) => {
        // Who (401), CSRF and same origin for changes (403), role (403); then every change is audited.
        secured.addHook('onRequest', guard(authenticator));
        installAudit(secured, admin.audit);
        await secured.register(sessionRoutes(admin.authentication, admin.users));
        await secured.register(userRoutes(admin.users));
        await secured.register(auditLogRoutes(admin.audit));
        await secured.register(dashboardRoutes(admin.dashboard, admin.settings));
        await secured.register(
          liveStreamRoutes({
            live: deps.live,
            audit: admin.audit,
            authentication: admin.authentication,
            nodeName: deps.nodeName,
            streams,
            idleTimeoutMs,
          }),
        );
        await secured.register(enterpriseParameterRoutes(deps.configuration));
        await secured.register(
          nodeRoutes(deps.configuration, deps.reads.directoryNumbers, deps.devicePools, deps.cluster),
        );
        await secured.register(cmGroupRoutes(deps.cmGroups));
        await secured.register(devicePoolRoutes(deps.devicePools));
        if (deps.securityProfiles) await secured.register(securityProfileRoutes(deps.securityProfiles));
        await secured.register(phoneRoutes(deps.configuration, admin.phones));
        await secured.register(pendingPhoneRoutes(admin.pendingPhones));
        await secured.register(sipCredentialRoutes(deps.sipCredentials));
        await secured.register(directoryNumberRoutes(deps.reads.directoryNumbers));
        await secured.register(registrationEventRoutes(deps.reads.registrationLog));
        await secured.register(callDetailRecordRoutes(deps.reads.callDetailRecords));
        if (deps.activeCalls) await secured.register(activeCallRoutes(deps.activeCalls));
        if (deps.callDiagnosis) await secured.register(callDiagnosisRoutes(deps.callDiagnosis));
        await secured.register(deviceDefaultRoutes(deps.deviceDefaults));
        await secured.register(firmwareLoadRoutes(deps.loads, deps.limits));
        if (deps.music)
          await secured.register(
            musicOnHoldRoutes(deps.music.admin, deps.limits, deps.music.maxAudioSourceBytes),
          );
        await secured.register(diagnosisRoutes(deps.diagnosis));
        await secured.register(phoneCsvRoutes(deps.phoneCsv, bounds.httpMaxImportBytes));
        if (deps.bulkJobs) await secured.register(bulkJobRoutes(deps.bulkJobs));
        if (deps.backups) await secured.register(backupRoutes(deps.backups));
        if (deps.certificates) await secured.register(certificateRoutes(deps.certificates));
      });
    },
    { prefix: '/api/v1' },
  );
  if (deps.sipWebSocket) registerSipWebSocketRoute(app, deps.sipWebSocket);
  connections.attach(app.server, deps.sipWebSocket ? SIP_WEBSOCKET_PATH : undefined);
  return app;
}
