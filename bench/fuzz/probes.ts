/**
 * Liveness probes, one per target, sent between batches from the operator's side (not from the
 * fuzzer's addresses): a well-formed request that the node must answer within the deadline. A
 * probe that gets no answer means the node stopped serving that port: a hang.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import WebSocket from 'ws';
import { SccpStation } from '../../src/sim/sccp-station.js';
import type { FuzzFixture } from './fuzz-fixture.js';
import type { NodeUnderTest } from './node-under-test.js';
import { api, bearer } from './node-api.js';
import type { TargetName } from './targets.js';

export interface ProbeContext {
  node: NodeUnderTest;
  fixture: FuzzFixture;
  deadlineMs: number;
}

function options(transport: string, host: string, port: number): string {
  const id = randomBytes(6).toString('hex');
  const sentBy = transport === 'WS' ? 'probe.invalid' : `${host}:${port}`;
  return (
    `OPTIONS sip:${host} SIP/2.0\r\nVia: SIP/2.0/${transport} ${sentBy};branch=z9hG4bKprobe${id};rport\r\n` +
    `From: <sip:probe@${host}>;tag=${id}\r\nTo: <sip:${host}>\r\nCall-ID: probe-${id}\r\nCSeq: 1 OPTIONS\r\n` +
    'Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n'
  );
}

function withDeadline<T>(
  ms: number,
  what: string,
  run: (done: (value: T) => void, fail: (e: Error) => void) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let cleanup: () => void = () => undefined;
    // The first outcome counts: a second answer (a retransmission's) or a late error changes nothing.
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cleanup();
      finish();
    };
    const timer = setTimeout(() => settle(() => reject(new Error(`${what}: no answer within ${ms} ms`))), ms);
    cleanup = run(
      (value) => settle(() => resolve(value)),
      (error) => settle(() => reject(error)),
    );
  });
}

async function sipUdp({ node, deadlineMs }: ProbeContext): Promise<void> {
  const socket = dgram.createSocket(node.host.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((r) => socket.bind(0, () => r()));
  const port = socket.address().port;
  await withDeadline<void>(deadlineMs, 'SIP UDP OPTIONS', (done) => {
    const request = Buffer.from(options('UDP', '127.0.0.1', port));
    socket.on('message', (m) => {
      if (m.toString('latin1', 0, 8) === 'SIP/2.0 ') done();
    });
    // RFC 3261 §17.1.2.2: retransmit a non-INVITE request over UDP, starting at T1.
    const send = () => socket.send(request, node.ports.sip, node.host);
    send();
    const retransmit = setInterval(send, 500);
    return () => {
      clearInterval(retransmit);
      socket.close();
    };
  });
}

function tcpExchange(
  node: NodeUnderTest,
  port: number,
  request: Buffer,
  answered: (received: string) => boolean,
  what: string,
  deadlineMs: number,
): Promise<void> {
  return withDeadline<void>(deadlineMs, what, (done, fail) => {
    const socket = net.connect(port, node.host);
    let received = '';
    socket.on('connect', () => socket.write(request));
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      if (answered(received)) done();
    });
    socket.on('error', (e) => fail(new Error(`${what}: ${e.message}`)));
    socket.on('close', () => fail(new Error(`${what}: the node closed the connection without answering`)));
    return () => {
      socket.removeAllListeners('close');
      socket.destroy();
    };
  });
}

function sipTcp({ node, deadlineMs }: ProbeContext): Promise<void> {
  return tcpExchange(
    node,
    node.ports.sip,
    Buffer.from(options('TCP', '127.0.0.1', 5060)),
    (r) => r.startsWith('SIP/2.0 ') && r.includes('\r\n\r\n'),
    'SIP TCP OPTIONS',
    deadlineMs,
  );
}

function sipWs({ node, deadlineMs }: ProbeContext): Promise<void> {
  return withDeadline<void>(deadlineMs, 'SIP WebSocket OPTIONS', (done, fail) => {
    const ws = new WebSocket(`ws://${node.host}:${node.ports.http}/sip`, 'sip');
    ws.on('open', () => ws.send(options('WS', '127.0.0.1', 0)));
    ws.on('message', (data: Buffer) => {
      if (data.toString('latin1', 0, 8) === 'SIP/2.0 ') done();
    });
    ws.on('error', (e) => fail(new Error(`SIP WebSocket: ${e.message}`)));
    return () => ws.terminate();
  });
}

async function sccp({ node, fixture, deadlineMs }: ProbeContext): Promise<void> {
  const station = new SccpStation({ deviceName: fixture.sccpProbe, deviceType: 8 });
  try {
    await station.connect(node.host, node.ports.sccp, undefined, deadlineMs);
    const outcome = await station.register(deadlineMs);
    // A RegisterReject is an answer too: the node is serving.
    if (outcome.kind !== 'registered' && outcome.kind !== 'rejected')
      throw new Error(`SCCP Register of ${fixture.sccpProbe}: ${outcome.kind}`);
  } finally {
    station.destroy();
  }
}

async function tftp({ node, deadlineMs }: ProbeContext): Promise<void> {
  const socket = dgram.createSocket(node.host.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((r) => socket.bind(0, () => r()));
  await withDeadline<void>(deadlineMs, 'TFTP RRQ XMLDefault.cnf.xml', (done) => {
    const rrq = Buffer.from('\x00\x01XMLDefault.cnf.xml\x00octet\x00', 'latin1');
    socket.on('message', (m, rinfo) => {
      const opcode = m.length >= 2 ? m.readUInt16BE(0) : 0;
      if (opcode === 3 || opcode === 5 || opcode === 6) {
        // RFC 1350 §7: an ERROR ends the transfer; the probe needed only the first answer.
        if (opcode !== 5)
          socket.send(Buffer.from('\x00\x05\x00\x00probe done\x00', 'latin1'), rinfo.port, rinfo.address);
        done();
      }
    });
    const send = () => socket.send(rrq, node.ports.tftp, node.host);
    send();
    const retransmit = setInterval(send, 1000);
    return () => {
      clearInterval(retransmit);
      setTimeout(() => socket.close(), 50);
    };
  });
}

async function provisioningHttp({ node, deadlineMs }: ProbeContext): Promise<void> {
  const host = node.host.includes(':') ? `[${node.host}]` : node.host;
  const response = await fetch(`http://${host}:${node.ports.provisioningHttp}/XMLDefault.cnf.xml`, {
    signal: AbortSignal.timeout(deadlineMs),
  });
  await response.arrayBuffer();
  if (response.status !== 200)
    throw new Error(`HTTP provisioning: GET /XMLDefault.cnf.xml answered ${response.status}`);
}

async function adminHttp({ node, fixture, deadlineMs }: ProbeContext): Promise<void> {
  const answer = await api(node, 'GET', '/api/v1/nodes', bearer(fixture.readOnlyKey), undefined, deadlineMs);
  if (answer.status !== 200)
    throw new Error(`admin API: GET /api/v1/nodes answered ${answer.status}: ${answer.text.slice(0, 200)}`);
}

export const PROBES: Record<TargetName, (ctx: ProbeContext) => Promise<void>> = {
  'sip-udp': sipUdp,
  'sip-tcp': sipTcp,
  'sip-ws': sipWs,
  sccp,
  tftp,
  'http-provisioning': provisioningHttp,
  'admin-http': adminHttp,
};
