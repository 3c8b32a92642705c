import type { DeviceProtocol } from './device.js';

/** Every reason the call manager can refuse a registration for: one closed list. */
export type RejectionReason =
  | 'auto-registration-disabled'
  | 'auto-registration-protocol-mismatch'
  | 'dn-range-exhausted'
  | 'device-protocol-mismatch'
  | 'unsupported-model'
  | 'invalid-device-name'
  | 'sip-identity-unknown'
  | 'sip-authentication-failed'
  | 'registered-elsewhere'
  | 'node-busy'
  | 'sip-digest-invalid'
  | 'sip-credentials-required'
  | 'auto-registration-subnet'
  | 'auto-registration-oui'
  | 'auto-registration-model'
  | 'auto-registration-rate'
  | 'awaiting-approval'
  | 'approval-refused'
  | 'approval-queue-full'
  | 'security-profile-requires-tls';

/** What the adapter, the event log and the operator are told about a refusal. */
export interface Rejection {
  reason: RejectionReason;
  /** What happened, for the operator: names the device and the setting involved. */
  message: string;
  /** What to change so that the phone registers. */
  remedy: string;
  /** Short text for the phone's screen (SCCP RegisterReject carries at most 31 characters). */
  phoneText: string;
  /** SIP final response used by the SIP adapter; `retryAfter` (seconds) goes into a Retry-After header. */
  sip: { status: number; phrase: string; retryAfter?: number };
}

/** Facts a rejection message may mention. */
export interface RejectionContext {
  deviceName: string;
  nodeName: string;
  protocol: DeviceProtocol;
  /** Current Auto Registration Phone Protocol. */
  autoRegistrationProtocol?: DeviceProtocol;
  /** Protocol the existing device is configured for. */
  configuredProtocol?: DeviceProtocol;
  range?: { startingDn: string; endingDn: string };
  /** Device type or model text the phone announced. */
  announcedModel?: string;
  /** SIP digest user name (or AOR user part) the phone registered with. */
  username?: string;
  /** The device's live registration on this node: where from, over which protocol. */
  live?: { ip: string; protocol: DeviceProtocol };
  /** IP address the refused request came from. */
  ip?: string;
  /** Registrations waiting for the database on the node when it refused one more. */
  pending?: number;
  /** Seconds after which a phone told to retry later should try again. */
  retryAfterSeconds?: number;
  /** What exactly was wrong (a digest check), for the message. */
  detail?: string;
  /** Address the refused request came from. */
  address?: string;
  /** The values an auto-registration guard rule allows (subnets, OUIs or models), as a list for the message. */
  allowed?: string;
  /** New phones per minute the node's auto-registration guard admits. */
  perMinute?: number;
  /** Phones waiting for approval when one more could not be queued. */
  queued?: number;
  /** The device's Phone Security Profile, and the signalling transport the refused attempt came over. */
  securityProfile?: string;
  transport?: string;
}

function other(p: DeviceProtocol): DeviceProtocol {
  return p === 'SCCP' ? 'SIP' : 'SCCP';
}

type Entry = Omit<Rejection, 'reason'>;

/** "SEP001122334455 (7960) from 10.9.9.9": an unknown phone as the guard's messages name it. */
function newPhone(c: RejectionContext): string {
  return `${c.deviceName} (${c.announcedModel ?? 'unknown model'}) from ${c.ip ?? 'an unknown address'}`;
}

