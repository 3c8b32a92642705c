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
  | 'node-shutdown';

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
};

interface Where {
  at: Date;
  deviceName: string;
  protocol: DeviceProtocol;
  address: string;
  node: string;
}

export function rejectedEvent(where: Where, r: Rejection): RegistrationEvent {
  return { ...base(where), outcome: 'rejected', reason: r.reason, message: r.message, remedy: r.remedy };
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
