import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CallDiagnosisService } from '../../services/calls/call-diagnosis-service.js';
import { ApiError } from '../api-errors.js';
import { errorSchema } from '../schemas.js';

const checkSchema = z.object({
  id: z.enum(['call', 'called-number', 'forward', 'registration', 'busy', 'codec', 'media']),
  title: z.string(),
  status: z.enum(['ok', 'problem', 'warning', 'info']),
  detail: z.string(),
  fix: z.string().optional().describe('the remedy, in an operator’s words'),
});

const callDiagnosisSchema = z
  .object({
    calling: z.string(),
    called: z.string(),
    cdrId: z.number().nullable().describe('the call detail record examined; null when no call is recorded'),
    verdict: z.string().describe('what made the call fail and the remedy, in one sentence'),
    firstProblem: checkSchema.nullable(),
    checks: z.array(checkSchema),
  })
  .meta({ id: 'CallDiagnosis' });

const number = (name: string) =>
  z
    .string()
    .max(64)
    .regex(/^[0-9*#]*$/, `${name} must be digits (with * or #), e.g. 1001`);

export const callDiagnosisRoutes =
  (service: CallDiagnosisService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['Troubleshooting'];
    app.get('/call-detail-records/:id/diagnosis', {
      schema: {
        tags,
        summary:
          'Why did this call fail? Walks what the call met (number, registration of the called phones, call limit, codecs, media addresses) and names what broke it, with the remedy',
        params: z.object({ id: z.coerce.number().int() }),
        response: { 200: callDiagnosisSchema, 404: errorSchema },
      },
      handler: async (request) => {
        const diagnosis = await service.forRecord(request.params.id);
        if (!diagnosis)
          throw new ApiError('not-found', `there is no call detail record ${request.params.id}`);
        return diagnosis;
      },
    });
    app.get('/call-diagnosis', {
      schema: {
        tags,
        summary:
          'Why did a call between two numbers fail? Examines the newest call from calling to called, or, when none is recorded, what a call would meet now',
        querystring: z.strictObject({
          calling: number('calling').default('').describe('the calling DN; empty: any caller'),
          called: number('called')
            .min(1, 'called is required: the number dialled')
            .describe('the number dialled'),
        }),
        response: { 200: callDiagnosisSchema, 400: errorSchema },
      },
      handler: (request) => service.forNumbers(request.query.calling, request.query.called),
    });
  };
