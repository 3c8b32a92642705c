import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DevicePoolService, DevicePoolView } from '../../services/device-pool-service.js';
import { errorSchema } from '../schemas.js';

const devicePoolSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    cmGroup: z.string().describe('the Cisco Unified CM Group whose nodes the pool’s phones register with'),
    devices: z.number().describe('phones in the pool'),
  })
  .meta({ id: 'DevicePool' });

const audited = (p: DevicePoolView) => ({ description: p.description, cmGroup: p.cmGroup });

/** System > Device Pool. */
export const devicePoolRoutes =
  (pools: DevicePoolService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['System > Device Pool'];
    const params = z.object({ name: z.string() });
    app.get('/device-pools', {
      schema: { tags, summary: 'List device pools', response: { 200: z.array(devicePoolSchema) } },
      handler: () => pools.list(),
    });
    app.get('/device-pools/:name', {
      schema: {
        tags,
        summary: 'Read one pool',
        params,
        response: { 200: devicePoolSchema, 404: errorSchema },
      },
      handler: (request) => pools.get(request.params.name),
    });
    app.post('/device-pools', {
      schema: {
        tags,
        summary: 'Create a device pool with its Cisco Unified CM Group',
        body: z.strictObject({
          name: z.string().max(200),
          description: z.string().max(1000).optional(),
          cmGroup: z.string().max(200),
        }),
        response: { 201: devicePoolSchema, 400: errorSchema, 409: errorSchema },
      },
      handler: async (request, reply) => {
        const pool = await pools.create(request.body);
        await request.audit({
          action: 'create',
          target: 'device-pool',
          targetName: pool.name,
          before: null,
          after: audited(pool),
        });
        return reply.code(201).send(pool);
      },
    });
    app.patch('/device-pools/:name', {
      schema: {
        tags,
        summary:
          'Change a pool’s description or group; its phones pick the change up with their next configuration file',
        params,
        body: z.strictObject({
          description: z.string().max(1000).optional(),
          cmGroup: z.string().max(200).optional(),
        }),
        response: { 200: devicePoolSchema, 400: errorSchema, 404: errorSchema },
      },
      handler: async (request) => {
        const { before, after } = await pools.update(request.params.name, request.body);
        await request.audit({
          action: 'update',
          target: 'device-pool',
          targetName: after.name,
          before: audited(before),
          after: audited(after),
        });
        return after;
      },
    });
    app.delete('/device-pools/:name', {
      schema: {
        tags,
        summary:
          'Delete a pool; refused (400) for Default, a pool with phones (the message counts them) and a node’s auto-registration pool',
        params,
        response: { 204: z.null(), 400: errorSchema, 404: errorSchema },
      },
      handler: async (request, reply) => {
        const deleted = await pools.delete(request.params.name);
        await request.audit({
          action: 'delete',
          target: 'device-pool',
          targetName: deleted.name,
          before: audited(deleted),
          after: null,
        });
        return reply.code(204).send(null);
      },
    });
  };
