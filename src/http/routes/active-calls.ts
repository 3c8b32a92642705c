import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ActiveCall, ActiveCalls } from '../../services/calls/active-calls.js';

const time = z.string().describe('ISO-8601, UTC');
const legStates = [
  'dialling',
  'proceeding',
  'alerting',
  'ringing',
  'connected',
  'on-hold',
  'in-use-remotely',
  'failed',
  'released',
] as const;

export const activeCallSchema = z
  .object({
    node: z.string().describe('the node that holds the call'),
    callId: z.number().describe("globalCallID_callId: the call's CDR will carry it"),
    state: z.enum([
      'idle',
      'dialling',
      'proceeding',
      'alerting',
      'connected',
      'on-hold',
      'failed',
      'released',
    ]),
    since: time.describe('the caller went off-hook'),
    stateSince: time.describe('the call entered its present state'),
    connectedAt: time.nullable().describe('answered; null before'),
    calling: z.object({ number: z.string(), name: z.string(), deviceName: z.string() }),
    called: z.object({
      dialled: z.string().describe('digits as dialled so far'),
      number: z.string().nullable().describe('the DN the call was routed to; null before'),
      name: z.string(),
    }),
    legs: z.array(
      z.object({
        legId: z.number(),
        side: z.enum(['orig', 'dest']).describe('orig: the caller; dest: a device of the called DN'),
        deviceName: z.string(),
        line: z.number(),
        state: z.enum(legStates),
      }),
    ),
    codec: z.enum(['PCMU', 'PCMA', 'G722', 'G723', 'G729']).nullable().describe('chosen at answer'),
    packetMs: z.number(),
    encrypted: z.boolean().describe('the media flows as SRTP phone to phone (keys passed end to end)'),
  })
  .meta({ id: 'ActiveCall' });

function matches(call: ActiveCall, number?: string, device?: string): boolean {
  if (
    number &&
    call.calling.number !== number &&
    call.called.dialled !== number &&
    call.called.number !== number
  )
    return false;
  return !device || call.legs.some((leg) => leg.deviceName === device);
}

export const activeCallRoutes =
  (active: Pick<ActiveCalls, 'list'>): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/active-calls', {
      schema: {
        tags: ['Monitoring'],
        summary:
          "The calls this node holds now, oldest first: parties, devices, each leg's state, the call's state and since when, codec. Changes arrive live as active-call events on /events",
        querystring: z.strictObject({
          number: z
            .string()
            .max(64)
            .optional()
            .describe('calling number, or called (dialled or routed), exactly'),
          device: z.string().max(64).optional().describe('device name of any leg'),
          limit: z.coerce.number().int().min(1).max(5000).default(500),
        }),
        response: {
          200: z.object({
            items: z.array(activeCallSchema).describe('the oldest `limit` calls that match'),
            total: z.number().describe('calls that match'),
          }),
        },
      },
      handler: (request) => {
        const { number, device, limit } = request.query;
        const items = active.list().filter((call) => matches(call, number, device));
        return { items: items.slice(0, limit), total: items.length };
      },
    });
  };
