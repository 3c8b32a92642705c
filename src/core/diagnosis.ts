import type { Device, DeviceProtocol, DeviceStatus } from './device.js';
import { deviceNameProblem } from './device.js';
import type { EnterpriseParameters } from './enterprise-parameters.js';
import { protocolOfLoad } from './load.js';
import type { CallManagerNode } from './node.js';
import type { RegistrationEvent } from './registration-event.js';
import type { RejectionReason } from './rejection.js';

/** The links of the chain from "phone plugged in" to "phone registered", in the order they are walked. */
export type CheckId =
  | 'device-name'
  | 'provisioning'
  | 'device'
  | 'auto-registration'
  | 'auto-registration-guard'
  | 'dn-range'
  | 'model'
  | 'protocol'
  | 'credentials'
  | 'security-profile'
  | 'load'
  | 'dn-conflict'
  | 'registration';

export type CheckStatus = 'ok' | 'problem' | 'warning' | 'info';

export interface Check {
  id: CheckId;
  title: string;
  status: CheckStatus;
  detail: string;
  /** What to change, for a problem or warning. */
  fix?: string;
}

/** Everything the troubleshooter looks at, gathered by the diagnosis service. */
export interface DiagnosisFacts {
  deviceName: string;
  device:
    | (Device & {
        status: DeviceStatus;
        node: string | null;
        ipAddress: string | null;
        activeLoadId: string | null;
      })
    | null;
  /** Every node with how many DNs of its range are held. */
  nodes: { node: CallManagerNode; used: number }[];
  parameters: EnterpriseParameters;
  /** The load the configuration gives the phone (its own or Device Defaults), if known. */
  configuredLoad: string | null;
  /** Whether an uploaded firmware load provides configuredLoad (null: nothing to check). */
  configuredLoadAvailable: boolean | null;
  /** Files the MAC fetched recently, newest first. */
  fetches: { at: string; file: string; found: boolean; via: string }[];
  /** Registration events of the device, newest first. */
  events: RegistrationEvent[];
  /** DNs of the device that other devices hold too. */
  sharedDns: { dn: string; devices: string[] }[];
}

export interface Diagnosis {
  deviceName: string;
  /** One sentence: the first broken link and its fix, or that nothing is wrong. */
  verdict: string;
  firstProblem: Check | null;
  checks: Check[];
}

/** Which link explains each rejection the server gives: adding a reason without a diagnosis does not compile. */
export const REJECTION_CHECK: Record<RejectionReason, CheckId> = {
  'invalid-device-name': 'device-name',
  'auto-registration-disabled': 'auto-registration',
  'dn-range-exhausted': 'dn-range',
  'unsupported-model': 'model',
  'auto-registration-protocol-mismatch': 'protocol',
  'device-protocol-mismatch': 'protocol',
  'sip-identity-unknown': 'device',
  'sip-authentication-failed': 'credentials',
  'registered-elsewhere': 'registration',
  'node-busy': 'registration',
  'sip-digest-invalid': 'credentials',
  'sip-credentials-required': 'credentials',
  'auto-registration-subnet': 'auto-registration-guard',
  'auto-registration-oui': 'auto-registration-guard',
  'auto-registration-model': 'auto-registration-guard',
  'auto-registration-rate': 'auto-registration-guard',
  'awaiting-approval': 'auto-registration-guard',
  'approval-refused': 'auto-registration-guard',
  'approval-queue-full': 'auto-registration-guard',
  'security-profile-requires-tls': 'security-profile',
};

// SCCP keepalives and SIP refreshes that stopped arriving.
const LOST_CONTACT = new Set<string>(['keepalive-timeout', 'registration-expired']);

const CHECK_TITLES: Record<CheckId, string> = {
  'device-name': 'Device name',
  provisioning: 'Configuration download',
  device: 'Device record',
  'auto-registration': 'Auto-registration',
  'auto-registration-guard': 'Auto-registration guard',
  'dn-range': 'DN range',
  model: 'Phone model',
  protocol: 'Protocol',
  credentials: 'Credentials',
  'security-profile': 'Security profile',
  load: 'Firmware load',
  'dn-conflict': 'Shared DN',
  registration: 'Registration',
};

function isRejection(reason: string): reason is RejectionReason {
  return reason in REJECTION_CHECK;
}

/** The protocol the phone itself speaks, as far as its traffic tells. */
function phoneProtocol(f: DiagnosisFacts): { protocol: DeviceProtocol; why: string } | null {
  const attempt = f.events.find((e) => e.outcome !== 'unregistered');
  if (attempt)
    return {
      protocol: attempt.protocol,
      why: `its last registration attempt (${attempt.at}) came over ${attempt.protocol}`,
    };
  const load = f.device?.activeLoadId;
  const byLoad = load ? protocolOfLoad(load) : null;
  if (load && (byLoad === 'SCCP' || byLoad === 'SIP'))
    return { protocol: byLoad, why: `it runs load ${load}` };
  if (f.fetches.some((x) => /^SIP[0-9A-F]{12}\.cnf$/i.test(x.file))) {
    return { protocol: 'SIP', why: 'it fetched SIP<MAC>.cnf, which only SIP firmware asks for' };
  }
  return null;
}

