import type { PhoneSelection } from '../../core/bulk-job.js';
import { effectiveDeviceDefaults } from '../../core/device-defaults.js';
import type {
  MigrationDirection,
  MigrationSummary,
  MigrationWarning,
  PhonePlan,
} from '../../core/migration.js';
import {
  autoRegistrationWarning,
  fromProtocol,
  loadsToInstall,
  missingDevicePlan,
  missingLoadWarnings,
  planPhone,
  sipCredentialsNote,
  sipCredentialsWarning,
  summarize,
} from '../../core/migration.js';
import type { Store } from '../../store/store.js';
import { ValidationError } from '../configuration-service.js';
import type { StatusWriter } from '../status-writer.js';
import { MAX_JOB_PHONES, selectDevices, selectionProblem } from './selection.js';

/** A request to preview or create a Migrate Phones job (the API's body, validated for types). */
export interface MigrateJobInput {
  direction: MigrationDirection;
  selection: PhoneSelection;
  /** ISO-8601; absent = run now. */
  scheduledAt?: string;
  switchAutoRegistrationProtocol?: boolean;
  /** SCCP→SIP only: generated SIP credentials for migrated phones that have none. */
  createSipCredentials?: boolean;
  stepTimeoutSeconds?: number;
  concurrency?: number;
}

export interface MigrationPreviewResult {
  direction: MigrationDirection;
  summary: MigrationSummary;
  warnings: MigrationWarning[];
  phones: PhonePlan[];
}

export interface PreviewDeps {
  store: Store;
  statusWriter: StatusWriter;
  /** The firmware files on this node's TFTP server, to warn about loads that are missing. */
  loads?: { provides(loadId: string): Promise<boolean> };
}

/**
 * What a Migrate Phones job would do, phone by phone, with the warnings that concern the whole
 * migration (the auto-registration protocol, loads not uploaded). Changes nothing.
 */
export async function previewMigration(
  deps: PreviewDeps,
  input: MigrateJobInput,
): Promise<MigrationPreviewResult> {
  const problem = selectionProblem(input.selection);
  if (problem) throw new ValidationError(problem);
  if (input.createSipCredentials === true && input.direction !== 'SCCP_TO_SIP') {
    throw new ValidationError({
      field: 'createSipCredentials',
      message: 'SIP credentials are for SIP phones: only a migration SCCP_TO_SIP creates them',
    });
  }
  const { store, statusWriter } = deps;
  await statusWriter.flush();
  const [storedDefaults, parameters, nodes] = await Promise.all([
    store.deviceDefaults.listStored(),
    store.parameters.get(),
    store.nodes.list(),
  ]);
  const defaults = effectiveDeviceDefaults(storedDefaults);
  const { devices, missing } = await selectDevices(
    store,
    input.selection,
    fromProtocol(input.direction),
    defaults,
  );
  if (devices.length + missing.length > MAX_JOB_PHONES) {
    throw new ValidationError({
      field: 'selection',
      message: `the selection matches more than ${MAX_JOB_PHONES} phones; a job takes at most ${MAX_JOB_PHONES}: narrow the query`,
    });
  }
  const plans = [
    ...devices.map((d) => planPhone(d, input.direction, defaults)),
    ...missing.map((name) => missingDevicePlan(name, input.direction)),
  ];
  const summary = summarize(plans);
  const warnings: MigrationWarning[] = [];
  if (input.direction === 'SCCP_TO_SIP') {
    const migrating = plans.filter((p) => p.outcome === 'migrate');
    const users = new Map<string, string>();
    for (let i = 0; i < migrating.length; i += 500) {
      const found = await store.credentials.byDevices(migrating.slice(i, i + 500).map((p) => p.deviceName));
      for (const [name, c] of found) users.set(name, c.username);
    }
    const create = input.createSipCredentials === true;
    for (const plan of migrating) {
      const note = sipCredentialsNote(plan.deviceName, users.get(plan.deviceName) ?? null, create);
      if (note) plan.notes.push(note);
    }
    const sip = sipCredentialsWarning({
      direction: input.direction,
      parameters,
      createSipCredentials: create,
      withoutCredentials: migrating.filter((p) => !users.has(p.deviceName)).length,
    });
    if (sip) warnings.push(sip);
  }
  const ar = autoRegistrationWarning({
    direction: input.direction,
    parameters,
    migrating: summary.migrate,
    autoRegistrationNodes: nodes.filter((n) => n.autoRegistration.enabled).map((n) => n.name),
  });
  if (ar) warnings.push(ar);
  if (deps.loads) {
    const loads = deps.loads;
    const needed = loadsToInstall(plans);
    const present = await Promise.all(needed.map((l) => loads.provides(l)));
    warnings.push(
      ...missingLoadWarnings(
        plans,
        needed.filter((_, i) => !present[i]),
      ),
    );
  }
  return { direction: input.direction, summary, warnings, phones: plans };
}
