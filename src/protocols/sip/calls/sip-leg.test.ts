import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { LegEvent } from '../../../services/calls/call-ports.js';
import type { SipRequest } from '../message.js';
import { parseMessage } from '../parser.js';
import { ClientTransactionTable } from '../transaction/client-transactions.js';
import { InviteClientTable } from '../transaction/invite-client.js';
import { ManualTimers } from '../transaction/manual-timers.js';
import { ServerTransactionTable } from '../transaction/server-transactions.js';
import { DEFAULT_TIMERS } from '../transaction/timers.js';
import { MemoryFlow } from '../transport/memory-flow.js';
import { uasDialog } from './dialog.js';
import { parseSdp } from './sdp.js';
import { SipLeg } from './sip-leg.js';

const SDP =
  'v=0\r\no=x 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\n' +
  'a=rtpmap:101 telephone-event/8000\r\n';

function invite(): SipRequest {
  const text =
    'INVITE sip:1002@10.0.0.9 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa1\r\n' +
    'From: "Alice" <sip:1001@10.0.0.9>;tag=f1\r\nTo: <sip:1002@10.0.0.9>\r\nCall-ID: c1@10.0.0.1\r\n' +
    `CSeq: 1 INVITE\r\nContact: <sip:1001@10.0.0.1>\r\nContent-Type: application/sdp\r\nContent-Length: ${SDP.length}\r\n\r\n${SDP}`;
  const r = parseMessage(Buffer.from(text));
  if (!r.ok || r.message.kind !== 'request') throw new Error('bad fixture');
  return r.message;
}

/** The phone's re-INVITE in the dialog (CSeq `cseq`) offering `sdp`. */
function reinvite(cseq: number, sdp: string): SipRequest {
  const text =
    `INVITE sip:1002@10.0.0.9 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKr${cseq}\r\n` +
    'From: "Alice" <sip:1001@10.0.0.9>;tag=f1\r\nTo: <sip:1002@10.0.0.9>;tag=node1\r\nCall-ID: c1@10.0.0.1\r\n' +
    `CSeq: ${cseq} INVITE\r\nContact: <sip:1001@10.0.0.1>\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`;
  const r = parseMessage(Buffer.from(text));
  if (!r.ok || r.message.kind !== 'request') throw new Error('bad fixture');
  return r.message;
}

function setup(react: (event: LegEvent, leg: SipLeg) => void = () => undefined) {
  const host = new ManualTimers();
  const flow = new MemoryFlow('UDP');
  const events: LegEvent['kind'][] = [];
  const leg: SipLeg = new SipLeg(
    {
      service: {
        send: (_handle, event) => {
          events.push(event.kind);
          react(event, leg);
        },
      },
      invites: new InviteClientTable({ host }),
      clients: new ClientTransactionTable({ host }),
      timers: DEFAULT_TIMERS,
      host,
      userAgent: 'openucm/test',
      warnAgent: 'node',
      logger: pino({ level: 'silent' }),
      ended: () => undefined,
    },
    'uas',
    'SEP000000000001',
    flow,
    { host: '10.0.0.9', port: 5060, transport: 'UDP' },
    uasDialog({
      callId: 'c1@10.0.0.1',
      localTag: 'node1',
      remoteTag: 'f1',
      localUri: '<sip:1002@10.0.0.9>',
      remoteUri: '<sip:1001@10.0.0.9>',
      cseq: 1,
      remoteTarget: 'sip:1001@10.0.0.1',
      recordRoute: [],
    }),
  );
  leg.handle = { callId: 1, legId: 1 };
  const request = invite();
  const servers = new ServerTransactionTable({ host });
  const tx = servers.receive(request, flow)!;
  leg.offered(request, tx, parseSdp(SDP));
  /** The call is talking: our 200 went and its ACK came. */
  const confirm = () => {
    leg.send({ kind: 'call-state', state: 'connected', remote: null });
    leg.send({ kind: 'start-media', to: { address: '10.0.0.2', port: 5000 }, codec: 'PCMU', packetMs: 20 });
    leg.acked(request);
  };
  /** The phone sends a re-INVITE offering `sdp`. */
  const reinvited = (cseq: number, sdp: string) => {
    const re = reinvite(cseq, sdp);
    leg.request(re, servers.receive(re, flow)!);
  };
  return { host, flow, events, leg, request, confirm, reinvited };
}