/** Walks the chain and names the first broken link with its fix. Pure: the facts are passed in. */
export function diagnose(f: DiagnosisFacts): Diagnosis {
  const checks: Check[] = [];
  const add = (c: Check) => checks.push(c);
  const lastAttempt = f.events.find((e) => e.outcome !== 'unregistered') ?? null;
  const lastRejection =
    lastAttempt?.outcome === 'rejected' && isRejection(lastAttempt.reason) ? lastAttempt : null;

  const nameProblem = deviceNameProblem(f.deviceName);
  add(
    nameProblem
      ? {
          id: 'device-name',
          title: 'Device name',
          status: 'problem',
          detail: nameProblem,
          fix: 'A phone registers as SEP plus its MAC in upper-case hex',
        }
      : {
          id: 'device-name',
          title: 'Device name',
          status: 'ok',
          detail: `${f.deviceName} is a valid device name`,
        },
  );

  if (f.fetches.length === 0) {
    add({
      id: 'provisioning',
      title: 'Configuration download',
      status: 'warning',
      detail: 'this node has not seen the phone fetch any of its files (TFTP or HTTP) since the node started',
      fix: "Check that DHCP option 150 (or the phone's Alternate TFTP) points at this node, and that UDP 69 is reachable",
    });
  } else {
    const last = f.fetches[0];
    add({
      id: 'provisioning',
      title: 'Configuration download',
      status: 'ok',
      detail: `last fetched ${last.file} over ${last.via.toUpperCase()} at ${last.at} (${last.found ? 'served' : 'not found'})`,
    });
  }

  const { device } = f;
  const enabled = f.nodes.filter((n) => n.node.autoRegistration.enabled);
  if (device) {
    add({
      id: 'device',
      title: 'Device record',
      status: 'ok',
      detail: `${device.name} is configured: ${device.model}, ${device.protocol}, "${device.description}"`,
    });
  } else {
    add({
      id: 'device',
      title: 'Device record',
      status: 'info',
      detail: `${f.deviceName} is not configured: it can only register through auto-registration`,
    });
    add(
      enabled.length > 0
        ? {
            id: 'auto-registration',
            title: 'Auto-registration',
            status: 'ok',
            detail: `enabled on ${enabled.map((n) => n.node.name).join(', ')}`,
          }
        : {
            id: 'auto-registration',
            title: 'Auto-registration',
            status: 'problem',
            detail: 'auto-registration is disabled on every node',
            fix: `Enable it under System > Cisco Unified CM (PATCH /api/v1/nodes/{name}), or add ${f.deviceName} under Device > Phone`,
          },
    );
    for (const { node, used } of enabled) {
      const ar = node.autoRegistration;
      const size = Number(BigInt(ar.endingDn) - BigInt(ar.startingDn) + 1n);
      add(
        used >= size
          ? {
              id: 'dn-range',
              title: `DN range of ${node.name}`,
              status: 'problem',
              detail: `all ${size} DNs of ${ar.startingDn}–${ar.endingDn} are in use`,
              fix: `Widen the range of ${node.name}, free unused DNs, or add the phone by hand`,
            }
          : {
              id: 'dn-range',
              title: `DN range of ${node.name}`,
              status: 'ok',
              detail: `${size - used} of ${size} DNs free in ${ar.startingDn}–${ar.endingDn}`,
            },
      );
    }
  }

  const spoken = phoneProtocol(f);
  const allowed = f.parameters.autoRegistrationPhoneProtocol;
  if (!spoken) {
    add({
      id: 'protocol',
      title: 'Protocol',
      status: 'info',
      detail: 'the phone has not tried to register yet, so its protocol is not known',
    });
  } else if (device && device.protocol !== spoken.protocol) {
    add({
      id: 'protocol',
      title: 'Protocol',
      status: 'problem',
      detail: `the phone speaks ${spoken.protocol} (${spoken.why}) but ${device.name} is configured for ${device.protocol}`,
      fix: `Load ${device.protocol} firmware on the phone, or migrate the device to ${spoken.protocol} (Bulk Administration > Migrate Phones)`,
    });
  } else if (!device && spoken.protocol !== allowed) {
    add({
      id: 'protocol',
      title: 'Protocol',
      status: 'problem',
      detail: `the phone speaks ${spoken.protocol} (${spoken.why}) but the auto-registration protocol is ${allowed}`,
      fix: `Set Enterprise Parameter Auto Registration Phone Protocol to ${spoken.protocol} (no restart needed), or load ${allowed} firmware on the phone`,
    });
  } else {
    add({
      id: 'protocol',
      title: 'Protocol',
      status: 'ok',
      detail: `the phone speaks ${spoken.protocol} (${spoken.why}), as expected`,
    });
  }

  if (f.configuredLoad) {
    const running = device?.activeLoadId ?? null;
    if (f.configuredLoadAvailable === false && running !== f.configuredLoad) {
      add({
        id: 'load',
        title: 'Firmware load',
        // A registered phone keeps working on its load: then it is a warning, not the broken link.
        status: device?.status === 'registered' ? 'warning' : 'problem',
        detail: `the configuration names load ${f.configuredLoad}, which is not on the TFTP server${running ? `; the phone runs ${running}` : ''}`,
        fix: `Upload ${f.configuredLoad} (Device > Firmware Loads), or set a load that is uploaded`,
      });
    } else if (running && running !== f.configuredLoad) {
      add({
        id: 'load',
        title: 'Firmware load',
        status: 'warning',
        detail: `the phone runs ${running} but its configuration names ${f.configuredLoad}; it will upgrade when it next boots`,
        fix: `Reset ${f.deviceName} to make it fetch ${f.configuredLoad} now`,
      });
    } else {
      add({
        id: 'load',
        title: 'Firmware load',
        status: 'ok',
        detail: `configured load ${f.configuredLoad}${running ? `, running ${running}` : ''}`,
      });
    }
  }

  for (const shared of f.sharedDns) {
    add({
      id: 'dn-conflict',
      title: `DN ${shared.dn}`,
      status: 'warning',
      detail: `DN ${shared.dn} is also held by ${shared.devices.join(', ')}`,
      fix: 'If this is not meant to be a shared line, give one of the devices another DN',
    });
  }

  const timeouts = f.events.filter((e) => LOST_CONTACT.has(e.reason)).length;
  if (device?.status === 'registered') {
    add({
      id: 'registration',
      title: 'Registration',
      status: 'ok',
      detail: `registered on ${device.node} from ${device.ipAddress}`,
    });
  } else if (lastRejection) {
    const check = REJECTION_CHECK[lastRejection.reason as RejectionReason];
    // The cause is gone only when the link it points at now checks out.
    const stillBroken = !checks.some((c) => c.id === check && c.status === 'ok');
    add({
      id: 'registration',
      title: 'Registration',
      status: stillBroken ? 'problem' : 'warning',
      detail: `last attempt at ${lastRejection.at} was rejected: ${lastRejection.message}${stillBroken ? '' : ' (the cause looks fixed now: the next attempt should succeed)'}`,
      fix: lastRejection.remedy ?? undefined,
    });
  } else {
    add({
      id: 'registration',
      title: 'Registration',
      status: device ? 'warning' : 'info',
      detail: device ? `${device.name} is ${device.status}` : 'no registration attempt seen',
      fix: device
        ? 'Check that the phone is powered and reaches this node (SCCP TCP 2000 / SIP 5060)'
        : undefined,
    });
  }
  if (timeouts > 0) {
    add({
      id: 'registration',
      title: 'Keepalives',
      status: 'warning',
      detail: `${timeouts} recent unregistration(s) for missed keepalives or expired registrations`,
      fix: 'Look at the network path (switch port security ageing, ARP, Wi-Fi) between the phone and the node',
    });
  }

  // The rejection the phone got explains itself even when the link would otherwise look fine, or
  // when it is a link walked only on rejection (model, credentials).
  if (lastRejection && checks.some((c) => c.id === 'registration' && c.status === 'problem')) {
    const id = REJECTION_CHECK[lastRejection.reason as RejectionReason];
    const linked = checks.find((c) => c.id === id);
    const rejected = { status: 'problem' as const, fix: lastRejection.remedy ?? undefined };
    if (!linked) {
      const at = checks.findIndex((c) => c.id === 'registration');
      checks.splice(at, 0, { id, title: CHECK_TITLES[id], detail: lastRejection.message, ...rejected });
    } else if (linked.status !== 'problem') {
      Object.assign(linked, rejected, {
        detail: `${linked.detail}; but the last attempt was rejected: ${lastRejection.message}`,
      });
    }
  }

  const firstProblem = checks.find((c) => c.status === 'problem') ?? null;
  const verdict = firstProblem
    ? `${f.deviceName}: ${firstProblem.detail}. Fix: ${firstProblem.fix ?? 'see the checks'}`
    : device?.status === 'registered'
      ? `${f.deviceName} is registered; nothing is broken`
      : `${f.deviceName}: no broken link found${checks.some((c) => c.status === 'warning') ? '; see the warnings' : ''}`;
  return { deviceName: f.deviceName, verdict, firstProblem, checks };
}
