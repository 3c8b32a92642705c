import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UserAdministration, UserView } from '../../services/user-administration.js';
import {
  apiKeyCreatedSchema,
  apiKeySchema,
  userCreateSchema,
  userPatchSchema,
  userSchema,
} from '../admin-schemas.js';
import { errorSchema } from '../schemas.js';

const audited = (u: UserView) => ({ role: u.role, locked: u.lockedUntil !== null });

/** User Management: users with their roles, and API keys for scripts. */
export const userRoutes =
  (users: UserAdministration): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['User Management'];
    const params = z.object({ name: z.string() });
    app.get('/users', {
      schema: { tags, summary: 'List users', response: { 200: z.array(userSchema) } },
      handler: () => users.list(),
    });
    app.get('/users/:name', {
      schema: { tags, summary: 'Read one user', params, response: { 200: userSchema, 404: errorSchema } },
      handler: (request) => users.get(request.params.name),
    });
    app.post('/users', {
      schema: {
        tags,
        summary: 'Create a user (role admin or read-only)',
        body: userCreateSchema,
        response: { 201: userSchema, 400: errorSchema, 409: errorSchema },
      },
      handler: async (request, reply) => {
        const user = await users.create(request.body);
        await request.audit({
          action: 'create',
          target: 'user',
          targetName: user.name,
          before: null,
          after: { role: user.role, password: 'set' },
        });
        return reply.code(201).send(user);
      },
    });
    app.patch('/users/:name', {
      schema: {
        tags,
        summary: 'Change a user’s role or password, or unlock it after failed sign-ins',
        params,
        body: userPatchSchema,
        response: { 200: userSchema, 400: errorSchema, 404: errorSchema },
      },
      handler: async (request) => {
        const before = await users.get(request.params.name);
        const p = request.principal!;
        const keep = p.name === request.params.name ? p.sessionId : undefined;
        const after = await users.update(request.params.name, request.body, keep);
        await request.audit({
          action: 'update',
          target: 'user',
          targetName: after.name,
          before: { ...audited(before) },
          after: { ...audited(after), ...(request.body.password !== undefined ? { password: 'new' } : {}) },
        });
        return after;
      },
    });
    app.delete('/users/:name', {
      schema: {
        tags,
        summary: 'Delete a user (not yourself, not the last administrator); its sessions and API keys end',
        params,
        response: { 204: z.null(), 400: errorSchema, 404: errorSchema },
      },
      handler: async (request, reply) => {
        const deleted = await users.delete(request.params.name, request.principal!.name);
        await request.audit({
          action: 'delete',
          target: 'user',
          targetName: deleted.name,
          before: audited(deleted),
          after: null,
        });
        return reply.code(204).send(null);
      },
    });

    app.get('/api-keys', {
      schema: {
        tags,
        summary: 'List API keys (an administrator sees all; a read-only user its own)',
        response: { 200: z.array(apiKeySchema) },
      },
      handler: (request) => {
        const p = request.principal!;
        return users.listApiKeys(p.role === 'admin' ? undefined : p.name);
      },
    });
    app.post('/api-keys', {
      schema: {
        tags,
        summary: 'Create an API key for a script; the key is shown once',
        body: z.strictObject({
          label: z.string(),
          user: z.string().optional().describe('the user the key acts as; default: you'),
        }),
        response: { 201: apiKeyCreatedSchema, 400: errorSchema },
      },
      handler: async (request, reply) => {
        const created = await users.createApiKey(
          request.body.user ?? request.principal!.name,
          request.body.label,
        );
        await request.audit({
          action: 'create',
          target: 'api-key',
          targetName: created.id,
          before: null,
          after: { user: created.userName, label: created.label },
        });
        return reply.code(201).send(created);
      },
    });
    app.delete('/api-keys/:id', {
      schema: {
        tags,
        summary: 'Revoke an API key',
        params: z.object({ id: z.string() }),
        response: { 204: z.null(), 404: errorSchema },
      },
      handler: async (request, reply) => {
        const key = await users.deleteApiKey(request.params.id);
        await request.audit({
          action: 'delete',
          target: 'api-key',
          targetName: key.id,
          before: { user: key.userName, label: key.label },
          after: null,
        });
        return reply.code(204).send(null);
      },
    });
  };
