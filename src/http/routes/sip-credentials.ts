import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SipCredentialService, SipCredentialSummary } from '../../services/sip-credentials.js';
import { deviceNameParamSchema, errorSchema } from '../schemas.js';

const summarySchema = z
  .object({
    deviceName: z.string(),
    configured: z.boolean().describe('the device has a digest user and password'),
    username: z.string().nullable().describe('the digest user; null without credentials'),
    defaultUsername: z.string().describe('the digest user a PUT without username gives (the device name)'),
    passwordInConfigFiles: z
      .boolean()
      .describe("the phone's configuration files (SEP<MAC>.cnf.xml, SIP<MAC>.cnf) carry the password"),
    problem: z.string().nullable().describe('why a configured password is not in the configuration files'),
    updatedAt: z.string().nullable(),
    message: z.string().optional().describe('what happens next, after a change'),
  })
  .meta({ id: 'SipCredentials' });

// The rules (length, characters) are the domain's, so that a refusal names them; here only the shape.
const putSchema = z.strictObject({
  username: z
    .string()
    .optional()
    .describe(
      'digest user (letters, digits, . _ @ + -; at most 128); default: the current one, else the device name',
    ),
  password: z
    .string()
    .describe('8 to 64 printable ASCII characters except " and \\; never returned by any answer or export'),
});

/** What the audit log keeps: the digest user, and only whether a password is set. */
function audited(s: SipCredentialSummary) {
  return { username: s.username, password: s.configured ? 'set' : null };
}

function nextStep(service: SipCredentialService, name: string, removed: boolean): string {
  if (service.registeredHere(name)) {
    return removed
      ? `${name} is registered: it keeps registering without a password while SIP devices without credentials are allowed; Reset it so that its configuration file no longer names a password.`
      : `${name} is registered: Reset it now so that it loads them from its configuration file; until it does, its next refresh is challenged and refused.`;
  }
  return removed
    ? `${name} registers without a password from now on, while SIP devices without credentials are allowed.`
    : `${name} loads them from its configuration file when it next boots, and must answer challenges with them.`;
}

export const sipCredentialRoutes =
  (service: SipCredentialService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['Device > Phone'];
    app.get('/phones/:name/sip-credentials', {
      schema: {
        tags,
        summary: 'Whether the phone has SIP digest credentials, and its digest user (never the password)',
        params: deviceNameParamSchema,
        response: { 200: summarySchema, 404: errorSchema },
      },
      handler: (request) => service.get(request.params.name),
    });
    app.put('/phones/:name/sip-credentials', {
      schema: {
        tags,
        summary:
          'Set the digest user and password the phone registers with (SIP digest, realm ccmsipline); its configuration files carry them',
        params: deviceNameParamSchema,
        body: putSchema,
        response: { 200: summarySchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
      handler: async (request) => {
        const { name } = request.params;
        const { before, after } = await service.set(name, request.body);
        await request.audit({
          action: before.configured ? 'update' : 'create',
          target: 'phone-sip-credentials',
          targetName: name,
          before: before.configured ? audited(before) : null,
          after: audited(after),
        });
        return { ...after, message: nextStep(service, name, false) };
      },
    });
    app.delete('/phones/:name/sip-credentials', {
      schema: {
        tags,
        summary: 'Remove the phone’s SIP credentials (it registers without a password while that is allowed)',
        params: deviceNameParamSchema,
        response: { 200: summarySchema, 404: errorSchema },
      },
      handler: async (request) => {
        const { name } = request.params;
        const { before, after } = await service.remove(name);
        await request.audit({
          action: 'delete',
          target: 'phone-sip-credentials',
          targetName: name,
          before: audited(before),
          after: null,
        });
        return { ...after, message: nextStep(service, name, true) };
      },
    });
  };
