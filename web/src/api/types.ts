/** Bodies of the openucm REST API as the UI reads them (the API's OpenAPI document is the reference). */

export type Protocol = 'SCCP' | 'SIP';
export type DeviceStatus = 'registered' | 'unregistered' | 'rejected';
export type Role = 'admin' | 'read-only';

export interface Session {
  user: { name: string; role: Role };
  via: 'ui' | 'basic' | 'api-key';
  csrfToken: string | null;
}

export interface Line {
  index: number;
  dn: string;
}

export interface Phone {
  name: string;
  model: string;
  protocol: Protocol;
  description: string;
  lines: Line[];
  status: DeviceStatus;
  node: string | null;
  ipAddress: string | null;
  loadId: string | null;
  activeLoadId: string | null;
  statusChangedAt: string | null;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface PhoneModel {
  model: string;
  displayName: string;
  protocols: Protocol[];
  lineButtons: number;
}

export interface NodeInfo {
  name: string;
  autoRegistration: {
    enabled: boolean;
    startingDn: string;
    endingDn: string;
    changedAt: string;
    used: number;
    summary: string;
  };
}

export interface FreeDns {
  node: string;
  startingDn: string;
  endingDn: string;
  enabled: boolean;
  size: number;
  used: number;
  free: number;
  next: string[];
}

export interface EnterpriseParameters {
  autoRegistrationPhoneProtocol: Protocol;
}

export interface AdminSettings {
  autoRegistrationWarningDays: number;
}

export type Outcome = 'accepted' | 'rejected' | 'unregistered';

export interface RegistrationEvent {
  id?: number;
  at: string;
  deviceName: string;
  protocol: Protocol;
  address: string;
  node: string;
  outcome: Outcome;
  reason: string;
  message: string;
  remedy: string | null;
}

export interface DirectoryNumber {
  dn: string;
  deviceName: string | null;
  lineIndex: number | null;
  description: string | null;
}

export interface StatusCounts {
  registered: number;
  unregistered: number;
  rejected: number;
}

export interface Dashboard {
  at: string;
  byProtocol: (StatusCounts & { protocol: string })[];
  byNode: (StatusCounts & { node: string | null })[];
  minutes: { minute: string; accepted: number; rejected: number }[];
  autoRegistration: {
    node: string;
    enabled: boolean;
    startingDn: string;
    endingDn: string;
    used: number;
    summary: string;
    changedAt: string;
    onForDays: number | null;
    warning: string | null;
  }[];
  warningDays: number;
  lastRejections: RegistrationEvent[];
}

export interface AuditEntry {
  id: number;
  at: string;
  user: string;
  via: string;
  action: string;
  target: string;
  targetName: string;
  changes: { field: string; old: unknown; new: unknown }[];
  summary: string;
}

export interface User {
  name: string;
  role: Role;
  createdAt: string;
  lockedUntil: string | null;
  failedLogins: number;
}

export interface ApiKey {
  id: string;
  userName: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface DeviceStatusChange {
  name: string;
  status: DeviceStatus;
  node: string;
  ipAddress: string | null;
  protocol: Protocol;
  model: string;
  at: string;
}

export interface ConfigurationChange {
  what: 'enterprise-parameters' | 'node' | 'device';
  name: string;
}
