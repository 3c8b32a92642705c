import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DirectoryNumbers } from '../../services/directory-numbers.js';
import { directoryNumberSchema, pageOf } from '../schemas.js';

export const directoryNumberRoutes =
  (numbers: DirectoryNumbers): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/directory-numbers', {
      schema: {
        tags: ['Call Routing > Directory Number'],
        summary: 'List directory numbers with the device and line that hold each',
        querystring: z.strictObject({
          dn: z.string().optional(),
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(1000).default(50),
        }),
        response: { 200: pageOf(directoryNumberSchema) },
      },
      handler: async (request) => {
        const { page, pageSize, dn } = request.query;
        const { items, total } = await numbers.list({
          dn,
          limit: pageSize,
          offset: (page - 1) * pageSize,
        });
        return { items, total, page, pageSize };
      },
    });
  };
