import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CmGroup } from '../../core/cm-group.js';
import type { CmGroupService } from '../../services/cm-group-service.js';
import { errorSchema } from '../schemas.js';

// Names, lengths and members are checked by the domain (core/cm-group) so that a refusal names the rule.
const cmGroupSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    members: z.array(z.string()).describe('node names in priority order: primary, secondary, tertiary'),
    autoRegistration: z
      .boolean()
      .describe('the auto-registration group (exactly one): XMLDefault.cnf.xml sends unknown phones to it'),
  })
  .meta({ id: 'CmGroup' });

const cmGroupCreateSchema = z.strictObject({
  name: z.string().max(200),
  description: z.string().max(1000).optional(),
  members: z.array(z.string().max(200)).max(10),
  autoRegistration: z.boolean().optional().describe('true takes the flag off the group that had it'),
});

const cmGroupPatchSchema = z.strictObject({
  description: z.string().max(1000).optional(),
  members: z
    .array(z.string().max(200))
    .max(10)
    .optional()
    .describe('replaces the members, in priority order'),
  autoRegistration: z.boolean().optional().describe('true moves the flag here; it cannot just be taken off'),
});

const audited = (g: CmGroup) => ({
  description: g.description,
  members: g.members.join(', '),
  autoRegistration: g.autoRegistration,
});

/** System > Cisco Unified CM Group. */
export const cmGroupRoutes =
  (groups: CmGroupService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['System > Cisco Unified CM Group'];
    const params = z.object({ name: z.string() });
    app.get('/cm-groups', {
      schema: { tags, summary: 'List Cisco Unified CM Groups', response: { 200: z.array(cmGroupSchema) } },
      handler: () => groups.list(),
    });
    app.get('/cm-groups/:name', {
      schema: { tags, summary: 'Read one group', params, response: { 200: cmGroupSchema, 404: errorSchema } },
      handler: (request) => groups.get(request.params.name),
    });
    app.post('/cm-groups', {
      schema: {
        tags,
        summary: 'Create a group of one to three nodes in priority order',
        body: cmGroupCreateSchema,
        response: { 201: cmGroupSchema, 400: errorSchema, 409: errorSchema },
      },
      handler: async (request, reply) => {
        const group = await groups.create(request.body);
        await request.audit({
          action: 'create',
          target: 'cm-group',
          targetName: group.name,
          before: null,
          after: audited(group),
        });
        return reply.code(201).send(group);
      },
    });
    app.patch('/cm-groups/:name', {
      schema: {
        tags,
        summary:
          'Change a group’s description, members (replaced, in priority order) or auto-registration flag; phones pick the change up with their next configuration file',
        params,
        body: cmGroupPatchSchema,
        response: { 200: cmGroupSchema, 400: errorSchema, 404: errorSchema },
      },
      handler: async (request) => {
        const { before, after } = await groups.update(request.params.name, request.body);
        await request.audit({
          action: 'update',
          target: 'cm-group',
          targetName: after.name,
          before: audited(before),
          after: audited(after),
        });
        return after;
      },
    });
    app.delete('/cm-groups/:name', {
      schema: {
        tags,
        summary:
          'Delete a group; refused (400) for Default, the auto-registration group and a group device pools use',
        params,
        response: { 204: z.null(), 400: errorSchema, 404: errorSchema },
      },
      handler: async (request, reply) => {
        const deleted = await groups.delete(request.params.name);
        await request.audit({
          action: 'delete',
          target: 'cm-group',
          targetName: deleted.name,
          before: audited(deleted),
          after: null,
        });
        return reply.code(204).send(null);
      },
    });
  };
