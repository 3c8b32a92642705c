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
  /** Line settings (read from a phone; optional where a line is only index and DN). */
  displayName?: string;
  label?: string;
  maxCalls?: number;
  busyTrigger?: number;
  forwardAll?: string | null;
  forwardBusy?: string | null;
  forwardNoAnswer?: string | null;
  pickupGroup?: string | null;
}

export interface Phone {
  name: string;
  model: string;
  protocol: Protocol;
  description: string;
  lines: Line[];
  /** Do Not Disturb. */
  dnd: boolean;
  status: DeviceStatus;
  node: string | null;
  ipAddress: string | null;
  loadId: string | null;
  /** System > Device Pool. */
  devicePool: string;
  /** System > Security > Phone Security Profile. */
  securityProfile: string;
  activeLoadId: string | null;
  statusChangedAt: string | null;
  createdAt: string;
}

/** System > Cisco Unified CM Group: up to three nodes, primary first. */
export interface CmGroup {
  name: string;
  description: string;
  members: string[];
  autoRegistration: boolean;
}

/** System > Security > Phone Security Profile. */
export interface PhoneSecurityProfile {
  name: string;
  description: string;
  deviceSecurityMode: 'non-secure' | 'authenticated' | 'encrypted';
  transportType: 'tcp+udp' | 'tcp' | 'udp' | 'tls';
  mediaEncryptionFallback: 'refuse' | 'rtp';
  devices: number;
}

/** System > Device Pool. */
export interface DevicePool {
  name: string;
  description: string;
  cmGroup: string;
  devices: number;
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
  autoRegistrationGuard: AutoRegistrationGuard & { summary: string };
  /** The device pool phones auto-registered on this node get. */
  autoRegistrationPool: string;
  /** Up, silent, down (declared so by another node) or stopped: docs/cluster.md. */
  liveness?: NodeLiveness;
}

export interface NodeLiveness {
  state: 'up' | 'silent' | 'down' | 'stopped';
  lastHeartbeat: string | null;
  heartbeatAgeMs: number | null;
  downSince: string | null;
  phonesRegistered: number;
  summary: string;
}

/** A node was declared down, or answers again (pushed as node-liveness). */
export interface NodeLivenessChange {
  node: string;
  state: 'up' | 'down';
  phones: number;
  by: string;
  message: string;
}

/** Which unknown phones a node lets auto-register; empty lists allow any. */
export interface AutoRegistrationGuard {
  allowedSubnets: string[];
  allowedOuis: string[];
  allowedModels: string[];
  /** 0: no limit. */
  newPhonesPerMinute: number;
  approvalRequired: boolean;
}

export type PendingPhoneState = 'pending' | 'accepted' | 'refused';

/** An unknown phone held for approval (Device > Pending Phones). */
export interface PendingPhone {
  deviceName: string;
  model: string;
  protocol: Protocol;
  sourceIp: string;
  node: string;
  state: PendingPhoneState;
  firstSeenAt: string;
  lastSeenAt: string;
  attempts: number;
  decidedBy: string | null;
  decidedAt: string | null;
}

/** Pushed when a phone enters the queue, waits again, is decided or leaves it. */
export interface PendingPhoneChange {
  deviceName: string;
  state: PendingPhoneState | 'removed';
  node: string;
  at: string;
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
  sipDevicesWithoutCredentials: 'allowed' | 'refused';
}

export interface AdminSettings {
  autoRegistrationWarningDays: number;
  registrationEventRetentionDays: number;
  auditRetentionDays: number;
  registrationEventMaxRows: number;
  cdrRetentionDays: number;
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
  /** Attempts it stands for: identical refusals (device, reason, source IP) within a minute are one event. */
  count?: number;
  /** Time of the last of them. */
  lastAt?: string;
  /** A folded refusal: a live event with the same key updates its count. */
  repeatKey?: string;
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
    guard: string;
    guardOpen: boolean;
  }[];
  pendingPhones: { waiting: number; summary: string | null };
  warningDays: number;
  lastRejections: RegistrationEvent[];
  /** The sources with the most refused attempts in the last `refusedMinutes` minutes. */
  refusedSources: {
    sourceIp: string;
    attempts: number;
    events: number;
    topReason: string;
    lastAt: string;
    summary: string;
  }[];
  refusedMinutes: number;
  sipWithoutCredentials: { allowed: boolean; devices: number; warning: string | null };
  calls: {
    /** Calls begun per minute over the last hour (from the CDRs), and how many failed. */
    minutes: { minute: string; calls: number; failed: number }[];
    /** Failed calls of the last 24 hours by Q.850 cause, most first. */
    failuresByCause: { cause: number; name: string; calls: number }[];
    /** Calls this node holds now. */
    activeNow: number;
  };
}

