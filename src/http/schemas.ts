import { z } from 'zod';
import { DEVICE_PROTOCOLS } from '../core/device.js';
import { ENTERPRISE_PARAMETER_HELP, SIP_DEVICES_WITHOUT_CREDENTIALS } from '../core/enterprise-parameters.js';
import { PHONE_SORT_FIELDS } from '../store/device-repository.js';
import { PENDING_PHONE_STATES } from '../store/pending-phone-repository.js';

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
    autoRegistrationGuard: z
      .object({
        allowedSubnets: z
          .array(z.string())
          .describe('IPv4/IPv6 CIDRs a new phone must come from; empty: any'),
        allowedOuis: z
          .array(z.string())
          .describe('first 6 hex digits of the MAC a new phone must have; empty: any'),
        allowedModels: z.array(z.string()).describe('models a new phone must be (e.g. 7960); empty: any'),
        newPhonesPerMinute: z
          .number()
          .describe('new phones auto-registered per minute on this node at most; 0: no limit'),
        approvalRequired: z
          .boolean()
          .describe('new phones wait on Device > Pending Phones until an administrator accepts them'),
        summary: z
          .string()
          .describe('e.g. "Auto-registration guard is open on cm1: any subnet, any phone, no rate limit"'),
      })
      .describe('which unknown phones may auto-register here; configured devices are never affected'),
    autoRegistrationPool: z.string().describe('the device pool phones auto-registered here get'),
    liveness: z
      .object({
        state: z.enum(['up', 'silent', 'down', 'stopped']),
        lastHeartbeat: z.string().nullable(),
        heartbeatAgeMs: z.number().nullable(),
        downSince: z.string().nullable().describe('when another node declared it down'),
        phonesRegistered: z.number(),
        summary: z.string(),
      })
      .optional()
      .describe(
        'up, silent (no heartbeat for longer than the down-after time), down (declared so) or stopped; docs/cluster.md',
      ),
  })
  .meta({ id: 'Node' });

export const nodePatchSchema = z.strictObject({
  autoRegistration: z
    .strictObject({
      enabled: z.boolean().optional(),
      startingDn: z.string().optional(),
      endingDn: z.string().optional(),
    })
    .optional(),
  // Entries are checked by the domain (core/auto-registration-guard) so that a refusal names the rule.
  autoRegistrationGuard: z
    .strictObject({
      allowedSubnets: z.array(z.string().max(64)).optional(),
      allowedOuis: z.array(z.string().max(64)).optional(),
      allowedModels: z.array(z.string().max(64)).optional(),
      newPhonesPerMinute: z.number().optional(),
      approvalRequired: z.boolean().optional(),
    })
    .optional(),
  autoRegistrationPool: z.string().max(200).optional().describe('an existing device pool'),
});

export const pendingPhoneStateSchema = z.enum(PENDING_PHONE_STATES as ['pending', 'accepted', 'refused']);

export const pendingPhoneSchema = z
  .object({
    deviceName: z.string(),
    model: z.string(),
    protocol: protocolSchema,
    sourceIp: z.string().describe('IP address of its last attempt'),
    node: z.string().describe('the node it last asked'),
    state: pendingPhoneStateSchema.describe(
      'pending: waits; accepted: auto-registers at its next attempt (then leaves the queue); refused: its attempts are refused until it is deleted from the queue',
    ),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    attempts: z.number().describe('registration attempts seen while it waited'),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
  })
  .meta({ id: 'PendingPhone' });

export const lineSchema = z.object({ index: z.number(), dn: z.string() });

/** A phone's line with its settings: the appearance's own, then its DN's (shared by the DN's phones). */
export const phoneLineSchema = z
  .object({
    index: z.number(),
    dn: z.string(),
    displayName: z.string().describe('Display (Caller ID): the name the called party sees; empty = none'),
    label: z.string().describe('Line Text Label shown beside the line button; empty = the DN'),
    maxCalls: z.number().describe('Maximum Number of Calls on this line of this phone (1–6)'),
    busyTrigger: z.number().describe('calls at which the line is busy for a new caller (1–maxCalls)'),
    forwardAll: z.string().nullable().describe('the DN’s Call Forward All destination; null = off'),
    forwardBusy: z.string().nullable().describe('the DN’s Call Forward Busy destination; null = off'),
    forwardNoAnswer: z
      .string()
      .nullable()
      .describe('the DN’s Call Forward No Answer destination; null = off'),
    pickupGroup: z.string().nullable().describe('the DN’s Call Pickup Group number; null = none'),
  })
  .meta({ id: 'Line' });

