import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DeviceDefaultService } from '../../services/device-default-service.js';
import { errorSchema, protocolSchema } from '../schemas.js';

const deviceDefaultSchema = z
  .object({
    model: z.string(),
    protocol: protocolSchema,
    loadId: z
      .string()
      .nullable()
      .describe('load for phones of this model and protocol without a Phone Load Name'),
    devicePool: z.string(),
    loadAvailable: z.boolean().describe('an uploaded firmware load provides loadId'),
  })
  .meta({ id: 'DeviceDefault' });

export const deviceDefaultRoutes =
  (service: DeviceDefaultService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['Device > Device Settings > Device Defaults'];
    app.get('/device-defaults', {
      schema: {
        tags,
        summary: 'Default load and device pool per model and protocol',
        response: { 200: z.array(deviceDefaultSchema) },
      },
      handler: () => service.list(),
    });
    app.patch('/device-defaults/:model/:protocol', {
      schema: {
        tags,
        summary:
          'Change a default load or device pool; a load that is not uploaded is accepted with a warning',
        params: z.object({ model: z.string(), protocol: protocolSchema }),
        body: z.strictObject({ loadId: z.string().nullable().optional(), devicePool: z.string().optional() }),
        response: {
          200: z.object({ deviceDefault: deviceDefaultSchema, warnings: z.array(z.string()) }),
          400: errorSchema,
          404: errorSchema,
        },
      },
      handler: (request) => service.update(request.params.model, request.params.protocol, request.body),
    });
  };
