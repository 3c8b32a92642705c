import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  DEVICE_SECURITY_MODES,
  MEDIA_ENCRYPTION_FALLBACKS,
  SECURITY_TRANSPORTS,
} from '../../core/phone-security-profile.js';
import type { SecurityProfileService, SecurityProfileView } from '../../services/security-profile-service.js';
import { errorSchema } from '../schemas.js';

const mode = z
  .enum(DEVICE_SECURITY_MODES)
  .describe(
    'CUCM Device Security Mode: non-secure, authenticated (TLS signalling), encrypted (TLS and SRTP)',
  );
const transport = z
  .enum(SECURITY_TRANSPORTS)
  .describe('CUCM Transport Type of SIP phones; authenticated and encrypted need tls');
const fallback = z
  .enum(MEDIA_ENCRYPTION_FALLBACKS)
  .describe(
    'encrypted only: when the other side of a call cannot do SRTP, refuse the call or fall back to RTP',
  );

const profileSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    deviceSecurityMode: mode,
    transportType: transport,
    mediaEncryptionFallback: fallback,
    devices: z.number().describe('phones with this profile'),
  })
  .meta({ id: 'PhoneSecurityProfile' });

const audited = (p: SecurityProfileView) => ({
  description: p.description,
  deviceSecurityMode: p.deviceSecurityMode,
  transportType: p.transportType,
  mediaEncryptionFallback: p.mediaEncryptionFallback,
});

/** System > Security > Phone Security Profile. */
export const securityProfileRoutes =
  (profiles: SecurityProfileService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['System > Security > Phone Security Profile'];
    const params = z.object({ name: z.string() });
    const fields = {
      description: z.string().max(1000).optional(),
      deviceSecurityMode: mode.optional(),
      transportType: transport.optional(),
      mediaEncryptionFallback: fallback.optional(),
    };
    app.get('/phone-security-profiles', {
      schema: { tags, summary: 'List phone security profiles', response: { 200: z.array(profileSchema) } },
      handler: () => profiles.list(),
    });
    app.get('/phone-security-profiles/:name', {
      schema: {
        tags,
        summary: 'Read one profile',
        params,
        response: { 200: profileSchema, 404: errorSchema },
      },
      handler: (request) => profiles.get(request.params.name),
    });
    app.post('/phone-security-profiles', {
      schema: {
        tags,
        summary: 'Create a phone security profile (a secure mode without a transport gets tls)',
        body: z.strictObject({ name: z.string().max(200), ...fields }),
        response: { 201: profileSchema, 400: errorSchema, 409: errorSchema },
      },
      handler: async (request, reply) => {
        const profile = await profiles.create(request.body);
        await request.audit({
          action: 'create',
          target: 'phone-security-profile',
          targetName: profile.name,
          before: null,
          after: audited(profile),
        });
        return reply.code(201).send(profile);
      },
    });
    app.patch('/phone-security-profiles/:name', {
      schema: {
        tags,
        summary:
          'Change a profile; its phones are checked at their next registration and get the transport with their next configuration file',
        params,
        body: z.strictObject(fields),
        response: { 200: profileSchema, 400: errorSchema, 404: errorSchema },
      },
      handler: async (request) => {
        const { before, after } = await profiles.update(request.params.name, request.body);
        await request.audit({
          action: 'update',
          target: 'phone-security-profile',
          targetName: after.name,
          before: audited(before),
          after: audited(after),
        });
        return after;
      },
    });
    app.delete('/phone-security-profiles/:name', {
      schema: {
        tags,
        summary:
          'Delete a profile; refused (400) for the Standard Non-Secure Profile and for a profile phones use (the message counts them)',
        params,
        response: { 204: z.null(), 400: errorSchema, 404: errorSchema },
      },
      handler: async (request, reply) => {
        const deleted = await profiles.delete(request.params.name);
        await request.audit({
          action: 'delete',
          target: 'phone-security-profile',
          targetName: deleted.name,
          before: audited(deleted),
          after: null,
        });
        return reply.code(204).send(null);
      },
    });
  };
