import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ConfigurationService } from '../../services/configuration-service.js';
import { enterpriseParametersPatchSchema, enterpriseParametersSchema, errorSchema } from '../schemas.js';

export const enterpriseParameterRoutes =
  (config: ConfigurationService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['System > Enterprise Parameters'];
    app.get('/enterprise-parameters', {
      schema: {
        tags,
        summary: 'Read the enterprise parameters',
        response: { 200: enterpriseParametersSchema },
      },
      handler: () => config.getParameters(),
    });
    app.patch('/enterprise-parameters', {
      schema: {
        tags,
        summary: 'Change enterprise parameters; they apply to the next registration without a restart',
        body: enterpriseParametersPatchSchema,
        response: { 200: enterpriseParametersSchema, 400: errorSchema },
      },
      handler: async (request) => {
        const before = await config.getParameters();
        const after = await config.updateParameters(request.body);
        await request.audit({
          action: 'update',
          target: 'enterprise-parameters',
          targetName: '',
          before: { ...before },
          after: { ...after },
        });
        return after;
      },
    });
  };
