import type { PickupCodes } from '../core/call/pickup.js';
import { DEFAULT_PICKUP_CODES } from '../core/call/pickup.js';
import type { Line } from '../core/device.js';
import type { SipLineCredentials } from './device-config.js';

/**
 * `name: "value"` lines of the 7940/7960 SIP text format (provisioning.md §4.1). The format has no
 * escape for a double quote or a line break: such a value is refused, never silently altered
 * (credential and label validation upstream keeps them out).
 */
function textConfig(entries: [string, string | number][]): string {
  const lines = entries.map(([k, v]) => {
    if (typeof v === 'number') return `${k}: ${v}`;
    if (/["\r\n]/.test(v))
      throw new Error(
        `${k} contains a double quote or a line break, which the 7940/7960 SIP format cannot carry`,
      );
    return `${k}: "${v}"`;
  });
  return lines.join('\n') + '\n';
}

/** OS79XX.TXT: one line, the image name, no trailing space (bug CSCdv19260), LF ending. */
export function renderOs79xx(imageName: string): string {
  return `${imageName.trim()}\n`;
}

export interface SipDefaultInput {
  imageVersion: string | null;
  proxyAddress: string;
  proxyPort: number;
  registerExpires: number;
}

/** SIPDefault.cnf: the settings shared by every 7940/7960 on SIP firmware. */
export function renderSipDefault(input: SipDefaultInput): string {
  const entries: [string, string | number][] = [];
  if (input.imageVersion) entries.push(['image_version', input.imageVersion]);
  entries.push(
    ['proxy1_address', input.proxyAddress],
    ['proxy1_port', input.proxyPort],
    ['proxy_register', 1],
    ['timer_register_expires', input.registerExpires],
    ['tftp_cfg_dir', './'],
    ['dial_template', 'dialplan'],
    ['preferred_codec', 'g711ulaw'],
    ['dtmf_outofband', 'avt'],
    ['dtmf_avt_payload', 101],
    ['timer_t1', 500],
    ['timer_t2', 4000],
    ['sip_retx', 10],
    ['sip_invite_retx', 6],
  );
  return textConfig(entries);
}

/**
 * SIP<MAC>.cnf: a 7940/7960's own lines. An unknown phone gets its device name as line 1, so that
 * it registers as SEP<MAC> and auto-registration (or a clear refusal) follows.
 */
export function renderSipDevice(input: {
  deviceName: string;
  label: string;
  lines: Line[];
  proxyAddress: string;
  proxyPort: number;
  credentials: SipLineCredentials | null;
  /** A comment line first (legacySipTlsComment), when the profile asks for what the file cannot say. */
  note?: string | null;
}): string {
  const entries: [string, string | number][] = [['phone_label', input.label.slice(0, 11)]];
  const lines = input.lines.length > 0 ? input.lines : [{ index: 1, dn: input.deviceName }];
  for (const line of lines) {
    const n = line.index;
    entries.push(
      [`line${n}_name`, line.dn],
      [`line${n}_shortname`, line.label || line.dn],
      [`line${n}_displayname`, line.displayName || line.dn],
      [`line${n}_authname`, input.credentials?.authName ?? line.dn],
      ...(input.credentials?.authPassword !== undefined
        ? ([[`line${n}_password`, input.credentials.authPassword]] as [string, string][])
        : []),
      [`proxy${n}_address`, input.proxyAddress],
      [`proxy${n}_port`, input.proxyPort],
    );
  }
  const text = textConfig(entries);
  return input.note ? `${input.note}\n${text}` : text;
}

/** dialplan.xml without rules: silences the phone's missing-file errors (provisioning.md §4.3). */
export const EMPTY_DIAL_PLAN = '<DIALTEMPLATE>\n</DIALTEMPLATE>\n';

/**
 * dialplan.xml for the configured directory numbers (calls.md §2.1; 7940/7960 `dial_template`,
 * 79x1+ `dialTemplate`): one rule per DN length, `.` per digit, sent at once (Timeout 0) unless a
 * longer DN begins with one of that length — then after the inter-digit time, as T302 would route
 * it (a # sends at once). The call pickup codes come next; anything else goes after that time
 * too, and the node answers 404.
 */
export function renderDialPlan(
  dns: readonly string[],
  interDigitSeconds: number,
  pickup: PickupCodes = DEFAULT_PICKUP_CODES,
): string {
  if (dns.length === 0) return EMPTY_DIAL_PLAN;
  const lengths = [...new Set(dns.map((dn) => dn.length))].sort((a, b) => a - b);
  const rules = lengths.map((length) => {
    const overlapped = dns.some(
      (dn) => dn.length === length && dns.some((other) => other.length > length && other.startsWith(dn)),
    );
    return `<TEMPLATE MATCH="${'.'.repeat(length)}" Timeout="${overlapped ? interDigitSeconds : 0}" User="Phone"/>`;
  });
  // Call pickup (core/call/pickup.ts): the own group's code at once, the group code and a number
  // after the inter-digit time or #. A literal * is \* (CUCM SIP Dial Rules, usecallmanager.nz).
  const literal = (code: string) => code.replace(/\*/g, '\\*');
  rules.push(`<TEMPLATE MATCH="${literal(pickup.own)}" Timeout="0" User="Phone"/>`);
  rules.push(`<TEMPLATE MATCH="${literal(pickup.group)}*" Timeout="${interDigitSeconds}" User="Phone"/>`);
  rules.push(`<TEMPLATE MATCH="*" Timeout="${interDigitSeconds}" User="Phone"/>`);
  return `<DIALTEMPLATE>\n${rules.map((r) => `  ${r}\n`).join('')}</DIALTEMPLATE>\n`;
}

/** RINGLIST.DAT: no custom rings. */
export const EMPTY_RING_LIST = '';
