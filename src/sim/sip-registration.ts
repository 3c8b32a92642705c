/**
 * The SIP side of a 7940/7960 (or 79x1) on a SIP load: REGISTERs its lines over UDP like the
 * phones in sip-cisco.md §1, answers digest challenges, refreshes, and hands the server's
 * NOTIFY check-sync / service-control to the phone. A client of the wire only.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import {
  buildResponse,
  computeDigestResponse,
  parseDigestChallenge,
  parseMessage,
  serializeRequest,
} from '../protocols/sip/index.js';
import type { SipRequest, SipResponse } from '../protocols/sip/index.js';

export interface SipLineIdentity {
  index: number;
  /** User part of the AOR (line1_name). */
  name: string;
  authName: string;
  password?: string;
  displayName?: string;
}

export interface SipTarget {
  host: string;
  port: number;
}

export interface SipRegistrationOptions {
  /** 12 hex digits. */
  mac: string;
  /** CUCM device-type number sent in +u.sip!model.ccm.cisco.com (sip-cisco.md §1.4). */
  modelEnum: number;
  /** e.g. Cisco-CP7940G/8.0 (sip-cisco.md §1.3). */
  userAgent: string;
  localAddress?: string;
  expires: number;
  /** RFC 3261 T1, ms (default 500). */
  t1Ms?: number;
}

export type RegisterOutcome =
  | { kind: 'registered'; expires: number; date?: Date }
  | { kind: 'rejected'; status: number; reason: string }
  | { kind: 'timeout' };

export type ServerCommand = 'reboot' | 'reregister';

interface Events {
  /** The server asked for a reboot (check-sync, action=reset) or a re-registration (action=restart). */
  command: [ServerCommand, string];
}

interface Transaction {
  resolve(response: SipResponse | null): void;
  timer: NodeJS.Timeout;
}

/** Timer F (RFC 3261 §17.1.2.2): a non-INVITE transaction fails after 64·T1. */
const TIMER_F_FACTOR = 64;

/** What the phone's calls (sip-calls.ts) get of its SIP socket: requests and responses that are not its REGISTERs'. */
export interface SipCallHandler {
  request(request: SipRequest, from: SipTarget): void;
  response(response: SipResponse): void;
}

export class SipRegistration extends EventEmitter<Events> {
  private socket: dgram.Socket | null = null;
  /** The phone's calls, when it places or answers any. */
  calls: SipCallHandler | null = null;
  private localPort = 0;
  private readonly transactions = new Map<string, Transaction>();
  private readonly callIds = new Map<number, string>();
  private readonly tags = new Map<number, string>();
  private cseq = Math.floor(Math.random() * 10_000) + 100;
  private readonly t1: number;
  private localAddress: string | undefined;

  constructor(private readonly options: SipRegistrationOptions) {
    super();
    this.t1 = options.t1Ms ?? 500;
    this.localAddress = options.localAddress;
  }

