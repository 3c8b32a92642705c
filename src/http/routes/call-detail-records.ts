import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CAUSES } from '../../core/call/q850.js';
import type { CallDetailRecords } from '../../services/call-detail-records.js';
import type { CdrQuery } from '../../store/cdr-repository.js';
import { callDetailRecordSchema } from '../schemas.js';

const time = (name: string) =>
  z.iso.datetime({
    offset: true,
    error: `${name} must be an ISO-8601 date and time, e.g. 2026-12-01T22:00:00Z`,
  });

const filterSchema = z.strictObject({
  from: time('from').optional().describe('calls begun at or after this time'),
  to: time('to').optional().describe('calls begun before this time'),
  calling: z.string().max(64).optional().describe('calling party number, exactly'),
  called: z.string().max(64).optional().describe('called number (as dialled, or the final one), exactly'),
  device: z.string().max(64).optional().describe('device name of either party'),
  cause: z.coerce
    .number()
    .int()
    .min(0)
    .max(127)
    .optional()
    .describe('Q.850 cause of either side (16 normal clearing, 17 busy, 1 unallocated number …)'),
});

type Filter = z.infer<typeof filterSchema>;

/** Q.850 cause → its text, for the page's cause column and filter. */
const CAUSE_TEXTS = Object.fromEntries(Object.entries(CAUSES).map(([cause, facts]) => [cause, facts.text]));

const epochSeconds = (iso: string | undefined) =>
  iso === undefined ? undefined : Math.floor(Date.parse(iso) / 1000);

function query(filter: Filter): Omit<CdrQuery, 'limit' | 'beforeId'> {
  return {
    from: epochSeconds(filter.from),
    to: epochSeconds(filter.to),
    callingNumber: filter.calling,
    calledNumber: filter.called,
    deviceName: filter.device,
    cause: filter.cause,
  };
}

export const callDetailRecordRoutes =
  (records: CallDetailRecords): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['Call detail records'];
    app.get('/call-detail-records', {
      schema: {
        tags,
        summary:
          "Call Detail Records, newest first: one per finished call, with CUCM's field names (times in UTC epoch seconds)",
        querystring: filterSchema.extend({
          beforeId: z.coerce.number().int().optional().describe('page backwards: records older than this id'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: {
          200: z.object({
            items: z.array(callDetailRecordSchema),
            causes: z.record(z.string(), z.string()).describe('the text of each Q.850 cause openucm records'),
          }),
        },
      },
      handler: async (request) => {
        const { beforeId, limit, ...filter } = request.query;
        return {
          items: await records.list({ ...query(filter), beforeId, limit }),
          causes: CAUSE_TEXTS,
        };
      },
    });
    app.get('/call-detail-records.csv', {
      schema: {
        tags,
        summary:
          "Export the Call Detail Records (same filters as the list), newest first, as CSV with CUCM's field names as headers",
        querystring: filterSchema,
      },
      handler: async (request, reply) => {
        const csv = await records.csv(query(request.query));
        reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="call-detail-records.csv"');
        return reply.send(Readable.from(csv));
      },
    });
  };
