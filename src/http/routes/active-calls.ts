import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ActiveCalls } from '../../services/calls/active-calls.js';

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
  })
  .meta({ id: 'ActiveCall' });

export const activeCallRoutes =
  (active: Pick<ActiveCalls, 'list'>): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/active-calls', {
      schema: {
        tags: ['Monitoring'],
        summary:
          "The calls this node holds now, oldest first: parties, devices, each leg's state, the call's state and since when, codec. Changes arrive live as active-call events on /events",
        response: { 200: z.object({ items: z.array(activeCallSchema) }) },
      },
      handler: () => ({ items: active.list() }),
    });
  };
