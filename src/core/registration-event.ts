import type { DeviceProtocol } from './device.js';
import type { Rejection, RejectionReason } from './rejection.js';

export type RegistrationOutcome = 'accepted' | 'rejected' | 'unregistered';

/** Why a device stopped being registered. */
export type UnregistrationReason =
  | 'keepalive-timeout'
  | 'registration-expired'
  | 'connection-closed'
  | 'unregister-request'
  | 'replaced-by-new-registration'
  | 'device-reset'
  | 'device-deleted'
  | 'node-shutdown'
  /** The node holding it stopped answering (its heartbeat went silent): docs/cluster.md. */
  | 'node-down'
  /** Its Phone Security Profile now asks for TLS and it registered without: docs/sip-tls.md. */
  | 'security-profile-changed';

export type AcceptanceReason = 'configured-device' | 'auto-registered';

/** One line of the registration log: every attempt, accepted or rejected, and every loss. */
export interface RegistrationEvent {
  /** ISO-8601 time. */
  at: string;
  deviceName: string;
  protocol: DeviceProtocol;
  address: string;
  node: string;
  outcome: RegistrationOutcome;
  reason: RejectionReason | UnregistrationReason | AcceptanceReason;
  message: string;
  /** What to do about it; null when nothing needs doing. */
  remedy: string | null;
  /*
   * A folded refusal (identical refusals: same device name, reason and source IP within a
   * minute, are one event) has these three; any other event is one attempt and has none.
   */
  /** Attempts the event stands for so far, the first included. */
  count?: number;
  /** ISO-8601 time of the last of them. */
  lastAt?: string;
  /** Identifies the event across the updates of its count. */
  repeatKey?: string;
}

const UNREGISTRATION_TEXT: Record<UnregistrationReason, { message: string; remedy: string | null }> = {
  'keepalive-timeout': {
    message: 'stopped sending keepalives and was unregistered',
    remedy: 'Check power and the network path between the phone and the node (switch port, VLAN, firewall)',
  },
  'registration-expired': {
    message: 'did not refresh its SIP registration before it expired and was unregistered',
    remedy:
      'Check power and the network path between the phone and the node (switch port, VLAN, firewall, NAT timeouts)',
  },
  'connection-closed': { message: 'closed its connection and was unregistered', remedy: null },
  'unregister-request': { message: 'unregistered itself', remedy: null },
  'replaced-by-new-registration': {
    message: 'registered again from a new connection; the old one was closed',
    remedy: null,
  },
  'device-reset': { message: 'was reset by an administrator', remedy: null },
  'device-deleted': { message: 'was deleted by an administrator while registered', remedy: null },
  'node-shutdown': { message: 'was unregistered because the node is shutting down', remedy: null },
  'node-down': {
    message:
      'is shown unregistered: its node stopped answering; its phones are shown unregistered until they register elsewhere',
    remedy:
      'Check that node: is it running, and can it reach the database? Its phones register on the next node of their group, or on it again once it is back',
  },
  'security-profile-changed': {
    message:
      'was unregistered: its Phone Security Profile now asks for TLS, and it was registered over a transport other than TLS',
    remedy:
      'Reset the phone so that it loads its configuration file and registers over TLS (79x1 and later SIP loads), or give it a profile without TLS',
  },
};

interface Where {
  at: Date;
  deviceName: string;
  protocol: DeviceProtocol;
  address: string;
  node: string;
}

/** A refusal; with `repeatKey` the first of a folded series, whose count `repeatedEvent` updates. */
export function rejectedEvent(where: Where, r: Rejection, repeatKey?: string): RegistrationEvent {
  const event = {
    ...base(where),
    outcome: 'rejected' as const,
    reason: r.reason,
    message: r.message,
    remedy: r.remedy,
  };
  return repeatKey === undefined ? event : { ...event, count: 1, lastAt: event.at, repeatKey };
}

/** The first event of a folded series with its count and last time brought up to date. */
export function repeatedEvent(first: RegistrationEvent, count: number, lastAt: Date): RegistrationEvent {
  return { ...first, count, lastAt: lastAt.toISOString() };
}

/**
 * Why `name` cannot be recorded as the name of a device: longer than any device name or SIP user
 * name a node knows (`maxLength`), or with characters that cannot be printed; null when it can.
 * Such a name is refused before anything is recorded.
 */
export function unrecordableName(name: string, maxLength: number): string | null {
  if (name.length > maxLength) return `a name of ${name.length} characters (at most ${maxLength})`;
  // Controls, format characters, surrogates, private use, unassigned, line and paragraph separators.
  if (/[\p{C}\p{Zl}\p{Zp}]/u.test(name)) return 'a name with characters that cannot be printed';
  return null;
}

export function acceptedEvent(where: Where, reason: AcceptanceReason, dns: string[]): RegistrationEvent {
  const lines = dns.length > 0 ? ` with DN ${dns.join(', ')}` : ' with no line';
  const how = reason === 'auto-registered' ? 'auto-registered' : 'registered';
  return {
    ...base(where),
    outcome: 'accepted',
    reason,
    message: `${where.deviceName} ${how} over ${where.protocol} on ${where.node}${lines}`,
    remedy: null,
  };
}

export function unregisteredEvent(where: Where, reason: UnregistrationReason): RegistrationEvent {
  const t = UNREGISTRATION_TEXT[reason];
  return {
    ...base(where),
    outcome: 'unregistered',
    reason,
    message: `${where.deviceName} ${t.message}`,
    remedy: t.remedy,
  };
}

function base(w: Where) {
  return {
    at: w.at.toISOString(),
    deviceName: w.deviceName,
    protocol: w.protocol,
    address: w.address,
    node: w.node,
  };
}
