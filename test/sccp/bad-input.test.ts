import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeFrame, MessageId } from '../../src/protocols/sccp/codec/index.js';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

let t: TestNode;
/** A phone registered before the abuse starts: it must keep being served throughout. */
let bystander: SccpStation;

beforeAll(async () => {
  t = await startTestNode();
  bystander = new SccpStation({ deviceName: 'SEP00AA00000001', deviceType: 8 });
  await bystander.connect('127.0.0.1', t.node.ports.sccp);
  expect((await bystander.register()).kind).toBe('registered');
});

afterAll(async () => {
  bystander.destroy();
  await t.destroy();
});

/** Sends `bytes` on a fresh connection; resolves with what came back and whether the server closed it. */
function rawExchange(bytes: Buffer, waitMs = 300): Promise<{ closedByServer: boolean; received: Buffer }> {
  return new Promise((resolve) => {
    const socket = net.connect(t.node.ports.sccp, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
    });
    socket.on('connect', () => socket.write(bytes));
    setTimeout(() => {
      socket.destroy();
      resolve({ closedByServer: closed, received: Buffer.concat(chunks) });
    }, waitMs);
  });
}

async function bystanderStillServed(): Promise<void> {
  const before = bystander.keepaliveAcks;
  bystander.send({ type: 'KeepAlive' });
  await eventually(() => bystander.keepaliveAcks === before + 1);
}

it('closes a connection whose length field is larger than any Skinny frame, and logs why', async () => {
  const header = Buffer.alloc(12);
  header.writeUInt32LE(1_000_000, 0);
  const { closedByServer } = await rawExchange(header);
  expect(closedByServer).toBe(true);
  expect(t.logs.some((l) => String(l.msg).includes('closing SCCP connection'))).toBe(true);
  await bystanderStillServed();
});

it('closes a connection whose length field is below the minimum', async () => {
  const header = Buffer.alloc(12);
  header.writeUInt32LE(2, 0);
  expect((await rawExchange(header)).closedByServer).toBe(true);
  await bystanderStillServed();
});

it('survives a truncated frame followed by a hang-up, and garbage bytes', async () => {
  const frame = encodeFrame(0x0001, Buffer.alloc(68));
  await rawExchange(frame.subarray(0, 30), 100);
  await rawExchange(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(50)));
  await bystanderStillServed();
});

it('ignores an unknown message id and keeps the session', async () => {
  bystander.sendRaw(encodeFrame(0x7777, Buffer.from('whatever')));
  await bystanderStillServed();
  expect(t.logs.some((l) => l.message === 'Unknown(0x7777)')).toBe(true);
});

it('rejects a Register with a non-SEP or non-hex name and records why', async () => {
  for (const deviceName of ['ATA0011223344AA', 'SEP00112233ZZZZ']) {
    const s = new SccpStation({ deviceName, deviceType: 8 });
    await s.connect('127.0.0.1', t.node.ports.sccp);
    expect(await s.register()).toEqual({ kind: 'rejected', text: 'Invalid device name' });
    s.destroy();
  }
  const events = await t.api.get<{ items: { deviceName: string; reason: string }[] }>(
    '/registration-events?outcome=rejected',
  );
  expect(events.body.items.map((e) => [e.deviceName, e.reason])).toEqual([
    ['SEP00112233ZZZZ', 'invalid-device-name'],
    ['ATA0011223344AA', 'invalid-device-name'],
  ]);
  await bystanderStillServed();
});

it('ignores a second Register on a live session', async () => {
  bystander.send({
    type: 'Register',
    deviceName: 'SEP00AA00000002',
    stationIpAddr: '127.0.0.1',
    deviceType: 8,
  });
  await bystanderStillServed();
  expect(t.logs.some((l) => String(l.msg).includes('second Register'))).toBe(true);
  expect((await t.api.get('/phones/SEP00AA00000002')).status).toBe(404);
  expect((await t.api.get<{ status: string }>('/phones/SEP00AA00000001')).body.status).toBe('registered');
});

it('ignores station requests before registration', async () => {
  const { closedByServer, received } = await rawExchange(encodeFrame(0x000e, Buffer.alloc(0)));
  expect(closedByServer).toBe(false);
  expect(received.length).toBe(0);
});

it('keeps serving a registered phone that sends every message id with odd bodies and header versions', async () => {
  const frames: Buffer[] = [];
  for (const id of Object.values(MessageId)) {
    // Unregister ends the session by design.
    if (id === MessageId.Unregister) continue;
    for (const size of [0, 3, 64, 4084]) {
      for (const headerVersion of [0, 0x11, 0xdeadbeef]) {
        const frame = encodeFrame(id, Buffer.alloc(size, 0xff));
        frame.writeUInt32LE(headerVersion, 4);
        frames.push(frame);
      }
    }
  }
  const acks = bystander.keepaliveAcks;
  bystander.sendRaw(Buffer.concat(frames));
  // The whole burst was read and nothing in it ended the session: each of its 12 KeepAlives was answered.
  await eventually(() => bystander.keepaliveAcks === acks + 12);
  await bystanderStillServed();
  expect((await t.api.get<{ status: string }>('/phones/SEP00AA00000001')).body.status).toBe('registered');
});
