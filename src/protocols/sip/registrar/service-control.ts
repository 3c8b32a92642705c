/**
 * The unsolicited NOTIFY that makes a Cisco SIP phone reboot or re-register (sip-cisco.md §1.6):
 * `Event: service-control` with `action=reset|restart` and the phone's REGISTER Call-ID, or
 * `Event: check-sync` for 7940/7960 on SIP 8.x.
 */
import { randomBytes } from 'node:crypto';
import type { ResetType } from '../../../services/live-registry.js';
import { serializeRequest } from '../serializer.js';
import type { Binding, DeviceEntry } from './binding-store.js';
import { usesCheckSync } from './cisco-info.js';

export interface LocalEndpoint {
  /** The host the phone knows us as (its REGISTER's Request-URI host, or the advertised address). */
  readonly host: string;
  readonly port: number;
}

export interface ServiceControlRequest {
  readonly branch: string;
  readonly packet: Buffer;
}

const ZERO_STAMP = '{0000000000000000}';

/** The NOTIFY to `binding` (the device's first line) asking for `type`. */
export function serviceControlNotify(
  entry: DeviceEntry,
  binding: Binding,
  type: ResetType,
  local: LocalEndpoint,
  nodeName: string,
  userAgent: string,
): ServiceControlRequest {
  // RFC 3261 §8.1.1.7: the branch "MUST always begin with the characters "z9hG4bK"".
  const branch = `z9hG4bK${randomBytes(10).toString('hex')}`;
  const transport = binding.flow.transport;
  const host = local.host.includes(':') && !local.host.startsWith('[') ? `[${local.host}]` : local.host;
  const checkSync = usesCheckSync(entry.model);
  // sip-cisco.md §1.6: body lines action=…, RegisterCallId={…} (the phone ignores a NOTIFY whose RegisterCallId
  // is not its registration's Call-ID), ConfigVersionStamp, DialplanVersionStamp, SoftkeyVersionStamp.
  const body = checkSync
    ? undefined
    : [
        `action=${type}`,
        `RegisterCallId={${entry.registerCallId}}`,
        `ConfigVersionStamp=${ZERO_STAMP}`,
        `DialplanVersionStamp=${ZERO_STAMP}`,
        `SoftkeyVersionStamp=${ZERO_STAMP}`,
        '',
      ].join('\r\n');
  const headers: Array<[string, string | number]> = [
    ['Via', `SIP/2.0/${transport} ${host}:${local.port};branch=${branch};rport`],
    ['Max-Forwards', 70],
    ['From', `<sip:${nodeName}@${host}>;tag=${randomBytes(6).toString('hex')}`],
    ['To', `<${binding.aorUri}>`],
    ['Call-ID', `${randomBytes(12).toString('hex')}@${host}`],
    ['CSeq', '101 NOTIFY'],
    ['Contact', `<sip:${nodeName}@${host}:${local.port};transport=${transport.toLowerCase()}>`],
    // sip-cisco.md §1.6: 7940/7960 SIP 8.x use `Event: check-sync` with no body.
    ['Event', checkSync ? 'check-sync' : 'service-control'],
    ['Subscription-State', 'active'],
    ['User-Agent', userAgent],
  ];
  if (body !== undefined) headers.push(['Content-Type', 'text/plain']);
  return { branch, packet: serializeRequest({ method: 'NOTIFY', uri: binding.uri, headers, body }) };
}
