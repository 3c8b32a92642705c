import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RESET_TYPES } from '../../services/live-registry.js';
import type { ConfigurationService } from '../../services/configuration-service.js';
import type { PhoneEditor } from '../../services/phone-editor.js';
import type { DeviceRecord } from '../../store/device-repository.js';
import { phoneCreateSchema, phonePatchSchema } from '../admin-schemas.js';
import { deviceNameParamSchema, errorSchema, pageOf, phoneQuerySchema, phoneSchema } from '../schemas.js';

/** What the audit log keeps of a phone: its configuration, lines as "index:dn", each line's settings by index. */
function audited(p: DeviceRecord) {
  return {
    model: p.model,
    protocol: p.protocol,
    description: p.description,
    loadId: p.loadId,
    dnd: p.dnd ?? false,
    devicePool: p.devicePool,
    securityProfile: p.securityProfile,
    lines: p.lines.map((l) => `${l.index}:${l.dn}`).join(', '),
    line: Object.fromEntries(p.lines.map(({ index, dn: _dn, ...settings }) => [index, settings])),
  };
}

export const phoneRoutes =
  (config: ConfigurationService, editor: PhoneEditor): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['Device > Phone'];
    app.get('/phones', {
      schema: {
        tags,
        summary:
          'Find phones (filters: name, description, dn, ipAddress contain the text; protocol, model, status, node match)',
        querystring: phoneQuerySchema,
        response: { 200: pageOf(phoneSchema), 400: errorSchema },
      },
      handler: async (request) => {
        const { items, total } = await config.searchPhones(request.query);
        return { items, total, page: request.query.page, pageSize: request.query.pageSize };
      },
    });
    app.post('/phones', {
      schema: {
        tags,
        summary: 'Add a phone by hand with its lines (a DN another phone holds becomes a shared line)',
        body: phoneCreateSchema,
        response: { 201: phoneSchema, 400: errorSchema, 409: errorSchema },
      },
      handler: async (request, reply) => {
        const phone = await editor.add(request.body);
        await request.audit({
          action: 'create',
          target: 'phone',
          targetName: phone.name,
          before: null,
          after: audited(phone),
        });
        return reply.code(201).send(phone);
      },
    });
    app.get('/phones/:name', {
      schema: {
        tags,
        summary: 'Read one phone with its lines and registration status',
        params: deviceNameParamSchema,
        response: { 200: phoneSchema, 404: errorSchema },
      },
      handler: (request) => config.getPhone(request.params.name),
    });
    app.patch('/phones/:name', {
      schema: {
        tags,
        summary:
          'Change description, Phone Load Name or lines (lines replace all lines; DNs no line uses any more are freed). A registered phone picks the change up when restarted',
        params: deviceNameParamSchema,
        body: phonePatchSchema,
        response: { 200: phoneSchema, 400: errorSchema, 404: errorSchema },
      },
      handler: async (request) => {
        const { before, after } = await editor.update(request.params.name, request.body);
        await request.audit({
          action: 'update',
          target: 'phone',
          targetName: after.name,
          before: audited(before),
          after: audited(after),
        });
        return after;
      },
    });
    app.get('/phones/:name/shared-lines', {
      schema: {
        tags,
        summary: 'The other phones that share each DN of this phone’s lines',
        params: deviceNameParamSchema,
        response: { 200: z.record(z.string(), z.array(z.string())), 404: errorSchema },
      },
      handler: async (request) => {
        const phone = await config.getPhone(request.params.name);
        return editor.sharedWith(
          phone.name,
          phone.lines.map((l) => l.dn),
        );
      },
    });
    app.delete('/phones/:name', {
      schema: {
        tags,
        summary: 'Delete a phone (a registered phone is disconnected); its DNs become free',
        params: deviceNameParamSchema,
        response: { 204: z.null(), 404: errorSchema },
      },
      handler: async (request, reply) => {
        const before = await config.getPhone(request.params.name);
        await config.deletePhone(request.params.name);
        await request.audit({
          action: 'delete',
          target: 'phone',
          targetName: before.name,
          before: audited(before),
          after: null,
        });
        return reply.code(204).send(null);
      },
    });
    app.post('/phones/:name/reset', {
      schema: {
        tags,
        summary:
          'Reset (reboot), Restart (re-register) or Apply Config (apply its changed configuration) of a registered phone, on whichever node of the cluster holds it: SCCP sends the Reset message (type 1, 2 or 3), SIP the service-control NOTIFY (action=reset, restart or apply-config; check-sync for 7940/7960). 409 when the phone is not registered',
        params: deviceNameParamSchema,
        body: z.strictObject({ type: z.enum(RESET_TYPES).default('reset') }).default({ type: 'reset' }),
        response: { 202: z.object({ message: z.string() }), 404: errorSchema, 409: errorSchema },
      },
      handler: async (request, reply) => {
        const node = await config.resetPhone(request.params.name, request.body.type);
        await request.audit({ action: request.body.type, target: 'phone', targetName: request.params.name });
        return reply
          .code(202)
          .send({ message: `${request.body.type} sent to ${request.params.name} by node ${node}` });
      },
    });
  };
