/**
 * Torture and fuzz over real sockets: random bytes, truncated and mutated messages, 64 KiB
 * headers, thousands of Contacts, every RFC 4475 vector. The node answers or drops each, never
 * crashes, and keeps serving a registered phone throughout.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as invalid from './fixtures/rfc4475-invalid.js';
import * as valid from './fixtures/rfc4475.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { UdpPeer, options, register, tcpExchange } from './helpers/raw-client.js';

let t: TestNode;
let sip: number;
let bystander: UdpPeer;
let probes = 0;

beforeAll(async () => {
  t = await startTestNode();
  await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
  sip = t.node.ports.sip!;
  bystander = await new UdpPeer().open();
  const reply = await bystander.exchange(register(bystander.port, 1, { mac: '00bad0000001' }), sip);
  expect(reply).toMatch(/^SIP\/2\.0 200 OK/);
});

afterAll(async () => {
  bystander.close();
  await t.destroy();
});

/** The registered phone still gets its refresh and an OPTIONS answered. */
async function stillServed(): Promise<void> {
  probes++;
  const refresh = await bystander.exchange(
    register(bystander.port, 1 + probes, { mac: '00bad0000001' }),
    sip,
  );
  expect(refresh).toMatch(/^SIP\/2\.0 200 OK/);
  expect(await bystander.exchange(options(bystander.port, probes), sip)).toMatch(/^SIP\/2\.0 200 OK/);
}

function mutate(message: string, seed: number): Buffer {
  const bytes = Buffer.from(message);
  const flips = 1 + (seed % 8);
  for (let i = 0; i < flips; i++) bytes[randomBytes(2).readUInt16BE() % bytes.length] = randomBytes(1)[0];
  return bytes;
}

describe('over UDP', () => {
  it('drops random datagrams and survives mutated and truncated REGISTERs', async () => {
    const peer = await new UdpPeer().open();
    for (let i = 0; i < 500; i++) peer.send(randomBytes(1 + (i % 1400)), sip);
    const text = register(peer.port, 7, { mac: '00bad0000002' });
    for (let i = 0; i < 500; i++) peer.send(mutate(text, i), sip);
    for (let cut = 1; cut < text.length; cut += 7) peer.send(text.slice(0, cut), sip);
    await stillServed();
    // Whatever came back is SIP: no stack traces, no half messages.
    for (const r of peer.received) expect(r.toString()).toMatch(/^SIP\/2\.0 [1-6]\d\d /);
    peer.close();
  });

  it('answers a REGISTER with a 60 KiB header; refuses 1,500 Contacts with 400, drops 1,500 Contact rows', async () => {
    const peer = await new UdpPeer().open();
    const big = await peer.exchange(
      register(peer.port, 1, { mac: '00bad0000003', extra: [`X-Padding: ${'a'.repeat(60 * 1024)}`] }),
      sip,
    );
    expect(big).toMatch(/^SIP\/2\.0 200 OK/);
    const contacts = Array.from({ length: 1500 }, (_, i) => `<sip:u${i}@10.0.0.1>`);
    const many = await peer.exchange(
      register(peer.port, 2, { mac: '00bad0000004', contacts, contactRows: 'one' }),
      sip,
    );
    expect(many).toMatch(/^SIP\/2\.0 400 Too Many Contacts/);
    // More header rows than any phone sends (256): not even a response can be addressed safely.
    expect(
      await peer.exchange(register(peer.port, 3, { mac: '00bad0000004', contacts }), sip, 300),
    ).toBeNull();
    peer.close();
    await stillServed();
  });

  it('answers every RFC 4475 vector or drops it', async () => {
    const peer = await new UdpPeer().open();
    const vectors = [...Object.values(valid), ...Object.values(invalid)].filter((v): v is Buffer =>
      Buffer.isBuffer(v),
    );
    expect(vectors.length).toBeGreaterThan(40);
    // Their Vias name hosts of example.com: rport makes the answer come back here instead.
    for (const v of vectors)
      peer.send(
        Buffer.from(v.toString('latin1').replace(/^(Via|v):([^\r]*)/im, '$1:$2;rport'), 'latin1'),
        sip,
      );
    await stillServed();
    for (const r of peer.received) expect(r.toString()).toMatch(/^SIP\/2\.0 [1-6]\d\d /);
    expect(peer.received.length).toBeGreaterThan(10);
    peer.close();
  });
});

describe('over TCP', () => {
  it('closes a connection that sends garbage or a header section over 64 KiB', async () => {
    const garbage = Buffer.concat([randomBytes(2048), Buffer.from('\r\n\r\n'), randomBytes(2048)]);
    expect((await tcpExchange(sip, [garbage])).closedByServer).toBe(true);
    const huge = register(0, 1, { transport: 'TCP', extra: [`X-Padding: ${'b'.repeat(64 * 1024)}`] });
    expect((await tcpExchange(sip, [huge])).closedByServer).toBe(true);
    await stillServed();
  });

  it('answers thousands of Contacts with 400 and keeps the connection; closes it on thousands of rows', async () => {
    const contacts = Array.from({ length: 2500 }, (_, i) => `<sip:u${i}@10.0.0.1>`);
    const r = await tcpExchange(sip, [
      register(0, 1, { transport: 'TCP', contacts, contactRows: 'one', mac: '00bad0000005' }),
      options(0, 99, 'TCP'),
    ]);
    expect(r.received).toMatch(/^SIP\/2\.0 400 Too Many Contacts/);
    expect(r.received).toContain('SIP/2.0 200 OK');
    expect(r.closedByServer).toBe(false);
    const rows = await tcpExchange(sip, [
      register(0, 1, { transport: 'TCP', contacts: contacts.slice(0, 1000) }),
    ]);
    expect(rows.closedByServer).toBe(true);
    await stillServed();
  });

  it('survives a message cut short by a hang-up, byte-by-byte delivery, and keep-alive pings', async () => {
    const text = register(0, 1, { transport: 'TCP', mac: '00bad0000006' });
    await tcpExchange(sip, [text.slice(0, 200)], 100);
    const slow = await tcpExchange(
      sip,
      ['\r\n\r\n', ...text.split('').map((c) => c), options(0, 98, 'TCP')],
      1500,
    );
    expect(slow.received.startsWith('\r\n')).toBe(true);
    expect(slow.received).toContain('SIP/2.0 200 OK');
    await stillServed();
  });

  it('answers RFC 4475 vectors sent one per connection, or closes the connection', async () => {
    const vectors = [...Object.values(invalid)].filter((v): v is Buffer => Buffer.isBuffer(v));
    const results = await Promise.all(vectors.map((v) => tcpExchange(sip, [v], 400)));
    for (const r of results) expect(r.received === '' || /^SIP\/2\.0 [1-6]\d\d /.test(r.received)).toBe(true);
    await stillServed();
  });
});

it('has logged no internal error', async () => {
  await eventually(() => true);
  expect(t.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
});
