import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RegistrationLog } from '../../services/registration-log.js';
import { registrationEventSchema } from '../schemas.js';

export const registrationEventRoutes =
  (log: RegistrationLog): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/registration-events', {
      schema: {
        tags: ['Registration events'],
        summary:
          'The registration log, newest first: every attempt with outcome, reason and remedy; identical refusals within a minute are one event with a count',
        querystring: z.strictObject({
          device: z.string().optional().describe('device name'),
          outcome: z.enum(['accepted', 'rejected', 'unregistered']).optional(),
          address: z.string().max(64).optional().describe('source IP address the attempts came from'),
          beforeId: z.coerce.number().int().optional().describe('page backwards: events older than this id'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ items: z.array(registrationEventSchema) }) },
      },
      handler: async (request) => {
        const { device, outcome, address, beforeId, limit } = request.query;
        return {
          items: await log.list({ deviceName: device, outcome, sourceIp: address, beforeId, limit }),
        };
      },
    });
  };
