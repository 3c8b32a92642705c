import { z } from 'zod';
import type { AdminSettings } from '../services/admin-settings.js';
import { ADMIN_SETTINGS } from '../services/admin-settings.js';
import { protocolSchema, registrationEventSchema } from './schemas.js';

/** Schemas of the administration API (session, users, audit, dashboard, phone edits). */

export const roleSchema = z
  .enum(['admin', 'read-only'])
  .describe('admin changes everything; read-only sees everything');

export const userSchema = z
  .object({
    name: z.string(),
    role: roleSchema,
    createdAt: z.string(),
    lockedUntil: z
      .string()
      .nullable()
      .describe('the latest lock-out still running, from any address (see lockouts), or null'),
    failedLogins: z.number().describe('consecutive failed sign-ins, summed over the addresses in lockouts'),
    lockouts: z
      .array(
        z.object({
          address: z.string().describe('the source address the failures came from'),
          failures: z.number(),
          lockedUntil: z
            .string()
            .nullable()
            .describe(
              'sign-in as this user from this address is refused until then; other addresses are not',
            ),
        }),
      )
      .describe('where this user failed to sign in (on this node); PATCH {"unlock":true} clears them'),
  })
  .meta({ id: 'User' });

export const userCreateSchema = z.strictObject({
  name: z.string(),
  role: roleSchema,
  password: z.string().max(256),
});

export const userPatchSchema = z.strictObject({
  role: roleSchema.optional(),
  password: z.string().max(256).optional().describe('sets a new password; the user’s sessions end'),
  unlock: z
    .literal(true)
    .optional()
    .describe(
      'forgets the user’s failed sign-ins and lock-outs, and the failures of the addresses they came from',
    ),
});

export const apiKeySchema = z
  .object({
    id: z.string(),
    userName: z.string().describe('the key acts as this user, with the user’s role'),
    label: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const apiKeyCreatedSchema = apiKeySchema
  .extend({
    key: z.string().describe('shown once: send it as "Authorization: Bearer <key>" or "X-API-Key: <key>"'),
  })
  .meta({ id: 'ApiKeyCreated' });

export const auditEntrySchema = z
  .object({
    id: z.number(),
    at: z.string(),
    user: z.string(),
    via: z.string().describe('ui, basic or api-key'),
    action: z.string(),
    target: z.string(),
    targetName: z.string(),
    changes: z.array(z.object({ field: z.string(), old: z.unknown(), new: z.unknown() })),
    summary: z.string(),
  })
  .meta({ id: 'AuditEntry' });

const counts = { registered: z.number(), unregistered: z.number(), rejected: z.number() };

export const dashboardSchema = z
  .object({
    at: z.string(),
    byProtocol: z.array(z.object({ protocol: z.string(), ...counts })),
    byNode: z.array(
      z.object({ node: z.string().nullable().describe('null: phones that never registered'), ...counts }),
    ),
    minutes: z.array(z.object({ minute: z.string(), accepted: z.number(), rejected: z.number() })),
    autoRegistration: z.array(
      z.object({
        node: z.string(),
        enabled: z.boolean(),
        startingDn: z.string(),
        endingDn: z.string(),
        used: z.number(),
        summary: z.string(),
        changedAt: z.string(),
        onForDays: z.number().nullable(),
        warning: z.string().nullable(),
        guard: z
          .string()
          .describe(
            'the auto-registration guard: "Auto-registration guard is open on cm1: any subnet, any phone, no rate limit"',
          ),
        guardOpen: z.boolean().describe('the guard lets every new phone in (the default, as CUCM ships)'),
      }),
    ),
    pendingPhones: z
      .object({
        waiting: z.number().describe('phones waiting for approval on Device > Pending Phones'),
        summary: z.string().nullable().describe('"3 phones wait for approval"; null when none waits'),
      })
      .describe('the approval queue of the auto-registration guard'),
    warningDays: z.number(),
    lastRejections: z.array(registrationEventSchema),
    refusedSources: z
      .array(
        z.object({
          sourceIp: z.string(),
          attempts: z.number().describe('refused attempts, identical ones folded into counted events'),
          events: z.number().describe('registration events they are recorded in'),
          topReason: z.string(),
          lastAt: z.string(),
          summary: z
            .string()
            .describe('"2,314 refused registrations from 10.1.2.3 in the last 5 minutes (…)"'),
        }),
      )
      .describe('the sources with the most refused attempts in the last refusedMinutes minutes'),
    refusedMinutes: z.number(),
    sipWithoutCredentials: z
      .object({
        allowed: z.boolean().describe('Enterprise Parameter SIP Devices Without Credentials is "allowed"'),
        devices: z.number().describe('SIP devices that have no digest credentials'),
        warning: z.string().nullable(),
      })
      .describe('SIP devices that register without a password'),
    calls: z
      .object({
        minutes: z
          .array(z.object({ minute: z.string(), calls: z.number(), failed: z.number() }))
          .describe(
            'calls begun per minute over the last hour (from the CDRs), oldest first, and how many failed',
          ),
        failuresByCause: z
          .array(
            z.object({
              cause: z.number().describe('Q.850 cause value'),
              name: z.string().describe("Q.850's name: user busy, unallocated (unassigned) number …"),
              calls: z.number(),
            }),
          )
          .describe('calls of the last 24 hours that failed (cause neither 0 nor 16), by cause, most first'),
        activeNow: z.number().describe('calls this node holds now'),
      })
      .describe('calls of the cluster from its call detail records'),
  })
  .meta({ id: 'Dashboard' });

export const adminSettingsSchema = z
  .object(
    Object.fromEntries(
      Object.entries(ADMIN_SETTINGS).map(([name, spec]) => [
        name,
        z.number().describe(`${spec.label} (default ${spec.default}): ${spec.help}`),
      ]),
    ) as Record<keyof AdminSettings, z.ZodNumber>,
  )
  .meta({ id: 'AdminSettings' });

export const adminSettingsPatchSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(ADMIN_SETTINGS).map(([name, spec]) => [
      name,
      z.number().int().optional().describe(`${spec.min}–${spec.max}`),
    ]),
  ) as Record<keyof AdminSettings, z.ZodOptional<z.ZodNumber>>,
);

