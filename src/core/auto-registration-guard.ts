import type { DeviceProtocol } from './device.js';
import type { FieldProblem } from './node.js';
import { phoneModel } from './phone-models.js';
import type { Rejection } from './rejection.js';
import { rejection } from './rejection.js';
import type { Subnet } from './subnet.js';
import { inSubnet, parseSubnet, subnetProblem } from './subnet.js';

/**
 * Which unknown phones a node lets auto-register (System > Cisco Unified CM > Auto-registration
 * Guard). Every empty list allows any; the default lets every phone in, as CUCM does.
 */
export interface AutoRegistrationGuard {
  /** Subnets (IPv4 or IPv6 CIDR) a new phone must register from. */
  allowedSubnets: string[];
  /** MAC vendor prefixes (OUI: the first 6 hex digits of the MAC, upper case) a new phone must have. */
  allowedOuis: string[];
  /** Models of the catalogue (e.g. `7960`) a new phone must be. */
  allowedModels: string[];
  /** New phones the node auto-registers per minute at most; 0 is no limit. */
  newPhonesPerMinute: number;
  /** New phones wait in Device > Pending Phones until an administrator accepts them. */
  approvalRequired: boolean;
}

export const OPEN_GUARD: AutoRegistrationGuard = {
  allowedSubnets: [],
  allowedOuis: [],
  allowedModels: [],
  newPhonesPerMinute: 0,
  approvalRequired: false,
};

export const MAX_NEW_PHONES_PER_MINUTE = 100_000;
/** Entries a list may hold: enough for any site plan, small enough to check per phone. */
export const MAX_GUARD_ENTRIES = 256;
/** The rate is counted over this window ("per minute"). */
export const ADMISSION_WINDOW_MS = 60_000;

/** Where an unknown phone stands in the approval queue (none: never queued, or removed). */
export type ApprovalState = 'none' | 'pending' | 'accepted' | 'refused';

/** An unknown phone that asks to auto-register, and where it comes from. */
export interface NewPhone {
  deviceName: string;
  protocol: DeviceProtocol;
  /** Catalogue model (e.g. `7960`). */
  model: string;
  /** Source IP address. */
  ip: string;
}

export type GuardDecision =
  { kind: 'admit' } | { kind: 'refuse'; rejection: Rejection } | { kind: 'hold'; rejection: Rejection };

/** The MAC's vendor prefix: the 6 hex digits after SEP. */
export function ouiOf(deviceName: string): string {
  return deviceName.slice(3, 9);
}

function list(items: readonly string[]): string {
  return items.length > 4 ? `${items.slice(0, 4).join(', ')}, …` : items.join(', ');
}

/**
 * Decides whether an unknown phone that may otherwise auto-register gets in: refused by the
 * subnet, OUI or model rule, held for approval, refused by the rate, or admitted. Pure: the
 * count of the last minute's admissions and the phone's approval state are passed in. A phone an
 * administrator accepted skips the rate (it was let in by hand); the other rules still apply.
 */
export function guardDecision(input: {
  phone: NewPhone;
  guard: AutoRegistrationGuard;
  nodeName: string;
  approval: ApprovalState;
  /** New phones this node admitted within the last ADMISSION_WINDOW_MS. */
  admittedLastMinute: number;
}): GuardDecision {
  const { phone, guard, nodeName } = input;
  const context = {
    deviceName: phone.deviceName,
    nodeName,
    protocol: phone.protocol,
    announcedModel: phone.model,
    ip: phone.ip,
  };
  const subnets: Subnet[] = guard.allowedSubnets.map(parseSubnet);
  if (subnets.length > 0 && !subnets.some((s) => inSubnet(phone.ip, s)))
    return refuse('auto-registration-subnet', { ...context, allowed: list(guard.allowedSubnets) });
  const oui = ouiOf(phone.deviceName);
  if (guard.allowedOuis.length > 0 && !guard.allowedOuis.includes(oui))
    return refuse('auto-registration-oui', { ...context, allowed: list(guard.allowedOuis) });
  if (guard.allowedModels.length > 0 && !guard.allowedModels.includes(phone.model))
    return refuse('auto-registration-model', { ...context, allowed: list(guard.allowedModels) });
  if (guard.approvalRequired) {
    if (input.approval === 'refused') return refuse('approval-refused', context);
    if (input.approval !== 'accepted')
      return { kind: 'hold', rejection: rejection('awaiting-approval', context) };
    return { kind: 'admit' };
  }
  const limit = guard.newPhonesPerMinute;
  if (limit > 0 && input.admittedLastMinute >= limit)
    return refuse('auto-registration-rate', { ...context, perMinute: limit });
  return { kind: 'admit' };
}

function refuse(
  reason: Parameters<typeof rejection>[0],
  context: Parameters<typeof rejection>[1],
): GuardDecision {
  return { kind: 'refuse', rejection: rejection(reason, context) };
}

