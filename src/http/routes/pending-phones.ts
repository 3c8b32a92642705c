import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PendingPhoneService } from '../../services/pending-phones.js';
import type { PendingPhone } from '../../store/pending-phone-repository.js';
import {
  deviceNameParamSchema,
  errorSchema,
  pageOf,
  pendingPhoneSchema,
  pendingPhoneStateSchema,
  positiveInt,
} from '../schemas.js';

/** The audited fields of a queued phone (its attempts change on their own). */
const audited = (p: PendingPhone) => ({
  state: p.state,
  model: p.model,
  protocol: p.protocol,
  sourceIp: p.sourceIp,
});

export const pendingPhoneRoutes =
  (pending: PendingPhoneService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['Device > Pending Phones'];
    app.get('/pending-phones', {
      schema: {
        tags,
        summary:
          'Unknown phones an auto-registration guard holds for approval (and those accepted or refused), oldest first',
        querystring: z.strictObject({
          state: pendingPhoneStateSchema.optional(),
          name: z.string().max(64).optional().describe('device name contains'),
          node: z.string().max(64).optional(),
          sourceIp: z.string().max(64).optional().describe('source IP address contains'),
          page: positiveInt(1_000_000, 1),
          pageSize: positiveInt(1000, 50),
        }),
        response: { 200: pageOf(pendingPhoneSchema) },
      },
      handler: async (request) => {
        const q = request.query;
        return { ...(await pending.list(q)), page: q.page, pageSize: q.pageSize };
      },
    });
    app.get('/pending-phones/:name', {
      schema: {
        tags,
        summary: 'One queued phone',
        params: deviceNameParamSchema,
        response: { 200: pendingPhoneSchema, 404: errorSchema },
      },
      handler: (request) => pending.get(request.params.name),
    });
    for (const [verb, state] of [
      ['accept', 'accepted'],
      ['refuse', 'refused'],
    ] as const) {
      app.post(`/pending-phones/:name/${verb}`, {
        schema: {
          tags,
          summary:
            verb === 'accept'
              ? 'Accept a waiting (or refused) phone: it auto-registers at its next attempt with the next free DN of the range, and leaves the queue'
              : 'Refuse a phone: its attempts are refused until it is deleted from the queue',
          params: deviceNameParamSchema,
          body: z.strictObject({}).optional(),
          response: { 200: pendingPhoneSchema, 404: errorSchema },
        },
        handler: async (request) => {
          const { before, after } = await pending.decide(
            request.params.name,
            state,
            request.principal?.name ?? 'unknown',
          );
          await request.audit({
            action: verb,
            target: 'pending-phone',
            targetName: after.deviceName,
            before: audited(before),
            after: audited(after),
          });
          return after;
        },
      });
    }
    app.delete('/pending-phones/:name', {
      schema: {
        tags,
        summary:
          'Remove a phone from the queue: a refused one is forgotten and waits for approval again at its next attempt',
        params: deviceNameParamSchema,
        response: { 204: z.null(), 404: errorSchema },
      },
      handler: async (request, reply) => {
        const before = await pending.remove(request.params.name, request.principal?.name ?? 'unknown');
        await request.audit({
          action: 'delete',
          target: 'pending-phone',
          targetName: before.deviceName,
          before: audited(before),
          after: null,
        });
        return reply.code(204).send(null);
      },
    });
  };