export const phoneSchema = z
  .object({
    name: z.string(),
    model: z.string(),
    protocol: protocolSchema,
    description: z.string(),
    lines: z.array(phoneLineSchema),
    dnd: z
      .boolean()
      .describe('Do Not Disturb: no call is offered to the phone (busy when no other phone has the DN)'),
    status: statusSchema,
    node: z.string().nullable(),
    ipAddress: z.string().nullable(),
    loadId: z.string().nullable().describe('Phone Load Name override; null uses Device Defaults'),
    devicePool: z
      .string()
      .describe('System > Device Pool: its Cisco Unified CM Group lists the call managers'),
    securityProfile: z
      .string()
      .describe(
        'System > Security > Phone Security Profile: the transport and encryption the phone must use',
      ),
    activeLoadId: z.string().nullable().describe('load the phone last reported running'),
    statusChangedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Phone' });

/** A paging parameter: a whole number from 1 to `max`, `dflt` when absent. */
export const positiveInt = (max: number, dflt: number) =>
  z.coerce.number().int().min(1).max(max).default(dflt);

export const phoneQuerySchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  dn: z.string().optional(),
  ipAddress: z.string().optional(),
  protocol: protocolSchema.optional(),
  model: z.string().optional(),
  status: statusSchema.optional(),
  node: z.string().optional(),
  devicePool: z.string().optional().describe('exact device pool name'),
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

/** A Call Detail Record as CUCM names its fields (core/call/cdr.ts), with its row id and the node that wrote it. */
export const callDetailRecordSchema = z
  .object({
    id: z.number().describe('page with beforeId'),
    node: z.string().describe('the node that wrote the record'),
    cdrRecordType: z.number().describe('1: a CDR'),
    globalCallID_callManagerId: z.number(),
    globalCallID_callId: z.number(),
    origLegCallIdentifier: z.number(),
    destLegCallIdentifier: z.number().describe('0 when no device was offered the call'),
    dateTimeOrigination: z.number().describe('UTC epoch seconds of the off-hook (or INVITE)'),
    dateTimeConnect: z.number().describe('UTC epoch seconds of the answer; 0 if never answered'),
    dateTimeDisconnect: z.number(),
    duration: z.number().describe('seconds from connect to disconnect; 0 if unanswered'),
    callingPartyNumber: z.string(),
    originalCalledPartyNumber: z.string().describe('as dialled, with a closing # if pressed'),
    finalCalledPartyNumber: z.string(),
    lastRedirectDn: z.string(),
    origCause_value: z.number().describe("Q.850 cause when the caller's side cleared, else 0"),
    destCause_value: z.number().describe('Q.850 cause when the destination cleared or refused, else 0'),
    origDeviceName: z.string(),
    destDeviceName: z.string(),
    origIpAddr: z.number().describe('signed decimal of the little-endian IPv4 address, as CUCM writes it'),
    destIpAddr: z.number(),
    origMediaTransportAddress_IP: z.number(),
    origMediaTransportAddress_Port: z.number(),
    destMediaTransportAddress_IP: z.number(),
    destMediaTransportAddress_Port: z.number(),
    origMediaCap_payloadCapability: z
      .number()
      .describe('Skinny codec number (4 G.711 µ-law); 0 without media'),
    origMediaCap_maxFramesPerPacket: z.number(),
    destMediaCap_payloadCapability: z.number(),
    destMediaCap_maxFramesPerPacket: z.number(),
    origPrecedenceLevel: z.number(),
    destPrecedenceLevel: z.number(),
    origCalledPartyRedirectReason: z
      .number()
      .describe(
        "CUCM redirect reason of the original called party's forward: 15 all, 1 busy, 2 no answer; 0 none",
      ),
    lastRedirectRedirectReason: z.number().describe('the same, of the last forward'),
    origCallTerminationOnBehalfOf: z
      .number()
      .describe(
        "CUCM OnBehalfOf code of why the caller's side ended: 12 device, 10 transfer, 4 conference; 0 other",
      ),
    destCallTerminationOnBehalfOf: z.number().describe("the same, of the destination's side"),
    origCalledPartyRedirectOnBehalfOf: z
      .number()
      .describe('OnBehalfOf code of the first redirect: 5 forward, 16 pickup, 4 conference; 0 none'),
    lastRedirectRedirectOnBehalfOf: z.number().describe('the same, of the last redirect'),
    joinOnBehalfOf: z.number().describe('what joined this call: 10 a transfer, 4 a conference; 0 none'),
    destConversationId: z
      .number()
      .describe('the conference a party call belongs to (the same for all its parties); 0 none'),
    comment: z
      .string()
      .describe(
        'the conference controller: ConfControllerDn=…;ConfControllerDeviceName=…; a call refused by media encryption policy: MediaEncryptionRefused=<why>',
      ),
    callSecuredStatus: z
      .number()
      .describe('CUCM callSecuredStatus: 2 the media was encrypted (SRTP phone to phone), 0 not'),
  })
  .meta({ id: 'CallDetailRecord' });
