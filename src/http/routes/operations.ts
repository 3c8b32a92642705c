import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Readiness } from '../../services/readiness.js';
import { LISTENERS } from '../../services/readiness.js';

const tags = ['Operations'];
const listenerState = z.enum(['up', 'down']);
const readinessSchema = z.object({
  status: z.enum(['ready', 'not-ready']),
  node: z.string(),
  database: z.enum(['ok', 'unreachable', 'slow']),
  listeners: z.object(
    Object.fromEntries(LISTENERS.map((l) => [l, listenerState])) as Record<
      (typeof LISTENERS)[number],
      typeof listenerState
    >,
  ),
  problems: z.array(z.string()).describe('what is not ready, and what to do; empty when ready'),
});

/**
 * GET /healthz and /readyz for supervisors and load balancers: no authentication, no rate limit
 * (they are polled from one address), nothing secret in the answer. /readyz costs the database at
 * most one query per second however often it is polled (see Readiness).
 */
export const operationRoutes =
  (readiness: Readiness): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/healthz', {
      schema: {
        tags,
        summary: 'Liveness, no authentication: the process answers (200 {status: "live"})',
        security: [],
        response: { 200: z.object({ status: z.literal('live') }) },
      },
      handler: async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        return { status: 'live' as const };
      },
    });
    app.get('/readyz', {
      schema: {
        tags,
        summary:
          'Readiness, no authentication: 200 when the database answers a query within 2 s and the SCCP, SIP, TFTP and HTTP listeners are up; 503 with the reasons otherwise (also while the node stops)',
        security: [],
        response: { 200: readinessSchema, 503: readinessSchema },
      },
      handler: async (_request, reply) => {
        const { ready, ...report } = await readiness.check();
        reply.header('cache-control', 'no-store');
        return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', ...report });
      },
    });
  };
