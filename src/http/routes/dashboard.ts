import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { phoneModels } from '../../core/phone-models.js';
import type { AdminSettingsService } from '../../services/admin-settings.js';
import type { DashboardService } from '../../services/dashboard.js';
import { z } from 'zod';
import {
  adminSettingsPatchSchema,
  adminSettingsSchema,
  dashboardSchema,
  phoneModelSchema,
} from '../admin-schemas.js';
import { errorSchema } from '../schemas.js';

export const dashboardRoutes =
  (dashboard: DashboardService, settings: AdminSettingsService): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/dashboard', {
      schema: {
        tags: ['Monitoring'],
        summary:
          'Registered / unregistered / rejected per protocol and node, attempts per minute over the last hour, auto-registration state with security warnings, last rejections',
        response: { 200: dashboardSchema },
      },
      handler: () => dashboard.get(),
    });
    const tags = ['System > Enterprise Parameters'];
    app.get('/admin-settings', {
      schema: {
        tags,
        summary:
          'Settings of the administration itself: the auto-registration warning, and how long registration events and audit entries are kept',
        response: { 200: adminSettingsSchema },
      },
      handler: () => settings.get(),
    });
    app.patch('/admin-settings', {
      schema: {
        tags,
        summary: 'Change administration settings',
        body: adminSettingsPatchSchema,
        response: { 200: adminSettingsSchema, 400: errorSchema },
      },
      handler: async (request) => {
        const before = await settings.get();
        const after = await settings.update(request.body);
        await request.audit({
          action: 'update',
          target: 'admin-settings',
          targetName: '',
          before: { ...before },
          after: { ...after },
        });
        return after;
      },
    });
    app.get('/phone-models', {
      schema: {
        tags: ['Device > Phone'],
        summary: 'The phone models openucm knows: protocols each runs, and line buttons',
        response: { 200: z.array(phoneModelSchema) },
      },
      handler: () =>
        phoneModels().map((m) => ({
          model: m.model,
          displayName: m.displayName,
          protocols: [...m.protocols],
          lineButtons: m.lineButtons,
        })),
    });
  };
