/**
 * The messages of a call leg: requests in its dialog (RFC 3261 §12.2.1.1), responses to the
 * phone's requests with the dialog's tag, and the caller identity headers (calls.md §2.2).
 */
import type { Party } from '../../../core/call/call.js';
import type { SipRequest } from '../message.js';
import { buildResponse, formatNameAddr, serializeRequest } from '../serializer.js';
import type { SipFlow, SipTransportName } from '../transport/flow.js';
import type { Dialog } from './dialog.js';

/** How the phone reaches the node on a flow: the Via sent-by and Contact of our requests. */
export interface LocalEndpoint {
  readonly host: string;
  readonly port: number;
  readonly transport: SipTransportName;
}

/** Tags and branches come from the pooled random bytes of random-ids.ts. */
export { newBranch, newTag } from '../random-ids.js';

function hostPart(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Our Contact: where the phone sends requests in the dialog. */
export function contactOf(local: LocalEndpoint): string {
  const transport = local.transport === 'UDP' ? '' : `;transport=${local.transport.toLowerCase()}`;
  return `<sip:openucm@${hostPart(local.host)}:${local.port}${transport}>`;
}

/** A party as a SIP URI on this node (the number is the user part). */
export function partyUri(party: Party, local: LocalEndpoint): string {
  return `sip:${encodeURIComponent(party.number)}@${hostPart(local.host)}`;
}

/** The name-addr of a party: its line name as display name (the phone shows it), its DN as user. */
export function partyAddress(party: Party, local: LocalEndpoint): string {
  return formatNameAddr({
    uri: partyUri(party, local),
    displayName: party.name === '' ? undefined : party.name,
  });
}

/**
 * Remote-Party-ID as CUCM sends it (calls.md §2.2, [SLG]): calling in the INVITE, called in 18x/200;
 * P-Asserted-Identity (RFC 3325) beside it.
 */
export function identityHeaders(
  party: Party,
  role: 'calling' | 'called',
  local: LocalEndpoint,
): Array<[string, string]> {
  const address = partyAddress(party, local);
  return [
    ['Remote-Party-ID', `${address};party=${role};id-type=subscriber;privacy=off;screen=yes`],
    ['P-Asserted-Identity', address],
  ];
}

export interface RequestOptions {
  branch: string;
  /** Default: the dialog's local CSeq. */
  cseq?: number;
  headers?: Array<[string, string]>;
  body?: string;
  /** Of the body; default application/sdp (a REFER's NOTIFY carries message/sipfrag). */
  contentType?: string;
  userAgent: string;
}

/** A request in `dialog` (RFC 3261 §12.2.1.1); the To has no tag while the dialog has no remote tag. */
export function dialogRequest(
  dialog: Dialog,
  method: string,
  local: LocalEndpoint,
  options: RequestOptions,
): Buffer {
  const remoteTag = dialog.remoteTag === null ? '' : `;tag=${dialog.remoteTag}`;
  const headers: Array<[string, string | number]> = [
    [
      'Via',
      `SIP/2.0/${local.transport} ${hostPart(local.host)}:${local.port};branch=${options.branch};rport`,
    ],
    ['Max-Forwards', 70],
    ['From', `${dialog.localUri};tag=${dialog.localTag}`],
    ['To', `${dialog.remoteUri}${remoteTag}`],
    ['Call-ID', dialog.callId],
    ['CSeq', `${options.cseq ?? dialog.localCseq} ${method}`],
  ];
  for (const route of dialog.routeSet) headers.push(['Route', route]);
  if (method === 'INVITE') {
    headers.push(['Contact', contactOf(local)], ['Allow', ALLOW_IN_DIALOG]);
  }
  headers.push(['User-Agent', options.userAgent]);
  for (const header of options.headers ?? []) headers.push(header);
  if (options.body !== undefined) headers.push(['Content-Type', options.contentType ?? 'application/sdp']);
  return serializeRequest({ method, uri: dialog.remoteTarget, headers, body: options.body });
}

/** Methods a phone may send in a call dialog (Allow of our INVITEs and 2xx). */
export const ALLOW_IN_DIALOG = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REFER';

/** A response to the phone's `request` carrying the dialog's tag. */
export function dialogResponse(
  request: SipRequest,
  flow: SipFlow,
  localTag: string,
  status: number,
  reason: string,
  headers: Array<[string, string]> = [],
  body?: string,
): Buffer {
  const all: Array<[string, string]> = [...headers];
  if (body !== undefined) all.push(['Content-Type', 'application/sdp']);
  return buildResponse(request, status, reason, all, body, {
    source: { address: flow.remoteAddress, port: flow.remotePort },
    toTag: localTag,
  });
}