const forwardInput = z.string().nullable().optional();
const linesInput = z
  .array(
    z.strictObject({
      index: z.number().int(),
      dn: z.string(),
      displayName: z.string().optional().describe('Display (Caller ID), at most 30 printable characters'),
      label: z.string().optional().describe('Line Text Label, at most 30 printable characters'),
      maxCalls: z.number().optional().describe('Maximum Number of Calls, 1–6 (default 2)'),
      busyTrigger: z.number().optional().describe('Busy Trigger, 1–maxCalls (default 2)'),
      forwardAll: forwardInput.describe('the DN’s: digits 0-9 * #, up to 24, not the DN itself; null = off'),
      forwardBusy: forwardInput.describe('the DN’s; rules as forwardAll'),
      forwardNoAnswer: forwardInput.describe('the DN’s; rules as forwardAll'),
      pickupGroup: z
        .string()
        .nullable()
        .optional()
        .describe('the DN’s Call Pickup Group number; null = none'),
    }),
  )
  .max(64)
  .describe(
    'line buttons and their DNs; a DN another phone holds becomes a shared line. A setting left out keeps the value the line had (default for a new line); forwards and pickup group belong to the DN, shared by every phone it is on',
  );

export const phoneCreateSchema = z.strictObject({
  name: z.string().describe('SEP + 12 upper-case hex digits of the MAC'),
  model: z.string(),
  protocol: protocolSchema,
  description: z.string().default(''),
  lines: linesInput.default([]),
  loadId: z.string().nullable().default(null).describe('Phone Load Name; null uses Device Defaults'),
  dnd: z.boolean().optional().describe('Do Not Disturb (default off)'),
  devicePool: z.string().max(200).optional().describe('an existing device pool (default: Default)'),
  securityProfile: z
    .string()
    .max(200)
    .optional()
    .describe('an existing phone security profile (default: Standard Non-Secure Profile)'),
});

export const phonePatchSchema = z.strictObject({
  description: z.string().optional(),
  loadId: z.string().nullable().optional(),
  lines: linesInput.optional().describe('replaces all lines'),
  model: z.string().optional().describe('fixed once added: only the current value is accepted'),
  protocol: protocolSchema.optional().describe('fixed once added: migrate with Bulk Administration'),
  dnd: z.boolean().optional().describe('Do Not Disturb'),
  devicePool: z.string().max(200).optional().describe('an existing device pool'),
  securityProfile: z.string().max(200).optional().describe('an existing phone security profile'),
});

export const freeDnsSchema = z
  .object({
    node: z.string(),
    startingDn: z.string(),
    endingDn: z.string(),
    enabled: z.boolean(),
    size: z.number(),
    used: z.number(),
    free: z.number(),
    next: z.array(z.string()).describe('the lowest free numbers, in order'),
  })
  .meta({ id: 'FreeDirectoryNumbers' });

export const phoneModelSchema = z
  .object({
    model: z.string(),
    displayName: z.string(),
    protocols: z.array(protocolSchema),
    lineButtons: z.number(),
  })
  .meta({ id: 'PhoneModel' });