describe('SipLeg answering a phone’s INVITE', () => {
  it('sends 180 with RPID, then the 200 with SDP, resent on T1, 2·T1 … until the ACK (RFC 3261 §13.3.1.4)', () => {
    const { host, flow, leg, request } = setup();
    leg.send({ kind: 'call-state', state: 'alerting', remote: { number: '1002', name: 'Bob' } });
    leg.send({ kind: 'call-state', state: 'connected', remote: { number: '1002', name: 'Bob' } });
    leg.send({ kind: 'start-media', to: { address: '10.0.0.2', port: 5000 }, codec: 'PCMU', packetMs: 20 });
    expect(flow.startLines).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 180 Ringing', 'SIP/2.0 200 OK']);
    const ok = flow.sent[2].toString();
    expect(ok).toContain('To: <sip:1002@10.0.0.9>;tag=node1');
    expect(ok).toMatch(/^Remote-Party-ID: "Bob" <sip:1002@10.0.0.9>;party=called;/m);
    expect(ok).toContain('m=audio 5000 RTP/AVP 0 101');
    expect(flow.sent[1].toString()).toContain(';party=called');
    host.advance(500 + 1000);
    expect(flow.sent).toHaveLength(5);
    leg.acked(request);
    host.advance(60_000);
    expect(flow.sent).toHaveLength(5);
    expect(leg.state).toBe('confirmed');
  });

  it('ends the call with a BYE when the ACK never comes (64·T1)', () => {
    const { host, flow, events, leg } = setup();
    leg.send({ kind: 'call-state', state: 'connected', remote: null });
    leg.send({ kind: 'start-media', to: { address: '10.0.0.2', port: 5000 }, codec: 'PCMU', packetMs: 20 });
    host.advance(32_000);
    expect(flow.startLines.at(-1)).toBe('BYE sip:1001@10.0.0.1 SIP/2.0');
    expect(flow.sent.at(-1)!.toString()).toContain('Reason: Q.850;cause=102');
    expect(events).toEqual(['hang-up']);
    expect(leg.state).toBe('ended');
  });

  it('refuses with the cause’s status; a codec refusal is 488 with Warning 305', () => {
    const { flow, events, leg } = setup();
    leg.send({ kind: 'reject', cause: 65 });
    expect(flow.startLines.at(-1)).toBe('SIP/2.0 488 Not Acceptable Here');
    expect(flow.sent.at(-1)!.toString()).toMatch(/Warning: 305 node "/);
    expect(events).toEqual(['hang-up']);
  });
});

describe('SipLeg answering a phone’s re-INVITE', () => {
  it('answers a resume when the model re-points it (an SCCP peer first opens a new channel), not at once', () => {
    // The model resumes the call: call-state connected now, start-media once the SCCP phone acked.
    const { flow, leg, confirm, reinvited } = setup((event, l) => {
      if (event.kind === 'media' && event.offer)
        l.send({ kind: 'call-state', state: 'connected', remote: null });
    });
    confirm();
    reinvited(2, SDP.replace('m=audio 4000', 'm=audio 4002'));
    expect(flow.sent.some((m) => m.toString().includes('CSeq: 2 INVITE'))).toBe(false);
    const sentBefore = flow.sent.length;
    leg.send({ kind: 'start-media', to: { address: '10.0.0.2', port: 5002 }, codec: 'PCMU', packetMs: 20 });
    expect(flow.sent).toHaveLength(sentBefore + 1);
    const answer = flow.sent.at(-1)!.toString();
    expect(answer).toMatch(/^SIP\/2\.0 200 OK/);
    expect(answer).toContain('CSeq: 2 INVITE');
    expect(answer).toContain('m=audio 5002 RTP/AVP 0 101');
    expect(answer).toContain('a=sendrecv');
  });

  it('answers at once with what holds now when the model says nothing, and 487 to one still pending when the call ends', () => {
    const { flow, confirm, reinvited } = setup();
    confirm();
    reinvited(2, SDP);
    expect(flow.sent.at(-1)!.toString()).toMatch(/^SIP\/2\.0 200 OK[\s\S]*CSeq: 2 INVITE[\s\S]*a=sendrecv/);

    const resuming = setup((event, l) => {
      if (event.kind === 'media' && event.offer)
        l.send({ kind: 'call-state', state: 'connected', remote: null });
    });
    resuming.confirm();
    resuming.reinvited(2, SDP);
    resuming.leg.send({ kind: 'clear', cause: 16 });
    const last = resuming.flow.sent.slice(-2).map((m) => m.toString().split('\r\n')[0]);
    expect(last.sort()).toEqual(['BYE sip:1001@10.0.0.1 SIP/2.0', 'SIP/2.0 487 Request Terminated']);
    expect(resuming.flow.sent.map((m) => m.toString()).find((m) => m.startsWith('SIP/2.0 487'))).toContain(
      'CSeq: 2 INVITE',
    );
  });
});