const FIELD = 'autoRegistrationGuard';

/**
 * Checks a proposed guard: each subnet in CIDR notation, each OUI 6 hex digits, each model one of
 * the catalogue, the rate a whole number. OUIs are compared upper case, and written so; nothing
 * else is rewritten.
 */
export function guardProblems(guard: AutoRegistrationGuard): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const tooMany = (field: keyof AutoRegistrationGuard, label: string, n: number) => {
    if (n > MAX_GUARD_ENTRIES)
      problems.push({
        field: `${FIELD}.${field}`,
        message: `${label}: at most ${MAX_GUARD_ENTRIES} entries (has ${n})`,
      });
  };
  tooMany('allowedSubnets', 'Allowed Subnets', guard.allowedSubnets.length);
  tooMany('allowedOuis', 'Allowed MAC OUIs', guard.allowedOuis.length);
  tooMany('allowedModels', 'Allowed Models', guard.allowedModels.length);
  for (const subnet of guard.allowedSubnets) {
    const problem = subnetProblem(subnet);
    if (problem) {
      problems.push({ field: `${FIELD}.allowedSubnets`, message: `Allowed Subnets: ${problem}` });
      break;
    }
  }
  for (const oui of guard.allowedOuis) {
    if (!/^[0-9A-F]{6}$/.test(oui)) {
      problems.push({
        field: `${FIELD}.allowedOuis`,
        message:
          `Allowed MAC OUIs: "${oui}" is not an OUI: write the first 6 hex digits of the MAC, without ` +
          'separators (e.g. 001BD4 for phones whose MAC starts 00:1B:D4)',
      });
      break;
    }
  }
  for (const model of guard.allowedModels) {
    if (!phoneModel(model)) {
      problems.push({
        field: `${FIELD}.allowedModels`,
        message: `Allowed Models: "${model}" is not a phone model openucm knows (see Device > Phone models, GET /api/v1/phone-models)`,
      });
      break;
    }
  }
  const rate = guard.newPhonesPerMinute;
  if (!Number.isInteger(rate) || rate < 0 || rate > MAX_NEW_PHONES_PER_MINUTE)
    problems.push({
      field: `${FIELD}.newPhonesPerMinute`,
      message: `New Phones per Minute: a whole number from 0 (no limit) to ${MAX_NEW_PHONES_PER_MINUTE.toLocaleString('en-US')}`,
    });
  return problems;
}

/** The guard as the administrator enters it: OUIs in upper case (a MAC's case means nothing), duplicates once. */
export function normalizedGuard(guard: AutoRegistrationGuard): AutoRegistrationGuard {
  const unique = (items: string[]) => [...new Set(items.map((s) => s.trim()).filter((s) => s !== ''))];
  return {
    allowedSubnets: unique(guard.allowedSubnets),
    allowedOuis: unique(guard.allowedOuis.map((o) => o.toUpperCase())),
    allowedModels: unique(guard.allowedModels),
    newPhonesPerMinute: guard.newPhonesPerMinute,
    approvalRequired: guard.approvalRequired,
  };
}

/** The guard lets every new phone in, as CUCM does (the default). */
export function guardIsOpen(guard: AutoRegistrationGuard): boolean {
  return (
    guard.allowedSubnets.length === 0 &&
    guard.allowedOuis.length === 0 &&
    guard.allowedModels.length === 0 &&
    guard.newPhonesPerMinute === 0 &&
    !guard.approvalRequired
  );
}

/**
 * The guard of a node in one sentence, as the dashboard and the node page show it:
 * "Auto-registration guard is open on cm1: any subnet, any phone, no rate limit".
 */
export function guardSummary(nodeName: string, guard: AutoRegistrationGuard): string {
  if (guardIsOpen(guard))
    return `Auto-registration guard is open on ${nodeName}: any subnet, any phone, no rate limit`;
  const parts = [
    guard.allowedSubnets.length > 0 ? `subnets ${list(guard.allowedSubnets)}` : 'any subnet',
    guard.allowedOuis.length > 0 ? `MAC OUIs ${list(guard.allowedOuis)}` : null,
    guard.allowedModels.length > 0 ? `models ${list(guard.allowedModels)}` : null,
    guard.allowedOuis.length === 0 && guard.allowedModels.length === 0 ? 'any phone' : null,
    guard.approvalRequired
      ? 'new phones wait for approval'
      : guard.newPhonesPerMinute > 0
        ? `at most ${guard.newPhonesPerMinute} new phone${guard.newPhonesPerMinute === 1 ? '' : 's'} a minute`
        : 'no rate limit',
  ].filter((p): p is string => p !== null);
  return `Auto-registration guard on ${nodeName}: ${parts.join(', ')}`;
}
