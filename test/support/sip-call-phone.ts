/**
 * A scripted SIP phone over a real UDP socket for call tests: registers a line with the node,
 * places and answers calls, holds and hangs up, and keeps every message it received, parsed by the
 * node's own parser. It sends what a 79xx on SIP sends (sip-cisco.md §1, calls.md §2): early offer
 * in its INVITEs, a 200 with SDP to the node's delayed-offer INVITE.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import type { SipMessage, SipRequest, SipResponse } from '../../src/protocols/sip/message.js';
import { parseMessage } from '../../src/protocols/sip/parser.js';
import { SipStreamFramer } from '../../src/protocols/sip/stream-framer.js';
import type { RunningNode } from '../../src/server.js';

/** Adds a configured SIP 7960 holding `dns` on lines 1, 2, … (reserved unless `shared`). */
export async function addSipDevice(
  node: RunningNode,
  name: string,
  dns: string[],
  /** The DNs exist already (a shared line). */
  shared = false,
  /** Max calls and busy trigger of every line (the defaults 2/2 when left out). */
  appearance: { maxCalls?: number; busyTrigger?: number } = {},
): Promise<void> {
  const now = new Date();
  await node.store.transaction(async (tx) => {
    if (!shared) await tx.devices.reserveDns(dns, now);
    await tx.devices.insert(
      {
        name,
        model: '7960',
        protocol: 'SIP',
        description: 'SIP call test phone',
        lines: dns.map((dn, i) => ({ index: i + 1, dn, ...appearance })),
        loadId: null,
      },
      now,
    );
  });
}

const rand = () => randomBytes(5).toString('hex');

/** SDP of a phone receiving at 127.0.0.1:`port`, offering `pts` (default PCMU, PCMA, G.729, events). */
export function phoneSdp(
  port: number,
  options: { pts?: number[]; direction?: string; address?: string } = {},
): string {
  const pts = options.pts ?? [0, 8, 18, 101];
  const names: Record<number, string> = {
    0: 'PCMU',
    8: 'PCMA',
    18: 'G729',
    9: 'G722',
    97: 'iLBC',
    101: 'telephone-event',
  };
  const address = options.address ?? '127.0.0.1';
  return [
    'v=0',
    `o=Cisco-SIPUA ${port} 1 IN IP4 ${address}`,
    's=SIP Call',
    `c=IN IP4 ${address}`,
    't=0 0',
    `m=audio ${port} RTP/AVP ${pts.join(' ')}`,
    ...pts.map((pt) => `a=rtpmap:${pt} ${names[pt]}/8000`),
    'a=ptime:20',
    `a=${options.direction ?? 'sendrecv'}`,
    '',
  ].join('\r\n');
}

/** A dialog as the test phone sees it. */
export interface PhoneDialog {
  callId: string;
  localTag: string;
  remoteTag: string | null;
  local: string;
  remote: string;
  cseq: number;
  /** Where in-dialog requests go (the node's Contact). */
  target: string;
  /** The branch of the INVITE that made the dialog (its CANCEL has the same). */
  inviteBranch?: string;
}

export class SipCallPhone {
  readonly received: SipMessage[] = [];
  /** Every message as it came off the wire, retransmissions too (for tshark). */
  readonly wire: Buffer[] = [];
  private readonly socket = dgram.createSocket('udp4');
  private tcp: net.Socket | null = null;
  private readonly seen = new Set<string>();
  private cseq = 1;
  private waiters: Array<() => void> = [];

  constructor(
    readonly mac: string,
    readonly dn: string,
    private readonly nodePort: number,
    /** UDP, or one TCP connection to the node for everything (RFC 3261 §18: requests to the phone come back on it). */
    readonly transport: 'UDP' | 'TCP' = 'UDP',
  ) {}

  get name(): string {
    return `SEP${this.mac.toUpperCase()}`;
  }

  get port(): number {
    return this.tcp ? this.tcp.localPort! : this.socket.address().port;
  }

  private get contactParams(): string {
    return this.transport === 'TCP' ? ';transport=tcp' : '';
  }

