/**
 * SIP inputs: fresh Cisco REGISTERs, INVITEs, OPTIONS and the other methods (sip-cisco.md §1),
 * the RFC 4475 torture messages and Cisco traces of the test fixtures, each mutated by bytes, by
 * the shared text grammar, or by SIP's own grammar (port 0, IPv6 literals, Contact *, odd digest,
 * odd Via, compact forms, wrong methods and versions).
 */
import * as ciscoFixtures from '../../test/sip/fixtures/cisco.js';
import * as invalidFixtures from '../../test/sip/fixtures/rfc4475-invalid.js';
import * as validFixtures from '../../test/sip/fixtures/rfc4475.js';
import { mutateBytes } from './byte-mutations.js';
import type { Random } from './random.js';
import { METHODS, SIP_MUTATIONS } from './sip-mutations.js';
import type { TextMessage } from './text-message.js';
import { parseText, renderText, setHeader } from './text-message.js';

export type SipTransport = 'UDP' | 'TCP' | 'WS';

export interface SipContext {
  transport: SipTransport;
  /** The node's address and SIP port (UDP/TCP), as a phone puts it in the Request-URI. */
  host: string;
  port: number;
  /** The fuzzer's own address, for Via and Contact. */
  localHost: string;
  /** MACs (12 lower-case hex digits) of SIP devices configured on the node: REGISTERs for them are accepted. */
  configuredMacs: readonly string[];
}

const STATIC_SEEDS: readonly Buffer[] = [validFixtures, invalidFixtures, ciscoFixtures]
  .flatMap((m) => Object.values(m))
  .filter((v): v is Buffer => Buffer.isBuffer(v));

/** Cisco models as (User-Agent, +u.sip!model value) (sip-cisco.md §1.3, §1.4). */
const CISCO_MODELS: readonly [string, string][] = [
  ['Cisco-CP7940G/8.0', '8'],
  ['Cisco-CP7960G/8.0', '7'],
  ['Cisco-CP7975G/9.3.1', '437'],
  ['Cisco-CP7970G/8.4.0', '30006'],
  ['Cisco-CP8851/12.1.1', '684'],
];

function transportToken(ctx: SipContext): string {
  return ctx.transport;
}

/** Via sent-by: a WebSocket client has no reachable address (RFC 7118 §5.2: a random .invalid host). */
function sentBy(ctx: SipContext): string {
  return ctx.transport === 'WS' ? 'df7jal23ls0d.invalid' : `${ctx.localHost}:5060`;
}

function macFor(rand: Random, ctx: SipContext): string {
  // Mostly unknown phones (auto-registration decides), some configured ones (accepted, bindings kept).
  if (ctx.configuredMacs.length > 0 && rand.chance(0.3)) return rand.pick(ctx.configuredMacs);
  return `fa${rand.hex(10)}`;
}

function common(
  rand: Random,
  ctx: SipContext,
  method: string,
  user: string,
  mac: string,
): [string, string][] {
  const callId = `${mac.slice(0, 8)}-${mac.slice(8)}${rand.hex(4)}-${rand.hex(8)}-${rand.hex(8)}@${ctx.localHost}`;
  return [
    ['Via', `SIP/2.0/${transportToken(ctx)} ${sentBy(ctx)};branch=z9hG4bK${rand.hex(12)};rport`],
    ['From', `<sip:${user}@${ctx.host}>;tag=${mac}${rand.hex(4)}-${rand.hex(8)}`],
    ['To', `<sip:${user}@${ctx.host}>`],
    ['Call-ID', callId],
    ['Max-Forwards', '70'],
    ['CSeq', `${rand.range(1, 60_000)} ${method}`],
  ];
}

function contactOf(rand: Random, ctx: SipContext, user: string, mac: string, model: string): string {
  const transport = ctx.transport.toLowerCase();
  const host = ctx.transport === 'WS' ? 'df7jal23ls0d.invalid' : `${ctx.localHost}:5060`;
  const devicename = rand.chance(0.5) ? `;+u.sip!devicename.ccm.cisco.com="SEP${mac.toUpperCase()}"` : '';
  return (
    `<sip:${user}@${host};transport=${transport}>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-${mac}>"` +
    `${devicename};+u.sip!model.ccm.cisco.com="${model}"`
  );
}