// One exhaustive table (Kamailio's rerrno/reply idea): adding a reason without its texts does not compile.
const CATALOGUE: Record<RejectionReason, (c: RejectionContext) => Entry> = {
  'auto-registration-disabled': (c) => ({
    message: `${c.deviceName} is not configured and auto-registration is disabled on node ${c.nodeName}`,
    remedy:
      `Add ${c.deviceName} under Device > Phone, or enable auto-registration on ${c.nodeName} ` +
      '(System > Cisco Unified CM > Auto-registration)',
    phoneText: 'Auto-registration disabled',
    sip: { status: 404, phrase: 'Not Found (auto-registration disabled)' },
  }),
  'auto-registration-protocol-mismatch': (c) => {
    const allowed = c.autoRegistrationProtocol ?? other(c.protocol);
    return {
      message: `${c.deviceName} tried to auto-register over ${c.protocol}, but the auto-registration protocol is ${allowed}`,
      remedy:
        `auto-registration protocol is ${allowed}; set Enterprise Parameter Auto Registration Phone Protocol to ` +
        `${c.protocol} (applies to the next registration, no restart), or load ${allowed} firmware on the phone`,
      phoneText: `Auto-reg protocol is ${allowed}`,
      sip: { status: 403, phrase: `Forbidden (auto-registration protocol is ${allowed})` },
    };
  },
  'dn-range-exhausted': (c) => {
    const range = c.range ? ` ${c.range.startingDn}–${c.range.endingDn}` : '';
    return {
      message: `${c.deviceName} could not auto-register: every DN of node ${c.nodeName}'s range${range} is in use`,
      remedy: `Widen the auto-registration range of ${c.nodeName}, free unused DNs, or add ${c.deviceName} by hand`,
      phoneText: 'No free auto-reg DN',
      sip: { status: 503, phrase: 'Service Unavailable (auto-registration range exhausted)' },
    };
  },
  'device-protocol-mismatch': (c) => {
    const configured = c.configuredProtocol ?? other(c.protocol);
    return {
      message: `${c.deviceName} registered over ${c.protocol}, but it is configured as a ${configured} phone`,
      remedy:
        `Load ${configured} firmware on the phone, or migrate the device to ${c.protocol} ` +
        '(Bulk Administration > Migrate Phones)',
      phoneText: `Device is configured for ${configured}`,
      sip: { status: 403, phrase: `Forbidden (device is configured for ${configured})` },
    };
  },
  'unsupported-model': (c) => ({
    message: `${c.deviceName} announced model ${c.announcedModel ?? 'unknown'}, which openucm does not support for auto-registration`,
    remedy: `Add ${c.deviceName} by hand under Device > Phone with its model, or report the model to the openucm project`,
    phoneText: 'Unsupported device type',
    sip: { status: 403, phrase: 'Forbidden (unsupported device type)' },
  }),
  'invalid-device-name': (c) => ({
    message: `a phone registered with the name "${c.deviceName}", which is not SEP followed by 12 upper-case hex digits`,
    remedy:
      'Check the phone: its device name is SEP plus its MAC address; a name in another form cannot register',
    phoneText: 'Invalid device name',
    sip: { status: 400, phrase: 'Bad Request (invalid device name)' },
  }),
  // sip-cisco.md §2: CUCM answers 404 when the digest user is not associated with a device.
  'sip-identity-unknown': (c) => ({
    message:
      `a SIP phone registered as user "${c.username ?? c.deviceName}" (${c.announcedModel ?? 'unknown model'}) without a MAC: ` +
      'no Cisco +sip.instance, no user part SEP<MAC>, and no device has SIP credentials for this user',
    remedy:
      "Set the phone's SIP user (account user part) to SEP followed by its 12-digit MAC so it can auto-register, " +
      'or give the device SIP digest credentials for this user',
    phoneText: 'Unknown SIP user',
    sip: { status: 404, phrase: 'Not Found (unknown SIP user)' },
  }),
  'sip-authentication-failed': (c) => ({
    message: `${c.deviceName} failed SIP digest authentication as user "${c.username ?? '?'}" (${c.detail ?? 'wrong password or user name'})`,
    remedy: `Set the SIP password on the phone to the one configured for ${c.deviceName}, or change its SIP credentials`,
    phoneText: 'Authentication failed',
    sip: { status: 403, phrase: 'Forbidden (authentication failed)' },
  }),
  // A live registration is not taken over: the phone holding it must end it (or, on SIP, prove who it is).
  'registered-elsewhere': (c) => {
    const live = c.live ?? { ip: 'another address', protocol: c.protocol };
    const ends =
      live.protocol === 'SCCP'
        ? 'once the old registration ends: keepalive timeout, or Reset it from the phone page'
        : 'once its old registration expires (the Expires the phone asked for, at most an hour), or at once if ' +
          'the device has SIP digest credentials: a phone that passes authentication may move its registration';
    return {
      message:
        `${c.deviceName} is registered from ${live.ip} over ${live.protocol}; a registration for it from ` +
        `${c.ip ?? 'another address'} was refused so that the live one is not taken over`,
      remedy:
        `If the phone really moved, it registers ${ends}. If it did not move, something at ` +
        `${c.ip ?? 'the refused address'} is using the name ${c.deviceName}`,
      phoneText: 'Device registered elsewhere',
      sip: { status: 403, phrase: 'Forbidden (device registered from another address)' },
    };
  },
  // Too many registrations already wait for the database: the phone retries instead of queueing.
  'node-busy': (c) => ({
    message:
      `${c.deviceName} was told to retry later: ${c.pending ?? 'too many'} registrations were already waiting ` +
      `for the database on node ${c.nodeName}`,
    remedy:
      'Nothing to do if it passes: the phone registers when it retries. If it lasts, the database cannot keep up ' +
      'with the registrations (check its disk and load, or the PostgreSQL server), or raise --registration-max-pending',
    phoneText: 'Node busy, retry later',
    // RFC 3261 §21.5.4: 503 "The server MAY indicate when the client should retry the request in a Retry-After header field."
    sip: {
      status: 503,
      phrase: 'Service Unavailable (node busy; retry later)',
      retryAfter: c.retryAfterSeconds ?? 10,
    },
  }),
  // RFC 7616 §3.4.6: a "uri" that is not the Request-Line's resource: "the server SHOULD return a 400 Bad Request".
  'sip-digest-invalid': (c) => ({
    message:
      `a REGISTER for ${c.deviceName}${c.address ? ` from ${c.address}` : ''} carried digest credentials that do not ` +
      `answer openucm's challenge for that request: ${c.detail ?? 'unusable credentials'}`,
    remedy:
      `If this is ${c.deviceName} itself, its SIP software answers challenges in a way openucm refuses (RFC 7616 ` +
      'requires qop=auth and the Request-URI as digest uri): update its firmware. If it is not, someone replayed or ' +
      `forged a REGISTER for ${c.deviceName}`,
    phoneText: 'Bad digest response',
    sip: { status: 400, phrase: 'Bad Request (digest response does not fit the request)' },
  }),
  'sip-credentials-required': (c) => ({
    message:
      `${c.deviceName} tried to register over SIP without digest credentials, and SIP devices without ` +
      'credentials are refused (Enterprise Parameter SIP Devices Without Credentials)',
    remedy:
      `Give ${c.deviceName} SIP credentials (Device > Phone > SIP Credentials; add the phone there first if it is not ` +
      'configured) and Reset it so that it loads them, or allow SIP devices without credentials under System > ' +
      'Enterprise Parameters (applies to the next registration, no restart)',
    phoneText: 'SIP credentials required',
    sip: { status: 403, phrase: 'Forbidden (SIP credentials required)' },
  }),
  // The auto-registration guard (System > Cisco Unified CM): which unknown phones may auto-register.
  'auto-registration-subnet': (c) => ({
    message: `${newPhone(c)} is not in the auto-registration subnets of ${c.nodeName} (${c.allowed ?? '?'})`,
    remedy:
      `Add its subnet on System > Cisco Unified CM > ${c.nodeName} (Auto-registration Guard, Allowed Subnets), ` +
      `or configure the phone under Device > Phone`,
    phoneText: 'Subnet may not auto-register',
    sip: { status: 403, phrase: 'Forbidden (source subnet may not auto-register)' },
  }),
  'auto-registration-oui': (c) => ({
    message:
      `${newPhone(c)} has MAC vendor prefix (OUI) ${c.deviceName.slice(3, 9)}, which is not among the ` +
      `auto-registration OUIs of ${c.nodeName} (${c.allowed ?? '?'})`,
    remedy:
      `Add ${c.deviceName.slice(3, 9)} to Allowed MAC OUIs on System > Cisco Unified CM > ${c.nodeName}, ` +
      'or configure the phone under Device > Phone',
    phoneText: 'MAC vendor may not auto-reg',
    sip: { status: 403, phrase: 'Forbidden (MAC vendor may not auto-register)' },
  }),
  'auto-registration-model': (c) => ({
    message: `${newPhone(c)} is a model that may not auto-register on ${c.nodeName} (allowed: ${c.allowed ?? '?'})`,
    remedy:
      `Add the model to Allowed Models on System > Cisco Unified CM > ${c.nodeName}, ` +
      'or configure the phone under Device > Phone',
    phoneText: 'Model may not auto-register',
    sip: { status: 403, phrase: 'Forbidden (model may not auto-register)' },
  }),
  'auto-registration-rate': (c) => ({
    message:
      `${newPhone(c)} was told to retry later: ${c.nodeName} has auto-registered its limit of ` +
      `${c.perMinute ?? '?'} new phones in the last minute`,
    remedy:
      'Nothing to do during a rollout: the phone registers when it retries after the minute. To let more new ' +
      `phones in at once, raise New Phones per Minute on System > Cisco Unified CM > ${c.nodeName}; if no new ` +
      'phones were expected, look at where they come from (Monitoring > Registration Events)',
    phoneText: 'Too many new phones, retry',
    // RFC 3261 §21.5.4: 503 with Retry-After tells the client when to try again.
    sip: {
      status: 503,
      phrase: 'Service Unavailable (auto-registration rate limit; retry later)',
      retryAfter: 60,
    },
  }),
  'awaiting-approval': (c) => ({
    message: `${newPhone(c)} waits for an administrator's approval: new phones need approval on ${c.nodeName}`,
    remedy: `Accept or refuse ${c.deviceName} on Device > Pending Phones; once accepted it auto-registers at its next attempt`,
    phoneText: 'Waiting for approval',
    // RFC 3261 §21.4.18: 480 with Retry-After, "a better time to call": the phone keeps retrying.
    sip: { status: 480, phrase: 'Temporarily Unavailable (waiting for approval)', retryAfter: 60 },
  }),
  'approval-refused': (c) => ({
    message: `${newPhone(c)} was refused by an administrator (Device > Pending Phones) and may not auto-register on ${c.nodeName}`,
    remedy:
      `If it should register: Accept ${c.deviceName} among the refused phones on Device > Pending Phones, ` +
      'delete it there (it then waits for approval again), or add it under Device > Phone',
    phoneText: 'Refused by administrator',
    sip: { status: 403, phrase: 'Forbidden (refused by an administrator)' },
  }),
  'approval-queue-full': (c) => ({
    message:
      `${newPhone(c)} could not wait for approval: the queue on Device > Pending Phones is full ` +
      `(${c.queued ?? 'too many'} waiting)`,
    remedy:
      'Accept or refuse the waiting phones on Device > Pending Phones (this one is queued at its next attempt once ' +
      'there is room), or raise --auto-registration-max-pending-phones',
    phoneText: 'Approval queue full',
    sip: { status: 503, phrase: 'Service Unavailable (approval queue full; retry later)', retryAfter: 60 },
  }),
  // CUCM: a device whose Phone Security Profile is Authenticated or Encrypted signals over TLS only.
  'security-profile-requires-tls': (c) => ({
    message:
      c.protocol === 'SCCP'
        ? `${c.deviceName} registered over SCCP, but its Phone Security Profile "${c.securityProfile ?? '?'}" asks for TLS, and openucm does not serve SCCP over TLS (port 2443)`
        : `${c.deviceName} registered over ${c.transport ?? 'a transport other than TLS'}, but its Phone Security Profile "${c.securityProfile ?? '?'}" asks for TLS`,
    remedy:
      c.protocol === 'SCCP'
        ? `Give ${c.deviceName} a profile whose transport is not TLS (Device > Phone > Device Security Profile), or load SIP firmware that does TLS on it`
        : `Reset ${c.deviceName} so that it loads its configuration file, which tells it to register over TLS to port 5061 ` +
          '(7940/7960 SIP loads cannot do TLS; 79x1/79x2/79x5/797x SIP loads can, once they trust the node’s certificate), ' +
          `or give ${c.deviceName} a profile whose transport is not TLS (Device > Phone > Device Security Profile)`,
    phoneText: 'Security profile needs TLS',
    sip: { status: 403, phrase: 'Forbidden (security profile requires TLS)' },
  }),
};

export const REJECTION_REASONS = Object.keys(CATALOGUE) as RejectionReason[];

/** The full rejection for `reason` in `context`. */
export function rejection(reason: RejectionReason, context: RejectionContext): Rejection {
  return { reason, ...CATALOGUE[reason](context) };
}
