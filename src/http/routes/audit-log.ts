import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditTrail } from '../../services/audit-trail.js';
import { auditEntrySchema } from '../admin-schemas.js';

export const auditLogRoutes =
  (audit: Pick<AuditTrail, 'list'>): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/audit-log', {
      schema: {
        tags: ['Monitoring'],
        summary: 'The audit log, newest first: who changed what, when, old and new values, through UI or API',
        querystring: z.strictObject({
          user: z.string().optional(),
          target: z.string().optional().describe('phone, node, enterprise-parameters, user, api-key, …'),
          targetName: z.string().optional(),
          beforeId: z.coerce.number().int().optional().describe('page backwards: entries older than this id'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ items: z.array(auditEntrySchema) }) },
      },
      handler: async (request) => ({ items: await audit.list(request.query) }),
    });
  };