function register(rand: Random, ctx: SipContext): TextMessage {
  const mac = macFor(rand, ctx);
  const [ua, model] = rand.pick(CISCO_MODELS);
  const user = rand.pick(['2006', '5678', `SEP${mac.toUpperCase()}`, rand.hex(8)]);
  const headers = common(rand, ctx, 'REGISTER', user, mac);
  headers.push(['User-Agent', ua], ['Contact', contactOf(rand, ctx, user, mac, model)]);
  if (ua.includes('7975'))
    headers.push(
      [
        'Supported',
        'replaces,join,sdp-anat,norefersub,X-cisco-service-control,X-cisco-config,X-cisco-sis-6.0.0',
      ],
      [
        'Reason',
        `SIP;cause=200;text="cisco-alarm:23 Name=SEP${mac.toUpperCase()} Load=SIP75.9-3-1SR1-1S Last=reset-restart"`,
      ],
    );
  if (rand.chance(0.15))
    headers.push([
      'Authorization',
      `Digest username="${user}",realm="ccmsipline",uri="sip:${ctx.host}",response="${rand.hex(32)}",nonce="${rand.hex(16)}",algorithm=MD5`,
    ]);
  headers.push(['Expires', rand.pick(['3600', '3600', '120', '60', '0'])], ['Content-Length', '0']);
  return { startLine: `REGISTER sip:${ctx.host}:${ctx.port} SIP/2.0`, headers, body: '' };
}

/** Unregister every binding (RFC 3261 §10.2.2: Contact: *, Expires: 0). */
function unregisterAll(rand: Random, ctx: SipContext): TextMessage {
  const m = register(rand, ctx);
  setHeader(m, 'Contact', '*');
  setHeader(m, 'Expires', '0');
  return m;
}

/** A third-party phone named by its user part SEP<MAC> (README: baresip). */
function thirdPartyRegister(rand: Random, ctx: SipContext): TextMessage {
  const mac = macFor(rand, ctx).toUpperCase();
  const headers = common(rand, ctx, 'REGISTER', `SEP${mac}`, mac.toLowerCase());
  headers.push(
    ['User-Agent', 'baresip v3.10.1 (x86_64/Linux)'],
    ['Contact', `<sip:SEP${mac}@${sentBy(ctx)};transport=${ctx.transport.toLowerCase()}>;expires=600`],
    ['Allow', 'INVITE,ACK,BYE,CANCEL,OPTIONS,NOTIFY,SUBSCRIBE,INFO,MESSAGE,UPDATE,REFER'],
    ['Content-Length', '0'],
  );
  return { startLine: `REGISTER sip:${ctx.host} SIP/2.0`, headers, body: '' };
}

function options(rand: Random, ctx: SipContext): TextMessage {
  const mac = macFor(rand, ctx);
  const headers = common(rand, ctx, 'OPTIONS', 'probe', mac);
  headers.push(['Accept', 'application/sdp'], ['Content-Length', '0']);
  return { startLine: `OPTIONS sip:${ctx.host}:${ctx.port} SIP/2.0`, headers, body: '' };
}

function invite(rand: Random, ctx: SipContext): TextMessage {
  const mac = macFor(rand, ctx);
  const [ua] = rand.pick(CISCO_MODELS);
  const headers = common(rand, ctx, 'INVITE', '2006', mac);
  setHeader({ startLine: '', headers, body: '' }, 'To', `<sip:${rand.range(1000, 1999)}@${ctx.host}>`);
  const body =
    `v=0\r\no=Cisco-SIPUA ${rand.range(1, 99999)} 0 IN IP4 ${ctx.localHost}\r\ns=SIP Call\r\n` +
    `c=IN IP4 ${ctx.localHost}\r\nt=0 0\r\nm=audio ${rand.range(16384, 32766)} RTP/AVP 0 8 18 101\r\n` +
    'a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n';
  headers.push(
    ['User-Agent', ua],
    ['Contact', `<sip:2006@${sentBy(ctx)};transport=${ctx.transport.toLowerCase()}>`],
    ['Allow', 'ACK,BYE,CANCEL,INVITE,NOTIFY,OPTIONS,REFER,REGISTER,UPDATE,SUBSCRIBE'],
    ['Content-Type', 'application/sdp'],
    ['Content-Length', String(body.length)],
  );
  return { startLine: `INVITE sip:${rand.range(1000, 1999)}@${ctx.host} SIP/2.0`, headers, body };
}