  async open(): Promise<this> {
    const take = (message: SipMessage) => {
      this.wire.push(message.raw);
      // Retransmissions (UDP Timer A/G, a 2xx resent until its ACK) are kept out: a test reads each message once.
      const key =
        message.kind === 'request'
          ? `${message.method} ${message.callId} ${message.cseq.seq} ${message.via[0]?.branch ?? ''}`
          : `${message.status} ${message.callId} ${message.cseq.seq} ${message.cseq.method}`;
      if (this.seen.has(key)) return;
      this.seen.add(key);
      this.received.push(message);
      for (const wake of this.waiters.splice(0)) wake();
    };
    if (this.transport === 'TCP') {
      const framer = new SipStreamFramer();
      const tcp = net.connect(this.nodePort, '127.0.0.1');
      tcp.on('data', (chunk: Buffer) => {
        for (const event of framer.push(chunk))
          if (event.type === 'message' && event.result.ok) take(event.result.message);
      });
      tcp.on('error', () => undefined);
      await new Promise<void>((resolve) => tcp.once('connect', () => resolve()));
      this.tcp = tcp;
      return this;
    }
    this.socket.on('message', (data) => {
      const result = parseMessage(data);
      if (result.ok) take(result.message);
    });
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', () => resolve()));
    return this;
  }

  close(): void {
    if (this.tcp) this.tcp.destroy();
    else this.socket.close();
  }

  send(text: string | Buffer): void {
    const data = typeof text === 'string' ? Buffer.from(text) : text;
    if (this.tcp) this.tcp.write(data);
    else this.socket.send(data, this.nodePort, '127.0.0.1');
  }

  /** Waits for a message that `match` accepts, received since `from` (default: any not yet taken). */
  async next(match: (m: SipMessage) => boolean, what: string, ms = 5000): Promise<SipMessage> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.received.findIndex(match);
      if (i >= 0) return this.received.splice(i, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `${this.name} waited for ${what}; it has ${this.received.map((m) => (m.kind === 'request' ? m.method : `${m.status} ${m.cseq.method}`)).join(', ') || 'nothing'}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  request(method: string): Promise<SipRequest> {
    return this.next(
      (m): m is SipRequest => m.kind === 'request' && m.method === method,
      method,
    ) as Promise<SipRequest>;
  }

  response(method: string, status: number): Promise<SipResponse> {
    return this.next(
      (m): m is SipResponse => m.kind === 'response' && m.cseq.method === method && m.status === status,
      `${status} to ${method}`,
    ) as Promise<SipResponse>;
  }

  /** Registers its line (To = the DN, the MAC in +sip.instance as a 7960 on SIP does). */
  async register(expires = 3600): Promise<SipResponse> {
    const branch = `z9hG4bK${rand()}`;
    this.send(
      [
        `REGISTER sip:127.0.0.1:${this.nodePort} SIP/2.0`,
        `Via: SIP/2.0/${this.transport} 127.0.0.1:${this.port};branch=${branch};rport`,
        `From: <sip:${this.dn}@127.0.0.1>;tag=${this.mac}`,
        `To: <sip:${this.dn}@127.0.0.1>`,
        `Call-ID: reg-${this.mac}@127.0.0.1`,
        `CSeq: ${this.cseq++} REGISTER`,
        `Contact: <sip:${this.dn}@127.0.0.1:${this.port}${this.contactParams}>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-${this.mac}>";+u.sip!model.ccm.cisco.com="7"`,
        'Max-Forwards: 70',
        'User-Agent: Cisco-CP7960G/8.0',
        `Expires: ${expires}`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    return this.next(
      (m): m is SipResponse => m.kind === 'response' && m.cseq.method === 'REGISTER',
      'the REGISTER answer',
    ) as Promise<SipResponse>;
  }

  /** Places a call to `number` (early offer unless `sdp` is null); returns its dialog. */
  invite(number: string, sdp: string | null, displayName = `Line ${this.dn}`): PhoneDialog {
    const dialog: PhoneDialog = {
      callId: `${rand()}@127.0.0.1`,
      localTag: rand(),
      remoteTag: null,
      local: `"${displayName}" <sip:${this.dn}@127.0.0.1>`,
      remote: `<sip:${number}@127.0.0.1>`,
      cseq: 101,
      target: `sip:${number}@127.0.0.1:${this.nodePort}`,
    };
    dialog.inviteBranch = this.sendRequest(dialog, 'INVITE', sdp ?? undefined);
    return dialog;
  }

