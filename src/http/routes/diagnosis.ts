import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deviceNameFromMac } from '../../core/device.js';
import type { DiagnosisService } from '../../services/diagnosis-service.js';
import { ApiError } from '../api-errors.js';
import { errorSchema } from '../schemas.js';

const checkSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['ok', 'problem', 'warning', 'info']),
  detail: z.string(),
  fix: z.string().optional(),
});
const diagnosisSchema = z
  .object({
    deviceName: z.string(),
    verdict: z.string().describe('the first broken link and its fix, in one sentence'),
    firstProblem: checkSchema.nullable(),
    checks: z.array(checkSchema),
  })
  .meta({ id: 'Diagnosis' });

export const diagnosisRoutes =
  (service: DiagnosisService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['Troubleshooting'];
    app.get('/phones/:name/diagnosis', {
      schema: {
        tags,
        summary:
          "Why isn't this phone registering? Walks the chain and names the first broken link with its fix",
        params: z.object({ name: z.string() }),
        response: { 200: diagnosisSchema },
      },
      handler: (request) => service.diagnose(request.params.name),
    });
    app.get('/diagnosis', {
      schema: {
        tags,
        summary: 'Diagnosis by MAC address, for a phone the system has never accepted',
        querystring: z.strictObject({
          mac: z.string().describe('12 hex digits, with or without separators'),
        }),
        response: { 200: diagnosisSchema, 400: errorSchema },
      },
      handler: (request) => {
        const name = deviceNameFromMac(request.query.mac);
        if (!name) throw new ApiError('validation', `mac "${request.query.mac}" is not 12 hex digits`, 'mac');
        return service.diagnose(name);
      },
    });
  };
