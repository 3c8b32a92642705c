import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConfigurationService } from '../../services/configuration-service.js';
import { deviceNameParamSchema, errorSchema, pageOf, phoneQuerySchema, phoneSchema } from '../schemas.js';

export const phoneRoutes =
  (config: ConfigurationService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['Device > Phone'];
    app.get('/phones', {
      schema: {
        tags,
        summary:
          'Find phones (filters: name, description, dn, ipAddress contain the text; protocol, model, status, node match)',
        querystring: phoneQuerySchema,
        response: { 200: pageOf(phoneSchema), 400: errorSchema },
      },
      handler: async (request) => {
        const { items, total } = await config.searchPhones(request.query);
        return { items, total, page: request.query.page, pageSize: request.query.pageSize };
      },
    });
    app.get('/phones/:name', {
      schema: {
        tags,
        summary: 'Read one phone with its lines and registration status',
        params: deviceNameParamSchema,
        response: { 200: phoneSchema, 404: errorSchema },
      },
      handler: (request) => config.getPhone(request.params.name),
    });
    app.delete('/phones/:name', {
      schema: {
        tags,
        summary: 'Delete a phone (a registered phone is disconnected); its DNs become free',
        params: deviceNameParamSchema,
        response: { 204: z.null(), 404: errorSchema },
      },
      handler: async (request, reply) => {
        await config.deletePhone(request.params.name);
        return reply.code(204).send(null);
      },
    });
    app.post('/phones/:name/reset', {
      schema: {
        tags,
        summary: 'Reset (reboot) or Restart (re-register) a registered phone',
        params: deviceNameParamSchema,
        body: z
          .strictObject({ type: z.enum(['reset', 'restart']).default('reset') })
          .default({ type: 'reset' }),
        response: { 202: z.object({ message: z.string() }), 404: errorSchema, 409: errorSchema },
      },
      handler: async (request, reply) => {
        await config.resetPhone(request.params.name, request.body.type);
        return reply.code(202).send({ message: `${request.body.type} sent to ${request.params.name}` });
      },
    });
  };
