/**
 * Bulk Administration > Phones > Migrate Phones (cucm.md §2): what a migration of phones from
 * one protocol to the other will do, phone by phone, decided before anything changes. Pure.
 */
import type { DeviceDefault } from './device-defaults.js';
import { loadForDevice } from './device-defaults.js';
import type { DeviceProtocol, Line } from './device.js';
import type { EnterpriseParameters } from './enterprise-parameters.js';
import { protocolOfLoad } from './load.js';
import type { LoadVersion } from './load-version.js';
import { parseLoadVersion } from './load-version.js';
import { phoneModel } from './phone-models.js';

export type MigrationDirection = 'SCCP_TO_SIP' | 'SIP_TO_SCCP';
export const MIGRATION_DIRECTIONS: readonly MigrationDirection[] = ['SCCP_TO_SIP', 'SIP_TO_SCCP'];

/**
 * The steps of one phone, in order: an intermediate SCCP load when the SIP load cannot be
 * installed from the running one; the protocol switch (device row + reset); the wait for the
 * phone to register over the new protocol.
 */
export type MigrationStep = 'upgrade-sccp-load' | 'switch-protocol' | 'await-registration';
export const MIGRATION_STEPS: readonly MigrationStep[] = [
  'upgrade-sccp-load',
  'switch-protocol',
  'await-registration',
];

export function fromProtocol(direction: MigrationDirection): DeviceProtocol {
  return direction === 'SCCP_TO_SIP' ? 'SCCP' : 'SIP';
}

export function toProtocol(direction: MigrationDirection): DeviceProtocol {
  return direction === 'SCCP_TO_SIP' ? 'SIP' : 'SCCP';
}

/** A device as planning needs it: its configuration and the load it last reported. */
export interface MigrationCandidate {
  name: string;
  model: string;
  protocol: DeviceProtocol;
  description: string;
  lines: Line[];
  /** Phone Load Name override (null = Device Defaults). */
  loadId: string | null;
  /** Load the phone reported when it last registered (null = it did not say). */
  activeLoadId: string | null;
}

export type PlanOutcome = 'migrate' | 'skip' | 'cannot-migrate';

/** What the migration will do to one phone. */
export interface PhonePlan {
  deviceName: string;
  model: string;
  description: string;
  lines: Line[];
  fromProtocol: DeviceProtocol;
  toProtocol: DeviceProtocol;
  /** The Phone Load Name before the migration (null = Device Defaults). */
  phoneLoadName: string | null;
  /** The load the phone runs now as far as we know, and how we know it. */
  runningLoadId: string | null;
  runningLoadSource: 'reported' | 'configured' | 'unknown';
  /** The newer load of the current protocol to install first, or null when none is needed. */
  intermediateLoadId: string | null;
  /** The load of the new protocol (Device Defaults of the model); null when there is none. */
  targetLoadId: string | null;
  steps: MigrationStep[];
  outcome: PlanOutcome;
  /** Why the phone is skipped or cannot migrate; null when it migrates. */
  reason: string | null;
  /** Things the operator should know that do not stop the migration. */
  notes: string[];
}

/**
 * 7940/7960 (provisioning.md §3.4, Cisco doc 5455): "SCCP ≤3.x and 5.x → SIP 7.x" needs its own
 * procedure; "SCCP ≥6.x ↔ SIP ≥7.x (direct)". So a phone on SCCP below 6.x first takes a newer
 * SCCP load before a SIP 7.x/8.x load; the last SCCP release P00308010200 (§3.3) is the one the
 * community upgrades to first. 79x1/79x2/797x (SCCPnn./SIPnn. loads): no intermediate step is
 * documented; the SIP load is set directly. Reverse: every SIP load goes straight to SCCP ≥5.x.
 */
interface SipInstallRule {
  models: readonly string[];
  /** Oldest SCCP major release from which the SIP load installs directly. */
  minimumSccpMajor: number;
  /** SIP major releases from this one up need that minimum (older SIP loads had their own paths). */
  fromSipMajor: number;
  intermediateSccpLoad: string;
}

const SIP_INSTALL_RULES: readonly SipInstallRule[] = [
  { models: ['7940', '7960'], minimumSccpMajor: 6, fromSipMajor: 7, intermediateSccpLoad: 'P00308010200' },
];

function ruleFor(model: string): SipInstallRule | undefined {
  return SIP_INSTALL_RULES.find((r) => r.models.includes(model));
}