/** Any other method, as a phone or a scanner would send it. */
function otherMethod(rand: Random, ctx: SipContext): TextMessage {
  const method = rand.pick(METHODS);
  const mac = macFor(rand, ctx);
  const headers = common(rand, ctx, method, '2006', mac);
  let body = '';
  if (method === 'REFER') {
    body =
      '<x-cisco-remotecc-request><softkeyeventmsg><softkeyevent>DND</softkeyevent></softkeyeventmsg></x-cisco-remotecc-request>';
    headers.push(
      ['Refer-To', 'cid:1234@127.0.0.1'],
      ['Content-Type', 'application/x-cisco-remotecc-request+xml'],
    );
  } else if (method === 'NOTIFY' || method === 'SUBSCRIBE') {
    headers.push([
      'Event',
      rand.pick(['check-sync', 'service-control', 'presence', 'dialog', 'message-summary']),
    ]);
    if (method === 'NOTIFY') {
      body = 'action=reset\r\nRegisterCallId={x}\r\n';
      headers.push(['Subscription-State', 'active'], ['Content-Type', 'text/plain']);
    }
  }
  headers.push(['Content-Length', String(body.length)]);
  return { startLine: `${method} sip:2006@${ctx.host} SIP/2.0`, headers, body };
}

/** A response where the node expects requests (or one to its own NOTIFY). */
function response(rand: Random, ctx: SipContext): TextMessage {
  const m = options(rand, ctx);
  m.startLine = `SIP/2.0 ${rand.pick(['200 OK', '100 Trying', '404 Not Found', '999 Weird', '481 Call/Transaction Does Not Exist'])}`;
  setHeader(m, 'CSeq', `${rand.range(1, 100)} ${rand.pick(['NOTIFY', 'OPTIONS', 'INVITE'])}`);
  setHeader(m, 'To', `<sip:2006@${ctx.host}>;tag=${rand.hex(8)}`);
  return m;
}

/** Builders of fresh valid seeds, by weight. */
const BUILDERS: readonly (readonly [number, (rand: Random, ctx: SipContext) => TextMessage])[] = [
  [10, register],
  [2, unregisterAll],
  [2, thirdPartyRegister],
  [4, options],
  [3, invite],
  [3, otherMethod],
  [1, response],
];

/**
 * The same message with a new branch: sent again, it is a new transaction, not a retransmission
 * the node answers from memory (RFC 3261 §17.2.3). The reducer replays inputs through this.
 */
export function freshenSip(input: Buffer, rand: Random): Buffer {
  return Buffer.from(
    input.toString('latin1').replace(/z9hG4bK[0-9a-f]{12}/g, () => `z9hG4bK${rand.hex(12)}`),
    'latin1',
  );
}

/** One SIP message: a seed, sometimes sent as is, mostly mutated once to three times. */
export function sipInput(rand: Random, ctx: SipContext): Buffer {
  if (rand.chance(0.1)) {
    // The torture messages and Cisco traces: as they are, by bytes, or through the grammar.
    const seed = rand.pick(STATIC_SEEDS);
    if (rand.chance(0.3)) return seed;
    if (rand.chance(0.5)) return mutateBytes(rand, seed, rand.pick(STATIC_SEEDS));
    const message = parseText(seed.toString('latin1'));
    rand.weighted(SIP_MUTATIONS)(rand, message);
    return renderText(message, rand.chance(0.5));
  }
  const message = rand.weighted(BUILDERS)(rand, ctx);
  if (rand.chance(0.1)) return renderText(message, true);
  const grammar = rand.chance(0.7);
  for (let k = rand.range(1, 3); k > 0; k--) {
    if (grammar) rand.weighted(SIP_MUTATIONS)(rand, message);
  }
  const rendered = renderText(message, rand.chance(0.7));
  if (grammar && rand.chance(0.85)) return rendered;
  return mutateBytes(rand, rendered, rand.chance(0.5) ? rand.pick(STATIC_SEEDS) : rendered);
}
