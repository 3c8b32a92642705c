/** A registrar with fake services and an injected clock, for unit tests of the registration rules. */
import pino from 'pino';
import type { Device } from '../../../core/device.js';
import type { RegistrationRequest, RegistrationResult } from '../../../core/registration.js';
import type { UnregistrationReason } from '../../../core/registration-event.js';
import type { Rejection } from '../../../core/rejection.js';
import type { DeviceConnection, ResetType } from '../../../services/live-registry.js';
import { defaultLimits } from '../../../limits/index.js';
import { AuthThrottle } from '../../../services/auth-throttle.js';
import { DigestPolicy } from '../auth/digest-policy.js';
import type { SipRequest } from '../message.js';
import { parseMessage } from '../parser.js';
import { computeDigestResponse, parseDigestChallenge } from '../digest.js';
import type { SipFlow } from '../transport/flow.js';
import { MemoryFlow } from '../transport/memory-flow.js';
import type { DeviceEntry } from './binding-store.js';
import type { StoredCredential } from './credentials.js';
import type { RegistrarOptions } from './registrar.js';
import { Registrar } from './registrar.js';
import type { RegistrarReply } from './replies.js';

export interface RegisterInput {
  user?: string;
  mac?: string | null;
  callId?: string;
  cseq?: number;
  /** Contact header value; default: a Cisco contact with the MAC instance. */
  contact?: string | null;
  expires?: number | null;
  userAgent?: string;
  extra?: string[];
  port?: number;
}

