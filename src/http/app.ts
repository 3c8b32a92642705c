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
import type { Store } from '../store/store.js';
import type { ApiErrorBody } from './api-errors.js';
import { API_ERRORS, ApiError } from './api-errors.js';
import { BasicAuthenticator } from './auth.js';
import { directoryNumberRoutes } from './routes/directory-numbers.js';
import { enterpriseParameterRoutes } from './routes/enterprise-parameters.js';
import { nodeRoutes } from './routes/nodes.js';
import { phoneRoutes } from './routes/phones.js';
import { registrationEventRoutes } from './routes/registration-events.js';
import { deviceDefaultRoutes } from './routes/device-defaults.js';
import { firmwareLoadRoutes } from './routes/firmware-loads.js';
import { DeviceDefaultService } from '../services/device-default-service.js';
import type { FirmwareLoadStore } from '../services/firmware-loads.js';
import type { ProvisioningService } from '../services/provisioning-service.js';
import fastifyMultipart from '@fastify/multipart';

export interface HttpDeps {
  store: Store;
  configuration: ConfigurationService;
  statusWriter: StatusWriter;
  provisioning: ProvisioningService;
  loads: FirmwareLoadStore;
  nodeName: string;
  logger: Logger;
  version: string;
}

/** Maps any error a route raises to the API's one error shape. */
function toErrorBody(error: unknown): { status: number; body: ApiErrorBody } {
  if (error instanceof ApiError)
    return { status: error.status, body: { error: error.code, field: error.field, message: error.message } };
  if (error instanceof ValidationError) {
    return {
      status: 400,
      body: { error: 'validation', field: error.problem.field, message: error.problem.message },
    };
  }
  if (error instanceof NotFoundError)
    return { status: 404, body: { error: 'not-found', message: error.message } };
  if (error instanceof ConflictError)
    return { status: 409, body: { error: 'conflict', message: error.message } };
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
  const app: FastifyInstance = Fastify({
    // pino's Logger and Fastify's base logger type differ only in generics.
    loggerInstance: deps.logger.child({ component: 'http' }) as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorBody(error);
    if (status >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
    if (status === 401) reply.header('www-authenticate', 'Basic realm="openucm", charset="UTF-8"');
    return reply.code(status).send(body);
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'openucm REST API',
        description: 'Administration of an openucm node: the same API the web UI uses. HTTP Basic auth.',
        version: deps.version,
      },
      components: { securitySchemes: { basic: { type: 'http', scheme: 'basic' } } },
      security: [{ basic: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  // Firmware images reach tens of MB (79x1 .sbn components).
  await app.register(fastifyMultipart, { limits: { fileSize: 256 * 1024 * 1024, files: 32 } });
  const authenticator = new BasicAuthenticator(deps.store.users);
  await app.register(
    async (api) => {
      const typed = api.withTypeProvider<ZodTypeProvider>();
      typed.get(
        '/health',
        { schema: { tags: ['Node'], summary: 'Liveness, no authentication' } },
        async () => ({
          status: 'ok',
          node: deps.nodeName,
        }),
      );
      await typed.register(async (secured) => {
        secured.addHook('onRequest', async (request) => {
          request.principal = await authenticator.authenticate(request);
          if (request.method !== 'GET' && request.method !== 'HEAD' && request.principal.role !== 'admin') {
            throw new ApiError(
              'forbidden',
              `user ${request.principal.name} is read-only and cannot change anything`,
            );
          }
        });
        await secured.register(enterpriseParameterRoutes(deps.configuration));
        await secured.register(nodeRoutes(deps.configuration));
        await secured.register(phoneRoutes(deps.configuration));
        await secured.register(directoryNumberRoutes(deps.store));
        await secured.register(registrationEventRoutes(deps.store, deps.statusWriter));
        await secured.register(deviceDefaultRoutes(new DeviceDefaultService(deps.store, deps.loads, deps.logger)));
        await secured.register(firmwareLoadRoutes(deps.loads));
      });
    },
    { prefix: '/api/v1' },
  );
  return app;
}
