import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthenticationService } from '../../services/authentication.js';
import type { UserAdministration } from '../../services/user-administration.js';
import { ApiError } from '../api-errors.js';
import { SESSION_COOKIE } from '../auth.js';
import { assertSameOrigin } from '../guard.js';
import { roleSchema } from '../admin-schemas.js';
import { errorSchema } from '../schemas.js';

const sessionSchema = z
  .object({
    user: z.object({ name: z.string(), role: roleSchema }),
    via: z.enum(['ui', 'basic', 'api-key']),
    csrfToken: z
      .string()
      .nullable()
      .describe('send it in the X-CSRF-Token header of every change made with the session cookie'),
    expiresAt: z.string().nullable(),
  })
  .meta({ id: 'Session' });

/** Sign-in (public, rate-limited), sign-out and the signed-in user's own password. */
export const loginRoutes =
  (authentication: AuthenticationService): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/login', {
      schema: {
        tags: ['Session'],
        summary: 'Sign in: sets the HttpOnly session cookie and returns the CSRF token for changes',
        security: [],
        body: z.strictObject({ name: z.string().max(64), password: z.string().max(256) }),
        response: { 200: sessionSchema, 400: errorSchema, 401: errorSchema, 429: errorSchema },
      },
      config: {
        rateLimit: {
          max: 20,
          timeWindow: '1 minute',
          errorResponseBuilder: (request, context) =>
            new ApiError(
              'too-many-requests',
              `too many sign-in attempts from ${request.ip}; wait ${context.after} and try again`,
            ),
        },
      },
      handler: async (request, reply) => {
        assertSameOrigin(request);
        const user = await authentication.verifyPassword(request.body.name, request.body.password, {
          address: request.ip,
          door: 'sign-in',
        });
        const grant = await authentication.startSession(user);
        reply.setCookie(SESSION_COOKIE, grant.token, {
          path: '/',
          httpOnly: true,
          sameSite: 'strict',
          secure: request.protocol === 'https',
        });
        request.log.info({ user: user.name, ip: request.ip }, `${user.name} signed in`);
        return { user, via: 'ui' as const, csrfToken: grant.csrfToken, expiresAt: grant.expiresAt };
      },
    });
  };

export const sessionRoutes =
  (authentication: AuthenticationService, users: UserAdministration): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['Session'];
    app.get('/me', {
      schema: {
        tags,
        summary: 'Who is signed in, and the CSRF token of the session (the UI reads it after a reload)',
        response: { 200: sessionSchema },
      },
      handler: async (request) => {
        const p = request.principal!;
        return {
          user: { name: p.name, role: p.role },
          via: p.via,
          csrfToken: p.csrfToken ?? null,
          expiresAt: null,
        };
      },
    });
    app.post('/logout', {
      schema: { tags, summary: 'Sign out: ends the session', response: { 204: z.null() } },
      config: { anyRole: true },
      handler: async (request, reply) => {
        const p = request.principal!;
        if (p.sessionId) await authentication.endSession(p.sessionId);
        request.audited = true; // signing out changes nothing worth auditing
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.code(204).send(null);
      },
    });
    app.put('/me/password', {
      schema: {
        tags,
        summary: 'Change your own password; your other sessions end',
        body: z.strictObject({ currentPassword: z.string().max(256), newPassword: z.string().max(256) }),
        response: { 204: z.null(), 400: errorSchema, 429: errorSchema },
      },
      config: { anyRole: true },
      handler: async (request, reply) => {
        const p = request.principal!;
        await users.changeOwnPassword(
          p.name,
          request.body.currentPassword,
          request.body.newPassword,
          request.ip,
          p.sessionId,
        );
        await request.audit({
          action: 'change-password',
          target: 'user',
          targetName: p.name,
          before: { password: 'old' },
          after: { password: 'new' },
        });
        return reply.code(204).send(null);
      },
    });
  };
