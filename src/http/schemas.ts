import { z } from 'zod';
import { DEVICE_PROTOCOLS } from '../core/device.js';
import { ENTERPRISE_PARAMETER_HELP, SIP_DEVICES_WITHOUT_CREDENTIALS } from '../core/enterprise-parameters.js';
import { PHONE_SORT_FIELDS } from '../store/device-repository.js';

export const protocolSchema = z.enum(DEVICE_PROTOCOLS as [string, ...string[]]) as z.ZodType<'SCCP' | 'SIP'>;
export const statusSchema = z.enum(['registered', 'unregistered', 'rejected']);
const sipDevicesWithoutCredentialsSchema = z.enum(
  SIP_DEVICES_WITHOUT_CREDENTIALS as ['allowed', 'refused'],
) as z.ZodType<'allowed' | 'refused'>;

export const errorSchema = z
  .object({
    error: z.string().describe('stable error code'),
    field: z.string().optional().describe('the input field that was refused'),
    message: z.string().describe('what is wrong and what to do'),
    retryAt: z.string().optional().describe('with 429: when the client may try again (also in Retry-After)'),
  })
  .meta({ id: 'Error' });

export const enterpriseParametersSchema = z
  .object({
    autoRegistrationPhoneProtocol: protocolSchema.describe(
      ENTERPRISE_PARAMETER_HELP.autoRegistrationPhoneProtocol,
    ),
    sipDevicesWithoutCredentials: sipDevicesWithoutCredentialsSchema.describe(
      ENTERPRISE_PARAMETER_HELP.sipDevicesWithoutCredentials,
    ),
  })
  .meta({ id: 'EnterpriseParameters' });

export const enterpriseParametersPatchSchema = z.strictObject({
  autoRegistrationPhoneProtocol: protocolSchema.optional(),
  sipDevicesWithoutCredentials: sipDevicesWithoutCredentialsSchema.optional(),
});

// DNs are validated by the domain (core/node) so that the refusal explains the rule; here only the type.
export const nodeSchema = z
  .object({
    name: z.string(),
    autoRegistration: z.object({
      enabled: z.boolean(),
      startingDn: z.string(),
      endingDn: z.string(),
      changedAt: z.string().describe('when auto-registration was last switched on or off'),
      used: z.number().describe('DNs of the range held by devices'),
      summary: z
        .string()
        .describe('plain-language state, e.g. "Auto-registration is ON for cm1: DNs 1000–1999, 37 used"'),
    }),
  })
  .meta({ id: 'Node' });

export const nodePatchSchema = z.strictObject({
  autoRegistration: z.strictObject({
    enabled: z.boolean().optional(),
    startingDn: z.string().optional(),
    endingDn: z.string().optional(),
  }),
});

export const lineSchema = z.object({ index: z.number(), dn: z.string() });

export const phoneSchema = z
  .object({
    name: z.string(),
    model: z.string(),
    protocol: protocolSchema,
    description: z.string(),
    lines: z.array(lineSchema),
    status: statusSchema,
    node: z.string().nullable(),
    ipAddress: z.string().nullable(),
    loadId: z.string().nullable().describe('Phone Load Name override; null uses Device Defaults'),
    activeLoadId: z.string().nullable().describe('load the phone last reported running'),
    statusChangedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Phone' });

const positiveInt = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);

export const phoneQuerySchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  dn: z.string().optional(),
  ipAddress: z.string().optional(),
  protocol: protocolSchema.optional(),
  model: z.string().optional(),
  status: statusSchema.optional(),
  node: z.string().optional(),
  sort: z.enum(PHONE_SORT_FIELDS).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  page: positiveInt(1_000_000, 1),
  pageSize: positiveInt(1000, 50),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number(), page: z.number(), pageSize: z.number() });

export const directoryNumberSchema = z
  .object({
    dn: z.string(),
    deviceName: z.string().nullable(),
    lineIndex: z.number().nullable(),
    description: z.string().nullable(),
  })
  .meta({ id: 'DirectoryNumber' });

export const registrationEventSchema = z
  .object({
    id: z.number(),
    at: z.string(),
    deviceName: z.string(),
    protocol: protocolSchema,
    address: z.string(),
    node: z.string(),
    outcome: z.enum(['accepted', 'rejected', 'unregistered']),
    reason: z.string(),
    message: z.string(),
    remedy: z.string().nullable(),
    count: z
      .number()
      .describe(
        'attempts this event stands for: identical refusals (device, reason, source IP) within a minute are one event',
      ),
    lastAt: z.string().describe('time of the last of them'),
    repeatKey: z
      .string()
      .optional()
      .describe('a folded refusal: a live registration-event with the same key updates its count'),
  })
  .meta({ id: 'RegistrationEvent' });

export const deviceNameParamSchema = z.object({ name: z.string() });