  /** Sends `method` in `dialog` (a new CSeq unless ACK/CANCEL); returns the branch. */
  sendRequest(
    dialog: PhoneDialog,
    method: string,
    body?: string,
    branch = `z9hG4bK${rand()}`,
    cseq?: number,
  ): string {
    const remoteTag = dialog.remoteTag ? `;tag=${dialog.remoteTag}` : '';
    const lines = [
      `${method} ${dialog.target} SIP/2.0`,
      `Via: SIP/2.0/${this.transport} 127.0.0.1:${this.port};branch=${branch};rport`,
      `From: ${dialog.local};tag=${dialog.localTag}`,
      `To: ${dialog.remote}${remoteTag}`,
      `Call-ID: ${dialog.callId}`,
      `CSeq: ${cseq ?? dialog.cseq} ${method}`,
      `Contact: <sip:${this.dn}@127.0.0.1:${this.port}${this.contactParams}>`,
      'Max-Forwards: 70',
      ...(body === undefined ? [] : ['Content-Type: application/sdp']),
      `Content-Length: ${body === undefined ? 0 : Buffer.byteLength(body)}`,
      '',
      body ?? '',
    ];
    this.send(lines.join('\r\n'));
    return branch;
  }

  /** CANCELs the pending INVITE of `dialog` (RFC 3261 §9.1: its branch, CSeq number, To without tag). */
  cancel(dialog: PhoneDialog): void {
    this.sendRequest({ ...dialog, remoteTag: null }, 'CANCEL', undefined, dialog.inviteBranch);
  }

  /** The ACK of a 2xx to the INVITE of `dialog` (its own transaction). */
  ack(dialog: PhoneDialog, body?: string): void {
    this.sendRequest(dialog, 'ACK', body, undefined, dialog.cseq);
  }

  /** A new in-dialog request (BYE, re-INVITE) with the next CSeq. */
  inDialog(dialog: PhoneDialog, method: string, body?: string): string {
    dialog.cseq++;
    return this.sendRequest(dialog, method, body);
  }

  /** The dialog of the 2xx to our INVITE (its tag and Contact). */
  static confirmed(dialog: PhoneDialog, ok: SipResponse): void {
    dialog.remoteTag = ok.to.tag ?? null;
    const contacts = ok.contacts;
    if (contacts !== '*' && contacts.length > 0) dialog.target = contacts[0].uri;
  }

  /** Answers `request` with `status` (To tag `tag`, SDP `body`). */
  respond(request: SipRequest, status: number, reason: string, tag: string, body?: string): void {
    const lines = [
      `SIP/2.0 ${status} ${reason}`,
      ...request.headers('via').map((v) => `Via: ${v}`),
      `From: ${request.header('from')}`,
      `To: ${request.header('to')}${request.to.tag ? '' : `;tag=${tag}`}`,
      `Call-ID: ${request.callId}`,
      `CSeq: ${request.header('cseq')}`,
      `Contact: <sip:${this.dn}@127.0.0.1:${this.port}${this.contactParams}>`,
      ...(body === undefined ? [] : ['Content-Type: application/sdp']),
      `Content-Length: ${body === undefined ? 0 : Buffer.byteLength(body)}`,
      '',
      body ?? '',
    ];
    this.send(lines.join('\r\n'));
  }

  /** The dialog of an INVITE the node sent us, once we answered with `tag`. */
  static dialogOf(invite: SipRequest, tag: string, phone: SipCallPhone): PhoneDialog {
    const contacts = invite.contacts;
    return {
      callId: invite.callId,
      localTag: tag,
      remoteTag: invite.from.tag ?? null,
      local: `<sip:${phone.dn}@127.0.0.1>`,
      remote: invite.header('from')!.replace(/;tag=[^;]*/, ''),
      cseq: 1,
      target: contacts !== '*' && contacts.length > 0 ? contacts[0].uri : '',
    };
  }
}