/** The text of a REGISTER like a 7940 on SIP 8.x sends (sip-cisco.md §1). */
export function registerText(i: RegisterInput = {}): string {
  const user = i.user ?? '2006';
  const mac = i.mac === undefined ? '001795a1b2c3' : i.mac;
  const port = i.port ?? 5062;
  const instance = mac === null ? '' : `;+sip.instance="<urn:uuid:00000000-0000-0000-0000-${mac}>"`;
  const contact =
    i.contact === undefined
      ? `<sip:${user}@127.0.0.1:${port};transport=udp>${instance};+u.sip!model.ccm.cisco.com="8"`
      : i.contact;
  const lines = [
    'REGISTER sip:127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK${Math.random().toString(16).slice(2)}`,
    `From: <sip:${user}@127.0.0.1>;tag=f1`,
    `To: <sip:${user}@127.0.0.1>`,
    `Call-ID: ${i.callId ?? 'call-1@127.0.0.1'}`,
    `CSeq: ${i.cseq ?? 1} REGISTER`,
    'Max-Forwards: 70',
    `User-Agent: ${i.userAgent ?? 'Cisco-CP7940G/8.0'}`,
    'Reason: SIP;cause=200;text="cisco-alarm:23 Name=SEP001795A1B2C3 Load=P0S3-8-12-00 Last=reset-restart"',
    ...(contact === null ? [] : [`Contact: ${contact}`]),
    ...(i.expires === null ? [] : [`Expires: ${i.expires ?? 3600}`]),
    ...(i.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ];
  return lines.join('\r\n');
}

export function parseRequest(text: string): SipRequest {
  const r = parseMessage(Buffer.from(text));
  if (!r.ok) throw new Error(`fixture does not parse: ${r.error.message}`);
  if (r.message.kind !== 'request') throw new Error('fixture is not a request');
  return r.message;
}

export function device(name: string, model = '7940'): Device {
  return {
    name,
    model,
    protocol: 'SIP',
    description: 'Auto 1000',
    lines: [{ index: 1, dn: '1000' }],
    loadId: null,
  };
}

export class RegistrarHarness {
  time = Date.UTC(2026, 0, 1);
  readonly requests: RegistrationRequest[] = [];
  readonly connections: DeviceConnection[] = [];
  readonly unregistered: { name: string; reason: UnregistrationReason }[] = [];
  readonly recorded: Rejection[] = [];
  readonly resets: { device: string; type: ResetType }[] = [];
  /** Refusals at a limit, by limit name. */
  readonly refusals: { limit: string; message: string }[] = [];
  readonly credentials = new Map<string, StoredCredential>();
  /** Credentials looked up by digest user name (a database read in a node). */
  usernameLookups = 0;
  /** What the registration service answers; default: accept. */
  decide: (request: RegistrationRequest) => Promise<RegistrationResult> | RegistrationResult = (r) => ({
    kind: 'accepted',
    device: device(r.deviceName),
    autoRegistered: true,
  });
  /** Called when the registrar tells the service a device is gone (a test may make it fail). */
  onUnregistered: () => void = () => undefined;
  readonly digest: DigestPolicy;
  /** The node's throttle of failed authentications, on the harness's clock. */
  readonly authThrottle: AuthThrottle;
  readonly registrar: Registrar;
  readonly flow = new MemoryFlow('UDP');

  constructor(settings: RegistrarOptions['settings'] = {}) {
    const now = () => this.time;
    this.digest = new DigestPolicy({ now });
    const reporter = {
      reached: (limit: string, _context: unknown, message: string) => this.refusals.push({ limit, message }),
    };
    this.authThrottle = new AuthThrottle({
      clock: () => new Date(this.time),
      limits: reporter,
      failuresPerAddress: defaultLimits().authFailuresPerAddress,
    });
    this.registrar = new Registrar({
      registration: {
        register: async (request, connection) => {
          this.requests.push(request);
          this.connections.push(connection);
          return this.decide(request);
        },
        unregistered: (d, _connection, reason) => {
          this.onUnregistered();
          this.unregistered.push({ name: d.name, reason });
        },
      },
      credentials: {
        byDevice: async (name) => [...this.credentials.values()].find((c) => c.deviceName === name) ?? null,
        byUsername: async (username) => {
          this.usernameLookups++;
          return this.credentials.get(username) ?? null;
        },
      },
      digest: this.digest,
      recorder: { rejected: (_request, r) => this.recorded.push(r) },
      reporter,
      authThrottle: this.authThrottle,
      settings,
      resetDevice: (entry: DeviceEntry, type) => this.resets.push({ device: entry.name, type }),
      now,
      nodeName: 'cm1',
      warnAgent: '10.0.0.1',
      logger: pino({ level: 'silent' }),
    });
  }

  /** Handles one REGISTER (from `flow`, by default the harness's) and resolves with the reply. */
  send(input: RegisterInput | string, flow: SipFlow = this.flow): Promise<RegistrarReply> {
    const request = parseRequest(typeof input === 'string' ? input : registerText(input));
    return new Promise((resolve) => this.registrar.handle(request, flow, resolve));
  }

  /** Makes the registration service wait with its decisions until the function returned is called. */
  hold(): () => void {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const decide = this.decide;
    this.decide = async (r) => {
      await gate;
      return decide(r);
    };
    return release;
  }

  /** Moves the clock on and runs the expiry sweep. */
  advance(seconds: number): void {
    this.time += seconds * 1000;
    this.registrar.expire();
  }
}

/** The values of one header in a reply. */
export function headerValues(reply: RegistrarReply, name: string): string[] {
  return reply.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
}

/**
 * `Authorization:` answering `challenge` (a WWW-Authenticate value) for `user` with `password`, nonce-count `nc`;
 * `options` leave out qop (the RFC 2069 form) or compute it for another `uri` than the REGISTER's.
 */
export function authorizationHeader(
  challenge: string,
  password: string,
  nc: number,
  user = '2006',
  options: { qop?: boolean; uri?: string } = {},
): string {
  const realm = 'ccmsipline';
  const ch = parseDigestChallenge(challenge);
  if (!ch.ok) throw new Error(ch.error);
  const { nonce, algorithm } = ch.value;
  const cnonce = 'c0ffee';
  const uri = options.uri ?? 'sip:127.0.0.1';
  const qop = options.qop === false ? undefined : ('auth' as const);
  const response = computeDigestResponse({
    algorithm,
    username: user,
    realm,
    password,
    nonce,
    method: 'REGISTER',
    uri,
    qop,
    nc,
    cnonce,
  });
  const ncText = nc.toString(16).padStart(8, '0');
  const protection = qop === undefined ? '' : `, qop=auth, nc=${ncText}, cnonce="${cnonce}"`;
  return `Authorization: Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=${algorithm}${protection}`;
}