/** Plans the migration of one device in `direction`, with the Device Defaults in force. */
export function planPhone(
  device: MigrationCandidate,
  direction: MigrationDirection,
  defaults: DeviceDefault[],
): PhonePlan {
  const from = fromProtocol(direction);
  const to = toProtocol(direction);
  const configured = loadForDevice(device, defaults);
  const runningLoadId = device.activeLoadId ?? configured;
  const plan: PhonePlan = {
    deviceName: device.name,
    model: device.model,
    description: device.description,
    lines: device.lines,
    fromProtocol: from,
    toProtocol: to,
    phoneLoadName: device.loadId,
    runningLoadId,
    runningLoadSource: device.activeLoadId ? 'reported' : configured ? 'configured' : 'unknown',
    intermediateLoadId: null,
    targetLoadId: null,
    steps: [],
    outcome: 'migrate',
    reason: null,
    notes: [],
  };
  const refuse = (outcome: PlanOutcome, reason: string): PhonePlan => ({
    ...plan,
    outcome,
    reason,
    steps: [],
  });

  if (device.protocol === to) return refuse('skip', `${device.name} is already a ${to} phone`);
  const model = phoneModel(device.model);
  if (!model) {
    return refuse(
      'cannot-migrate',
      `model ${device.model} is not in openucm's catalogue, so its ${to} firmware is unknown`,
    );
  }
  if (!model.protocols.includes(to)) {
    return refuse(
      'cannot-migrate',
      `${model.displayName} has no ${to} firmware: it runs ${model.protocols.join(' and ')} only`,
    );
  }
  const target = defaults.find((d) => d.model === device.model && d.protocol === to)?.loadId ?? null;
  if (!target) {
    return refuse(
      'cannot-migrate',
      `Device Defaults name no ${to} load for ${model.displayName}; set one under Device > Device Settings > Device Defaults`,
    );
  }
  const targetProtocol = protocolOfLoad(target);
  if (targetProtocol !== null && targetProtocol !== to) {
    return refuse(
      'cannot-migrate',
      `the Device Defaults load ${target} for ${model.displayName} ${to} is a ${targetProtocol} load, not a ${to} load; correct it under Device > Device Settings > Device Defaults`,
    );
  }
  plan.targetLoadId = target;
  if (direction === 'SCCP_TO_SIP') {
    const step = intermediateStep(device.model, plan, target);
    if (step.cannot) return refuse('cannot-migrate', step.cannot);
    plan.intermediateLoadId = step.load;
    plan.notes.push(...step.notes);
  }
  if (device.loadId) {
    plan.notes.push(
      `Phone Load Name ${device.loadId} is cleared: as a ${to} phone it follows Device Defaults (${target})`,
    );
  }
  plan.steps = [
    ...(plan.intermediateLoadId ? (['upgrade-sccp-load'] as const) : []),
    'switch-protocol',
    'await-registration',
  ];
  return plan;
}

function intermediateStep(
  model: string,
  plan: PhonePlan,
  target: string,
): { load: string | null; notes: string[]; cannot?: string } {
  const rule = ruleFor(model);
  if (!rule) return { load: null, notes: [] };
  const sip = parseLoadVersion(target);
  if (sip && sip.major < rule.fromSipMajor) return { load: null, notes: [] };
  const running: LoadVersion | null = plan.runningLoadId ? parseLoadVersion(plan.runningLoadId) : null;
  if (!running || running.family !== 'P0' || running.protocol !== 'SCCP') {
    const what = plan.runningLoadId
      ? `its load ${plan.runningLoadId} is not an SCCP load openucm can read`
      : 'its running load is unknown';
    return {
      load: rule.intermediateSccpLoad,
      notes: [`${what}; it first takes ${rule.intermediateSccpLoad}, from which ${target} installs`],
    };
  }
  if (running.major >= rule.minimumSccpMajor) return { load: null, notes: [] };
  const basis = plan.runningLoadSource === 'reported' ? 'runs' : 'is configured for';
  return {
    load: rule.intermediateSccpLoad,
    notes: [
      `${plan.deviceName} ${basis} SCCP ${running.display} (${running.loadId}); SIP ${sip?.display ?? target} installs only from SCCP ${rule.minimumSccpMajor}.x or later, so it first takes SCCP ${rule.intermediateSccpLoad}`,
    ],
  };
}

/** A condition the whole migration should fix or accept, with the offer to fix it. */
export interface MigrationWarning {
  code: 'auto-registration-protocol' | 'load-not-installed' | 'sip-credentials';
  message: string;
  remedy: string;
  /** For `auto-registration-protocol`: the value `switchAutoRegistrationProtocol` would set. */
  switchTo?: DeviceProtocol;
}

/**
 * cucm.md §1.3 (Cisco doc 70955): a SIP phone that must auto-register while Auto Registration
 * Phone Protocol is SCCP is rejected. After a migration the migrated models run the new
 * protocol, so any of them that is not configured (a new phone, or one whose device is
 * deleted) will try to auto-register with it.
 */