export type CallState =
  'idle' | 'dialling' | 'proceeding' | 'alerting' | 'connected' | 'on-hold' | 'failed' | 'released';

/** A live call (GET /api/v1/active-calls, and the active-call event). */
export interface ActiveCall {
  node: string;
  callId: number;
  state: CallState;
  since: string;
  stateSince: string;
  connectedAt: string | null;
  calling: { number: string; name: string; deviceName: string };
  called: { dialled: string; number: string | null; name: string };
  legs: { legId: number; side: 'orig' | 'dest'; deviceName: string; line: number; state: string }[];
  codec: string | null;
  packetMs: number;
  /** The media flows as SRTP phone to phone. */
  encrypted: boolean;
}

export interface ActiveCallChange {
  call: ActiveCall;
  ended: boolean;
}

export interface CallCheck {
  id: 'call' | 'called-number' | 'forward' | 'registration' | 'busy' | 'codec' | 'media';
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** GET /api/v1/call-diagnosis and /call-detail-records/{id}/diagnosis. */
export interface CallDiagnosis {
  calling: string;
  called: string;
  cdrId: number | null;
  verdict: string;
  firstProblem: CallCheck | null;
  checks: CallCheck[];
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
  /** Failed sign-ins per source address; lockedUntil set where the user is locked out from it. */
  lockouts: { address: string; failures: number; lockedUntil: string | null }[];
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
  what:
    | 'enterprise-parameters'
    | 'node'
    | 'device'
    | 'device-defaults'
    | 'cm-group'
    | 'device-pool'
    | 'security-profile';
  name: string;
}

/** GET /phones/{name}/diagnosis and GET /diagnosis?mac=… ("Why isn't this phone registering?"). */
export type CheckStatus = 'ok' | 'problem' | 'warning' | 'info';

export interface DiagnosisCheck {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export interface Diagnosis {
  deviceName: string;
  verdict: string;
  firstProblem: DiagnosisCheck | null;
  checks: DiagnosisCheck[];
}

/** Device > Device Settings > Device Defaults. */
export interface DeviceDefault {
  model: string;
  protocol: Protocol;
  loadId: string | null;
  devicePool: string;
  loadAvailable: boolean;
}

export interface DeviceDefaultSaved {
  deviceDefault: DeviceDefault;
  warnings: string[];
}

/** Device > Firmware Loads. */
export interface FirmwareFile {
  file: string;
  size: number;
  modifiedAt: string;
}

export interface FirmwareLoad {
  loadId: string;
  files: FirmwareFile[];
}

/** Bulk Administration > Migrate Phones (POST /bulk-jobs and the jobs it creates). */
export type MigrationDirection = 'SCCP_TO_SIP' | 'SIP_TO_SCCP';
export type MigrationStep = 'upgrade-sccp-load' | 'switch-protocol' | 'await-registration';
export type ItemState = 'pending' | 'running' | 'waiting' | 'done' | 'failed' | 'skipped' | 'cancelled';
export type BulkJobStatus =
  'queued' | 'scheduled' | 'running' | 'paused' | 'cancelled' | 'completed' | 'failed';

export interface PhoneSelectionQuery {
  model?: string;
  description?: string;
  dnFrom?: string;
  dnTo?: string;
  node?: string;
  loadId?: string;
}

export type PhoneSelection = { query: PhoneSelectionQuery } | { deviceNames: string[] };

export interface MigrationPlan {
  deviceName: string;
  model: string;
  description: string;
  lines: Line[];
  fromProtocol: Protocol;
  toProtocol: Protocol;
  phoneLoadName: string | null;
  runningLoadId: string | null;
  runningLoadSource: 'reported' | 'configured' | 'unknown';
  intermediateLoadId: string | null;
  targetLoadId: string | null;
  steps: MigrationStep[];
  outcome: 'migrate' | 'skip' | 'cannot-migrate';
  reason: string | null;
  notes: string[];
}

export interface MigrationWarning {
  code: 'auto-registration-protocol' | 'load-not-installed' | 'sip-credentials';
  message: string;
  remedy: string;
  switchTo?: Protocol;
}

export interface MigrationPreview {
  direction: MigrationDirection;
  summary: { total: number; migrate: number; withUpgrade: number; skip: number; cannotMigrate: number };
  warnings: MigrationWarning[];
  phones: MigrationPlan[];
}

export type StateCounts = Record<ItemState, number>;

export interface JobProgress {
  total: number;
  finished: number;
  percent: number;
  counts: StateCounts;
  steps: { step: MigrationStep; counts: StateCounts }[];
}

export interface BulkJob {
  id: string;
  kind: 'migrate-phones';
  status: BulkJobStatus;
  node: string;
  direction: MigrationDirection;
  createdBy: string;
  createdAt: string;
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  options: {
    direction: MigrationDirection;
    selection: { query: PhoneSelectionQuery } | { deviceNameCount: number };
    stepTimeoutSeconds: number;
    concurrency: number;
    switchAutoRegistrationProtocol: boolean;
    createSipCredentials: boolean;
  };
  notes: { at: string; message: string }[];
  message: string | null;
  progress: JobProgress;
  /** Generated SIP passwords waiting to be collected once. */
  sipPasswordsWaiting: number;
}

export interface BulkJobItem {
  position: number;
  deviceName: string;
  step: MigrationStep;
  state: ItemState;
  reason: string | null;
  plan: MigrationPlan;
  startedAt: string | null;
  updatedAt: string;
  finishedAt: string | null;
}

/** Pushed as 'bulk-job-progress' on GET /events while a job changes. */
export interface BulkJobProgressEvent {
  jobId: string;
  status: BulkJobStatus;
  progress: JobProgress;
  at: string;
}

/** GET /backups (System > Backup). */
export interface BackupSchedule {
  enabled: boolean;
  intervalHours: number;
  directory: string;
  keep: number;
  node: string;
}

export interface BackupRecord {
  trigger: 'scheduled' | 'manual';
  node: string;
  startedAt: string;
  finishedAt: string;
  outcome: 'succeeded' | 'failed';
  file: string | null;
  bytes: number | null;
  message: string;
}

export interface BackupStatus {
  schedule: BackupSchedule;
  last: BackupRecord | null;
  running: boolean;
  nextAt: string | null;
  archives: { file: string; bytes: number; modifiedAt: string }[];
}

/** GET /phones/{name}/sip-credentials: never the password. */
export interface SipCredentials {
  deviceName: string;
  configured: boolean;
  username: string | null;
  defaultUsername: string;
  passwordInConfigFiles: boolean;
  problem: string | null;
  updatedAt: string | null;
  message?: string;
}

/** A Call Detail Record with CUCM's field names; times in UTC epoch seconds. */
export interface CallDetailRecord {
  id: number;
  node: string;
  globalCallID_callId: number;
  dateTimeOrigination: number;
  dateTimeConnect: number;
  dateTimeDisconnect: number;
  duration: number;
  callingPartyNumber: string;
  originalCalledPartyNumber: string;
  finalCalledPartyNumber: string;
  origCause_value: number;
  destCause_value: number;
  origDeviceName: string;
  destDeviceName: string;
}

/** The live push of a stored CDR (it has no row id yet). */
export interface CallDetailRecordPushed {
  node: string;
  cdr: Omit<CallDetailRecord, 'id' | 'node'>;
}

/** GET /certificate: the node's HTTPS (and SIP over TLS) certificate. */
export interface CertificateStatus {
  node: string;
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  validFrom: string;
  validTo: string;
  fingerprintSha256: string;
  spkiSha256: string;
  serialNumber: string;
  selfSigned: boolean;
  chainLength: number;
  keyType: string;
  /** Set when it expires within 30 days, or has. */
  warning: string | null;
  httpMode: 'redirect' | 'off' | 'serve';
  /** Set when the node serves its administration without TLS. */
  httpWarning: string | null;
}
