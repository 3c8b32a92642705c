import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeMessage } from '../../src/protocols/sccp/codec/index.js';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { refusals, tryRegister } from './support/limits.js';

let t: TestNode;
/** A phone registered before the abuse starts: it must keep being served throughout. */
let bystander: SccpStation;

beforeAll(async () => {
  t = await startTestNode({ config: { sccpRegisterTimeoutSeconds: 1 } });
  const { station, outcome } = await tryRegister(t, 0xb0);
  expect(outcome.kind).toBe('registered');
  bystander = station;
  // A phone registered long ago is not bound by the register timeout.
  bystander.startKeepalives(1);
});

afterAll(async () => {
  bystander.destroy();
  await t.destroy();
});

async function bystanderStillServed(): Promise<void> {
  const before = bystander.keepaliveAcks;
  bystander.send({ type: 'KeepAlive' });
  await eventually(() => bystander.keepaliveAcks > before);
}

it('disconnects a phone that keeps asking and never reads its answers, before it costs the node more than the limit', async () => {
  const { station, outcome } = await tryRegister(t, 0xb1);
  expect(outcome.kind).toBe('registered');
  const socket = (station as unknown as { socket: net.Socket }).socket;
  // Stops reading: the answers pile up in the kernel, then in the node.
  socket.pause();
  const ask = encodeMessage({ type: 'SoftKeySetReq' });
  const burst = Buffer.concat(Array.from({ length: 1000 }, () => ask));
  let closed = false;
  socket.on('close', () => (closed = true));
  // 200,000 requests would queue ~160 MB of answers in a node without the limit.
  for (let sent = 0; sent < 200 && !closed && (await refusals(t, 'sccpMaxQueuedBytes')) === 0; sent++) {
    socket.write(burst);
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(await refusals(t, 'sccpMaxQueuedBytes')).toBe(1);
  expect(
    t.logs.some((l) => String(l.msg).includes('because it does not read them (--sccp-max-queued-bytes')),
  ).toBe(true);
  // The node closed its side: reading again, the phone sees the end of the connection.
  socket.resume();
  await eventually(() => closed);
  await eventually(
    async () =>
      (await t.api.get<{ status: string }>('/phones/SEP00EE000000B1')).body.status === 'unregistered',
  );
  await bystanderStillServed();
});

it('closes a connection that sends more than the pending-frame limit while its registration is decided', async () => {
  const socket = net.connect(t.node.ports.sccp, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  let closed = false;
  socket.on('error', () => undefined);
  socket.on('close', () => (closed = true));
  const register = encodeMessage({
    type: 'Register',
    deviceName: 'SEP00EE000000B2',
    stationIpAddr: '127.0.0.1',
    deviceType: 8,
    bodySize: 68,
  });
  // Register and 100 more frames in one segment: all arrive before the node has decided.
  const keepalives = Array.from({ length: 100 }, () => encodeMessage({ type: 'KeepAlive' }));
  socket.write(Buffer.concat([register, ...keepalives]));
  await eventually(() => closed);
  expect(await refusals(t, 'sccpMaxPendingFrames')).toBe(1);
  expect(
    t.logs.some((l) => String(l.msg).includes('messages while its registration was being decided')),
  ).toBe(true);
  await bystanderStillServed();
});

// KeepAlive before Register makes a standby connection, held on purpose (test/failover/standby.test.ts,
// bounded by --sccp-max-standby-connections): the chatter here is a station request.
it('closes a connection that sends anything but Register (or a standby KeepAlive) for longer than the register timeout', async () => {
  const socket = net.connect(t.node.ports.sccp, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  let closed = false;
  socket.on('error', () => undefined);
  socket.on('close', () => (closed = true));
  // Chatter keeps it busy, not registered.
  const chatter = setInterval(() => socket.write(encodeMessage({ type: 'ButtonTemplateReq' })), 100);
  try {
    await eventually(() => closed, 10_000);
  } finally {
    clearInterval(chatter);
  }
  expect(await refusals(t, 'sccpRegisterTimeoutSeconds')).toBeGreaterThanOrEqual(1);
  await bystanderStillServed();
});

it('cuts off a rejected phone that does not close its side', async () => {
  const phone = new SccpStation({ deviceName: 'ATA0011223344BB', deviceType: 8 });
  await phone.connect('127.0.0.1', t.node.ports.sccp);
  const socket = (phone as unknown as { socket: net.Socket }).socket;
  // A half-open peer: it never ends its side after the node's FIN, and keeps talking.
  socket.allowHalfOpen = true;
  expect((await phone.register()).kind).toBe('rejected');
  const chatter = setInterval(() => phone.send({ type: 'KeepAlive' }), 200);
  try {
    // Once the node has dropped the connection, the next message draws a reset.
    await eventually(() => phone.isClosed, 10_000);
  } finally {
    clearInterval(chatter);
  }
});