export function autoRegistrationWarning(input: {
  direction: MigrationDirection;
  parameters: EnterpriseParameters;
  migrating: number;
  /** Nodes where auto-registration is enabled. */
  autoRegistrationNodes: string[];
}): MigrationWarning | null {
  const to = toProtocol(input.direction);
  const current = input.parameters.autoRegistrationPhoneProtocol;
  if (input.migrating === 0 || current === to || input.autoRegistrationNodes.length === 0) return null;
  const nodes = input.autoRegistrationNodes.join(', ');
  return {
    code: 'auto-registration-protocol',
    message:
      `after this migration ${input.migrating} phone(s) run ${to}, but Auto Registration Phone Protocol is ${current}: ` +
      `a ${to} phone that is not configured (a new phone, or one of these after its device is deleted) is rejected when it tries to auto-register on ${nodes}`,
    remedy:
      `switch Auto Registration Phone Protocol to ${to} with this job (switchAutoRegistrationProtocol: true) or under ` +
      'System > Enterprise Parameters; it applies to the next registration, no restart is needed',
    switchTo: to,
  };
}

export interface MigrationSummary {
  total: number;
  migrate: number;
  /** Of `migrate`: phones that take an intermediate SCCP load first. */
  withUpgrade: number;
  skip: number;
  cannotMigrate: number;
}

export function summarize(plans: PhonePlan[]): MigrationSummary {
  const migrate = plans.filter((p) => p.outcome === 'migrate');
  return {
    total: plans.length,
    migrate: migrate.length,
    withUpgrade: migrate.filter((p) => p.intermediateLoadId !== null).length,
    skip: plans.filter((p) => p.outcome === 'skip').length,
    cannotMigrate: plans.filter((p) => p.outcome === 'cannot-migrate').length,
  };
}

/** The plan of a device name that was asked for but does not exist. */
export function missingDevicePlan(name: string, direction: MigrationDirection): PhonePlan {
  return {
    deviceName: name,
    model: '',
    description: '',
    lines: [],
    fromProtocol: fromProtocol(direction),
    toProtocol: toProtocol(direction),
    phoneLoadName: null,
    runningLoadId: null,
    runningLoadSource: 'unknown',
    intermediateLoadId: null,
    targetLoadId: null,
    steps: [],
    outcome: 'cannot-migrate',
    reason: `phone ${name} does not exist (Device > Phone)`,
    notes: [],
  };
}

/** The loads a set of plans will ask phones to take (to check that they are installed). */
export function loadsToInstall(plans: PhonePlan[]): string[] {
  const loads = new Set<string>();
  for (const p of plans) {
    if (p.outcome !== 'migrate') continue;
    if (p.intermediateLoadId) loads.add(p.intermediateLoadId);
    if (p.targetLoadId) loads.add(p.targetLoadId);
  }
  return [...loads].sort();
}

/** What the job will do about a migrating phone's SIP credentials, for its plan's notes. */
export function sipCredentialsNote(
  deviceName: string,
  digestUser: string | null,
  createSipCredentials: boolean,
): string | null {
  if (digestUser !== null) return `${deviceName} keeps its SIP credentials (digest user ${digestUser})`;
  if (!createSipCredentials) return null;
  return (
    `${deviceName} gets SIP credentials when it is switched: digest user ${deviceName} and a generated password, ` +
    'which its configuration file carries; collect the passwords once from the job'
  );
}

/**
 * Phones that will run SIP without credentials: a warning when SIP devices without credentials are
 * refused (they would be refused after the switch), or null.
 */
export function sipCredentialsWarning(input: {
  direction: MigrationDirection;
  parameters: EnterpriseParameters;
  createSipCredentials: boolean;
  /** Migrating phones that have no SIP credentials. */
  withoutCredentials: number;
}): MigrationWarning | null {
  if (input.direction !== 'SCCP_TO_SIP' || input.createSipCredentials || input.withoutCredentials === 0)
    return null;
  if (input.parameters.sipDevicesWithoutCredentials !== 'refused') return null;
  return {
    code: 'sip-credentials',
    message:
      `${input.withoutCredentials} of the phones to migrate have no SIP credentials, and SIP devices without ` +
      'credentials are refused: once switched to SIP they will be rejected and fail at await-registration',
    remedy:
      'create credentials for them with this job (createSipCredentials: true), set them first (Device > Phone > SIP ' +
      'Credentials, or a CSV import), or allow SIP devices without credentials under System > Enterprise Parameters',
  };
}

/** A warning for each load that phones will be asked to take but that no uploaded file provides. */
export function missingLoadWarnings(plans: PhonePlan[], missing: string[]): MigrationWarning[] {
  return missing.map((load) => {
    const phones = plans.filter(
      (p) => p.outcome === 'migrate' && (p.intermediateLoadId === load || p.targetLoadId === load),
    ).length;
    return {
      code: 'load-not-installed' as const,
      message: `load ${load} is not on this node's TFTP server, and ${phones} phone(s) of this migration must take it: they will keep their load and fail the step`,
      remedy: `upload the files of ${load} under Device > Firmware Loads before the job runs`,
    };
  });
}