  /** Binds the phone's SIP UDP port. */
  async open(): Promise<void> {
    const socket = dgram.createSocket('udp4');
    this.socket = socket;
    socket.on('message', (datagram, rinfo) => this.onDatagram(datagram, rinfo));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) =>
      socket.bind({ address: this.localAddress, port: 0 }, () => resolve()),
    );
    this.localPort = socket.address().port;
  }

  close(): void {
    for (const t of this.transactions.values()) {
      clearTimeout(t.timer);
      t.resolve(null);
    }
    this.transactions.clear();
    this.socket?.close();
    this.socket = null;
  }

  /**
   * The phone got another IP address (a DHCP renewal, another LAN): its SIP port is bound there and
   * its registrations go on as refreshes (same Call-IDs, CSeq counting on).
   */
  async moveTo(localAddress: string): Promise<void> {
    this.socket?.close();
    this.localAddress = localAddress;
    await this.open();
  }

  private get localIp(): string {
    return this.localAddress ?? '127.0.0.1';
  }

  /** Where the phone's SIP socket is (its Via and Contact). */
  get local(): SipTarget {
    return { host: this.localIp, port: this.localPort };
  }

  /** Sends a call's message from the phone's SIP port. */
  sendTo(packet: Buffer, target: SipTarget): void {
    this.socket?.send(packet, target.port, target.host);
  }

  /** sip-cisco.md §1.3: Call-ID `<MAC first 8 hex>-<MAC last 4 hex><4 hex>-<8 hex>-<8 hex>@<phone-ip>`, kept across refreshes. */
  private callIdOf(line: number): string {
    let id = this.callIds.get(line);
    if (!id) {
      const mac = this.options.mac.toLowerCase();
      const hex = (n: number) => randomBytes(n).toString('hex');
      id = `${mac.slice(0, 8)}-${mac.slice(8)}${hex(2)}-${hex(4)}-${hex(4)}@${this.localIp}`;
      this.callIds.set(line, id);
    }
    return id;
  }

  /** sip-cisco.md §1.3: "From tag starts with the MAC". */
  private tagOf(line: number): string {
    let tag = this.tags.get(line);
    if (!tag) {
      tag = `${this.options.mac.toLowerCase()}${randomBytes(2).toString('hex')}`;
      this.tags.set(line, tag);
    }
    return tag;
  }

  /** Forget the Call-ID of every line (a reboot starts new registrations). */
  resetDialogState(): void {
    this.callIds.clear();
    this.tags.clear();
  }

  /** REGISTERs one line at `target`, answering one digest challenge (RFC 3261 §22.2). */
  async register(
    line: SipLineIdentity,
    target: SipTarget,
    expires = this.options.expires,
  ): Promise<RegisterOutcome> {
    let authorization: string | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await this.send(line, target, expires, authorization);
      if (!response) return { kind: 'timeout' };
      if ((response.status === 401 || response.status === 407) && attempt === 0) {
        const header = response.header(response.status === 401 ? 'www-authenticate' : 'proxy-authenticate');
        const challenge = header ? parseDigestChallenge(header) : undefined;
        if (!challenge?.ok)
          return { kind: 'rejected', status: response.status, reason: 'Unreadable challenge' };
        const uri = `sip:${target.host}:${target.port}`;
        const qop = challenge.value.qop?.includes('auth') ? ('auth' as const) : undefined;
        const cnonce = qop ? randomBytes(8).toString('hex') : undefined;
        const digest = computeDigestResponse({
          algorithm: challenge.value.algorithm,
          username: line.authName,
          realm: challenge.value.realm,
          password: line.password ?? '',
          nonce: challenge.value.nonce,
          method: 'REGISTER',
          uri,
          qop,
          nc: 1,
          cnonce,
        });
        const parts = [
          `username="${line.authName}"`,
          `realm="${challenge.value.realm}"`,
          `nonce="${challenge.value.nonce}"`,
          `uri="${uri}"`,
          `response="${digest}"`,
          `algorithm=${challenge.value.algorithm}`,
        ];
        if (challenge.value.opaque !== undefined) parts.push(`opaque="${challenge.value.opaque}"`);
        if (qop) parts.push(`qop=${qop}`, 'nc=00000001', `cnonce="${cnonce}"`);
        authorization = `${response.status === 401 ? 'Authorization' : 'Proxy-Authorization'}: Digest ${parts.join(', ')}`;
        continue;
      }
      if (response.status >= 200 && response.status < 300) {
        const contactExpires = this.grantedExpires(response);
        const dateHeader = response.header('date');
        const date = dateHeader ? new Date(dateHeader) : undefined;
        return {
          kind: 'registered',
          expires: contactExpires ?? response.expires ?? expires,
          date: date && !Number.isNaN(date.getTime()) ? date : undefined,
        };
      }
      return { kind: 'rejected', status: response.status, reason: rejectionText(response) };
    }
    return { kind: 'rejected', status: 401, reason: 'Authentication failed' };
  }

  private grantedExpires(response: SipResponse): number | undefined {
    try {
      const contacts = response.contacts;
      if (contacts === '*') return undefined;
      const mine = contacts.find((c) => c.uri.includes(`@${this.localIp}:${this.localPort}`)) ?? contacts[0];
      return mine?.expires;
    } catch {
      return undefined;
    }
  }

  private send(
    line: SipLineIdentity,
    target: SipTarget,
    expires: number,
    authorization?: string,
  ): Promise<SipResponse | null> {
    const socket = this.socket;
    if (!socket) return Promise.resolve(null);
    const branch = `z9hG4bK${randomBytes(8).toString('hex')}`;
    const host = target.host;
    const aor = `sip:${line.name}@${host}`;
    const mac = this.options.mac.toLowerCase();
    const headers: [string, string | number][] = [
      ['Via', `SIP/2.0/UDP ${this.localIp}:${this.localPort};branch=${branch};rport`],
      ['From', `${line.displayName ? `"${line.displayName}" ` : ''}<${aor}>;tag=${this.tagOf(line.index)}`],
      ['To', `<${aor}>`],
      ['Call-ID', this.callIdOf(line.index)],
      ['CSeq', `${++this.cseq} REGISTER`],
      ['Max-Forwards', 70],
      // sip-cisco.md §1.2: +sip.instance with the MAC in lower case, +u.sip!model.ccm.cisco.com; no devicename on 7940/7960.
      [
        'Contact',
        `<sip:${line.name}@${this.localIp}:${this.localPort};transport=udp>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-${mac}>";+u.sip!model.ccm.cisco.com="${this.options.modelEnum}"`,
      ],
      ['User-Agent', this.options.userAgent],
      ['Expires', expires],
    ];
    if (authorization) {
      const colon = authorization.indexOf(':');
      headers.push([authorization.slice(0, colon), authorization.slice(colon + 2)]);
    }
    const packet = serializeRequest({ method: 'REGISTER', uri: `sip:${host}:${target.port}`, headers });
    return new Promise((resolve) => {
      let interval = this.t1;
      let elapsed = 0;
      const retransmit = () => {
        // RFC 3261 §17.1.2.2: timer E doubles up to T2 (4 s); timer F = 64·T1 ends the transaction.
        if (elapsed >= this.t1 * TIMER_F_FACTOR) {
          this.transactions.delete(branch);
          resolve(null);
          return;
        }
        socket.send(packet, target.port, target.host);
        elapsed += interval;
        const entry = this.transactions.get(branch);
        if (entry) entry.timer = setTimeout(retransmit, interval);
        interval = Math.min(interval * 2, 4000);
      };
      this.transactions.set(branch, { resolve, timer: setTimeout(() => undefined, 0) });
      retransmit();
    });
  }

  private onDatagram(datagram: Buffer, rinfo: dgram.RemoteInfo): void {
    const parsed = parseMessage(datagram);
    if (!parsed.ok) return;
    const message = parsed.message;
    if (message.kind === 'response') {
      if (message.cseq.method !== 'REGISTER') {
        this.calls?.response(message);
        return;
      }
      if (message.status < 200) return;
      const branch = message.via[0]?.params.get('branch');
      const t = branch ? this.transactions.get(branch) : undefined;
      if (!t || !branch) return;
      clearTimeout(t.timer);
      this.transactions.delete(branch);
      t.resolve(message);
      return;
    }
    this.onRequest(message, rinfo);
  }

  private onRequest(request: SipRequest, rinfo: dgram.RemoteInfo): void {
    const reply = (status: number) =>
      this.socket?.send(buildResponse(request, status), rinfo.port, rinfo.address);
    const referNotify = request.method === 'NOTIFY' && /^refer\b/i.test(request.header('event') ?? '');
    if (this.calls && (['INVITE', 'ACK', 'BYE', 'CANCEL'].includes(request.method) || referNotify)) {
      this.calls.request(request, { host: rinfo.address, port: rinfo.port });
      return;
    }
    if (request.method !== 'NOTIFY') {
      reply(request.method === 'OPTIONS' ? 200 : 405);
      return;
    }
    reply(200);
    const event = (request.header('event') ?? '').split(';')[0].trim().toLowerCase();
    // sip-cisco.md §1.6: 7940/7960 SIP 8.x get `Event: check-sync`; newer ones service-control with action=…
    if (event === 'check-sync') {
      this.emit('command', 'reboot', 'check-sync');
      return;
    }
    if (event === 'service-control') {
      const action = /action=([a-z-]+)/i.exec(request.body.toString('utf8'))?.[1]?.toLowerCase();
      if (action === 'reset') this.emit('command', 'reboot', 'service-control reset');
      else if (action === 'restart') this.emit('command', 'reregister', 'service-control restart');
      // Apply Config: the phone re-reads its configuration and registers again (CUCM 7.x).
      else if (action === 'apply-config') this.emit('command', 'reregister', 'service-control apply-config');
    }
  }
}

/** The text a phone shows for a refusal: the Warning text (sip-cisco.md §2, 399 "…") or the reason phrase. */
export function rejectionText(response: SipResponse): string {
  const warning = response.header('warning');
  const quoted = warning ? /"((?:[^"\\]|\\.)*)"/.exec(warning)?.[1] : undefined;
  return quoted || response.reason || `SIP ${response.status}`;
}
