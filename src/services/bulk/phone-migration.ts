import type { ItemState } from '../../core/bulk-job.js';
import type { DeviceProtocol } from '../../core/device.js';
import type { MigrationStep, PhonePlan } from '../../core/migration.js';
import type { Repositories, Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import type { LiveEvents } from '../live-events.js';
import type { LiveRegistry } from '../live-registry.js';
import type { SipCredentialService } from '../sip-credentials.js';
import type { StatusWriter } from '../status-writer.js';
import type { DeviceSubscription, Observation, RegistrationWatch } from './registration-watch.js';

export interface PhoneMigrationDeps {
  store: Store;
  registry: LiveRegistry;
  statusWriter: StatusWriter;
  live: LiveEvents;
  watch: RegistrationWatch;
  nodeName: string;
  clock: Clock;
  credentials: SipCredentialService;
}

/** A change of the phone's item; `tx` makes it part of a device write's transaction. */
export type ItemUpdate = (
  change: { step?: MigrationStep; state?: ItemState; reason?: string | null },
  tx?: Repositories,
) => Promise<void>;

/** One phone of a running job, as its steps see it. */
export interface PhoneRun {
  deviceName: string;
  plan: PhonePlan;
  /** The step to start from (a resumed phone starts where it was). */
  step: MigrationStep;
  /** The phone was in progress when its job stopped here or on another node: this run resumes it. */
  resumed?: boolean;
  subscription: DeviceSubscription;
  stepTimeoutMs: number;
  signal: AbortSignal;
  update: ItemUpdate;
  /** The job gives phones switched to SIP generated credentials (createSipCredentials): its id. */
  createSipCredentialsFor?: string;
}

export type PhoneOutcome =
  | { kind: 'done'; notes: string[] }
  | { kind: 'failed'; step: MigrationStep; reason: string }
  /** `started`: the step had begun acting on the device when the job was halted. */
  | { kind: 'aborted'; step: MigrationStep; started: boolean };

type StepOutcome = { kind: 'ok'; notes: string[] } | { kind: 'failed'; reason: string } | { kind: 'aborted' };

const ok = (notes: string[] = []): StepOutcome => ({ kind: 'ok', notes });
const failed = (reason: string): StepOutcome => ({ kind: 'failed', reason });

/**
 * Runs the remaining steps of one phone's migration. Each step can be entered again after a
 * restart of the node: it looks at the device and the phone's registration before acting.
 */
export async function migratePhone(deps: PhoneMigrationDeps, run: PhoneRun): Promise<PhoneOutcome> {
  const start = run.plan.steps.indexOf(run.step);
  const steps = run.plan.steps.slice(Math.max(0, start));
  const notes: string[] = [];
  const context = { resetSent: false };
  for (const step of steps) {
    if (run.signal.aborted) return { kind: 'aborted', step, started: false };
    await run.update({ step, state: 'running' });
    const outcome = await STEPS[step](deps, run, context);
    if (outcome.kind === 'aborted') return { kind: 'aborted', step, started: true };
    if (outcome.kind === 'failed') return { kind: 'failed', step, reason: outcome.reason };
    notes.push(...outcome.notes);
  }
  return { kind: 'done', notes };
}

/** Step state shared from one step to the next of the same phone in this process. */
interface StepContext {
  /** A Reset was sent in the previous step and the phone has not answered it yet. */
  resetSent: boolean;
}

type StepHandler = (deps: PhoneMigrationDeps, run: PhoneRun, context: StepContext) => Promise<StepOutcome>;

const STEPS: Record<MigrationStep, StepHandler> = {
  'upgrade-sccp-load': upgradeSccpLoad,
  'switch-protocol': switchProtocol,
  'await-registration': awaitRegistration,
};

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** Where a phone registered on another node is: this node can reset only its own phones. */
async function registeredElsewhere(deps: PhoneMigrationDeps, name: string): Promise<string | null> {
  if (deps.registry.get(name)) return null;
  const row = await deps.watch.current(name);
  if (row && row.status === 'registered' && row.node && row.node !== deps.nodeName) return row.node;
  return null;
}

function elsewhereReason(deps: PhoneMigrationDeps, name: string, node: string): string {
  return (
    `${name} is registered with node ${node}; this job runs on ${deps.nodeName} and can reset only the phones ` +
    `registered here. Nothing was changed for this phone: migrate it with a job on ${node}`
  );
}

function lastSeen(o: Observation | null): string {
  if (!o) return 'it was not seen registering';
  switch (o.kind) {
    case 'registered':
      return `it last registered over ${o.protocol}${o.activeLoadId ? ` with load ${o.activeLoadId}` : ''}`;
    case 'rejected':
      return `it was last rejected over ${o.protocol}: ${o.message}`;
    case 'unregistered':
      return `it was last unregistered (${o.reason})`;
  }
}

/**
 * provisioning.md §3.4: the phone first takes the newer SCCP load. Sets it as the Phone Load
 * Name, resets the phone, and waits until it registers again over SCCP with that load.
 */
async function upgradeSccpLoad(
  deps: PhoneMigrationDeps,
  run: PhoneRun,
  _context: StepContext,
): Promise<StepOutcome> {
  const { deviceName: name, plan } = run;
  const load = plan.intermediateLoadId as string;
  const elsewhere = await registeredElsewhere(deps, name);
  if (elsewhere) return failed(elsewhereReason(deps, name, elsewhere));
  if (run.resumed && deps.registry.get(name)?.protocol === 'SCCP') {
    // Resumed after a restart or a takeover: a phone that came back with the load needs no new reset.
    const row = await deps.watch.current(name);
    if (row?.status === 'registered' && row.activeLoadId?.toLowerCase() === load.toLowerCase()) return ok();
  }
  run.subscription.clear();
  // Queued status writes first: the load the phone reported before must not overwrite the reset of it.
  await deps.statusWriter.flush();
  if (!(await deps.store.bulkJobs.setDeviceLoad(name, 'SCCP', load))) {
    return failed(`${name} was deleted or is no longer an SCCP phone; nothing was changed`);
  }
  deps.live.emit('configuration-changed', { what: 'device', name });
  let resetSent = reset(deps, name);
  await run.update({ state: 'waiting' });
  const left = `${name} is still an SCCP phone; its Phone Load Name is now ${load}, which it takes when it next boots`;
  const outcome = await run.subscription.next<StepOutcome>(
    (o) => {
      if (o.kind !== 'registered' || o.protocol !== 'SCCP') return undefined;
      if (o.activeLoadId === null) {
        return ok([`${name} does not report its load when it registers; openucm assumes it took ${load}`]);
      }
      if (o.activeLoadId.toLowerCase() === load.toLowerCase()) return ok();
      if (!resetSent) {
        // It came up (it was offline) on its old load before it fetched its configuration: reset it once.
        resetSent = reset(deps, name);
        return undefined;
      }
      return failed(
        `${name} registered again with load ${o.activeLoadId} instead of ${load}: it could not install ${load} ` +
          `(check that the load is under Device > Firmware Loads and that the phone reaches this node's TFTP server). ${left}`,
      );
    },
    run.stepTimeoutMs,
    run.signal,
  );
  if (outcome.kind === 'aborted') return { kind: 'aborted' };
  if (outcome.kind === 'result') return outcome.value;
  const what = resetSent
    ? `did not register again within ${seconds(run.stepTimeoutMs)} after the reset to take SCCP load ${load}`
    : `was not registered on ${deps.nodeName} (off or unreachable) and did not register within ${seconds(run.stepTimeoutMs)}`;
  return failed(`${name} ${what}; ${lastSeen(outcome.last)}. ${left}`);
}

/**
 * Switches the device (same name, lines, DNs, description) to the new protocol, with no Phone
 * Load Name so that it takes the new protocol's load of Device Defaults, and resets the phone.
 * The switch and the item's move to the next step commit together.
 */
async function switchProtocol(
  deps: PhoneMigrationDeps,
  run: PhoneRun,
  context: StepContext,
): Promise<StepOutcome> {
  const { deviceName: name, plan } = run;
  const elsewhere = await registeredElsewhere(deps, name);
  if (elsewhere) return failed(elsewhereReason(deps, name, elsewhere));
  run.subscription.clear();
  await deps.statusWriter.flush();
  const jobId = plan.toProtocol === 'SIP' ? run.createSipCredentialsFor : undefined;
  // The credentials are written with the switch: the phone's first SIP configuration file carries them.
  const switched = await deps.store.transaction(async (tx) => {
    if (!(await tx.bulkJobs.switchDeviceProtocol(name, plan.fromProtocol, plan.toProtocol, null)))
      return null;
    const credentials = jobId === undefined ? null : await deps.credentials.generate(tx, name, jobId);
    await run.update({ step: 'await-registration', state: 'running' }, tx);
    return { credentials };
  });
  if (!switched) {
    return failed(`${name} was deleted or is no longer a ${plan.fromProtocol} phone; nothing was changed`);
  }
  deps.live.emit('configuration-changed', { what: 'device', name });
  context.resetSent = reset(deps, name);
  const c = switched.credentials;
  if (c === null) return ok();
  if ('taken' in c) {
    return ok([
      `${name} got no SIP credentials: digest user ${c.username} belongs to ${c.taken}; set them on its page`,
    ]);
  }
  return ok([
    c.created
      ? `SIP credentials created for ${name} (digest user ${c.username}); collect the password once from the job`
      : `${name} kept its SIP credentials (digest user ${c.username})`,
  ]);
}

/**
 * Waits for the phone to register over the new protocol. A phone that comes back over the old
 * protocol did not install the new load: its device is switched back so that it keeps working.
 */
async function awaitRegistration(
  deps: PhoneMigrationDeps,
  run: PhoneRun,
  context: StepContext,
): Promise<StepOutcome> {
  const { deviceName: name, plan } = run;
  const to = plan.toProtocol;
  const from = plan.fromProtocol;
  const target = plan.targetLoadId;
  const connection = deps.registry.get(name);
  if (!context.resetSent && connection?.protocol === from) {
    // Resumed after a restart between the switch and the reset: the phone still runs the old protocol.
    connection.reset('reset');
    context.resetSent = true;
  }
  await run.update({ state: 'waiting' });
  if (deps.registry.get(name)?.protocol === to) {
    // Registered before this step started waiting (a resumed job, or a very fast phone).
    const row = await deps.watch.current(name);
    return ok(loadNotes(name, to, target, row?.activeLoadId ?? null));
  }
  type Seen = { kind: 'registered'; activeLoadId: string | null } | { kind: 'old-protocol' };
  const outcome = await run.subscription.next<Seen>(
    (o) => {
      if (o.kind === 'registered' && o.protocol === to)
        return { kind: 'registered', activeLoadId: o.activeLoadId };
      // The phone booted the old protocol again and was refused: it did not take the new load.
      if (o.kind === 'rejected' && o.protocol === from && o.reason === 'device-protocol-mismatch') {
        return { kind: 'old-protocol' };
      }
      return undefined;
    },
    run.stepTimeoutMs,
    run.signal,
  );
  if (outcome.kind === 'aborted') return { kind: 'aborted' };
  if (outcome.kind === 'result') {
    if (outcome.value.kind === 'old-protocol') return rollBack(deps, run);
    return ok(loadNotes(name, to, target, outcome.value.activeLoadId));
  }
  const after = context.resetSent
    ? 'after the reset'
    : `(it was not registered on ${deps.nodeName} when the job reached it)`;
  return failed(
    `${name} did not register over ${to} within ${seconds(run.stepTimeoutMs)} ${after}; ${lastSeen(outcome.last)}. ` +
      `The device is now a ${to} phone in openucm: it registers when the phone boots with ${to} load ${target ?? '(none)'}; ` +
      `to undo, migrate it back (${to}→${from})`,
  );
}

/** The phone came back over the old protocol: it could not take the new load. Put its device back. */
async function rollBack(deps: PhoneMigrationDeps, run: PhoneRun): Promise<StepOutcome> {
  const { deviceName: name, plan } = run;
  const load = plan.intermediateLoadId ?? plan.phoneLoadName;
  await deps.statusWriter.flush();
  const restored = await deps.store.bulkJobs.switchDeviceProtocol(
    name,
    plan.toProtocol,
    plan.fromProtocol,
    load,
  );
  if (restored) deps.live.emit('configuration-changed', { what: 'device', name });
  return failed(
    `${name} came back over ${plan.fromProtocol} after the reset instead of ${plan.toProtocol}: it did not install ` +
      `${plan.toProtocol} load ${plan.targetLoadId ?? '(none)'} (check that the load is under Device > Firmware Loads and ` +
      `that the phone reaches this node's TFTP server). ` +
      (restored
        ? `Its device was switched back to ${plan.fromProtocol}${load ? ` with Phone Load Name ${load}` : ''} so that the phone keeps working`
        : `Its device could not be switched back (deleted or changed meanwhile)`),
  );
}

function loadNotes(
  name: string,
  protocol: DeviceProtocol,
  target: string | null,
  reported: string | null,
): string[] {
  if (!target) return [];
  if (reported === null) return [`${name} does not report its load; openucm assumes it runs ${target}`];
  if (reported.toLowerCase() !== target.toLowerCase()) {
    return [
      `${name} registered over ${protocol} with load ${reported}, not the Device Defaults load ${target}`,
    ];
  }
  return [];
}

/** Sends Reset to the phone if it is registered here; true when sent. */
function reset(deps: PhoneMigrationDeps, name: string): boolean {
  const connection = deps.registry.get(name);
  if (!connection) return false;
  connection.reset('reset');
  return true;
}
