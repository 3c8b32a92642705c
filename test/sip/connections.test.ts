/**
 * SIP TCP connections are bounded: in all, per source address, and in time until a complete
 * request. 3,000 slow connections (silent, or a byte now and then) do not keep a phone from
 * registering or the API from answering, and the node closes every one of them.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config.js';
import { SipRegistration } from '../../src/sim/sip-registration.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { options, register } from './helpers/raw-client.js';

let t: TestNode | undefined;
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await t?.destroy();
  t = undefined;
});

async function node(config: Partial<ConfigInput>): Promise<TestNode> {
  t = await startTestNode({ config });
  await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
  return t;
}

interface Client {
  socket: net.Socket;
  closed: boolean;
  received: string;
}

/** Opens a TCP connection to the node's SIP port from `localAddress`; resolves once connected (or refused). */
function connect(port: number, localAddress = '127.0.0.1'): Promise<Client> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    sockets.push(socket);
    const client: Client = { socket, closed: false, received: '' };
    socket.on('data', (d: Buffer) => (client.received += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      client.closed = true;
      resolve(client);
    });
    socket.on('connect', () => resolve(client));
  });
}

function refusals(limit: string): number {
  return t!.node.limits.totals().get(limit as never) ?? 0;
}

async function withinSeconds<T>(seconds: number, work: Promise<T>): Promise<T | 'too late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'too late'>((r) => (timer = setTimeout(() => r('too late'), seconds * 1000)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

it('serves a phone and the API while 3,000 slow connections are open, and closes each of them', async () => {
  const { node: n } = await node({ sipFirstMessageTimeoutSeconds: 20, sipMaxTcpConnections: 3500 });
  const port = n.ports.sip!;
  // 1,000 from each of three addresses: the default cap per address (1,000) is reached, not passed.
  const clients: Client[] = [];
  for (const from of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) {
    for (let batch = 0; batch < 10; batch++)
      clients.push(...(await Promise.all(Array.from({ length: 100 }, () => connect(port, from)))));
  }
  expect(clients.filter((c) => c.closed)).toHaveLength(0);
  // Half of them trickle the start of a REGISTER, a byte every half second: that does not buy them time.
  const text = register(0, 1, { transport: 'TCP' });
  let offset = 0;
  const trickle = setInterval(() => {
    for (let i = 0; i < clients.length; i += 2) if (!clients[i].closed) clients[i].socket.write(text[offset]);
    offset++;
  }, 500);
  try {
    // A fresh phone registers over UDP and over TCP, and the API answers, while all 3,000 are open.
    const phone = new SipRegistration({
      mac: '00c0ee000001',
      modelEnum: 8,
      userAgent: 'Cisco-CP7940G/8.0',
      expires: 3600,
      localAddress: '127.0.0.1',
    });
    await phone.open();
    const registered = await withinSeconds(
      5,
      phone.register({ index: 1, name: '2001', authName: '2001' }, { host: '127.0.0.1', port }),
    );
    phone.close();
    expect(registered).toMatchObject({ kind: 'registered' });
    const tcpPhone = await connect(port);
    tcpPhone.socket.write(register(0, 1, { transport: 'TCP', mac: '00c0ee000002' }));
    expect(
      await withinSeconds(
        5,
        eventually(() => tcpPhone.received.startsWith('SIP/2.0 200 OK')),
      ),
    ).toBe(true);
    expect(await withinSeconds(5, t!.api.get('/phones?name=SEP00C0EE'))).toMatchObject({
      status: 200,
      body: { total: 2 },
    });
    expect(clients.filter((c) => c.closed)).toHaveLength(0);

    // One more from an address that holds 1,000: closed at once, counted.
    const over = await connect(port, '127.0.0.2');
    await eventually(() => over.closed, 2000);
    expect(refusals('sipMaxConnectionsPerAddress')).toBe(1);

    // None of the 3,000 sent a complete request in time: the node closes every one, trickling or not.
    await eventually(() => clients.every((c) => c.closed), 60_000);
    expect(refusals('sipFirstMessageTimeoutSeconds')).toBe(3000);
    // The phone that did register keeps its connection.
    expect(tcpPhone.closed).toBe(false);
  } finally {
    clearInterval(trickle);
  }
}, 120_000);

describe('caps and timeouts', () => {
  it('closes a connection over the total cap at once, and takes new ones when others leave', async () => {
    const { node: n } = await node({ sipMaxTcpConnections: 5 });
    const held = await Promise.all(Array.from({ length: 5 }, () => connect(n.ports.sip!)));
    const sixth = await connect(n.ports.sip!);
    await eventually(() => sixth.closed, 2000);
    expect(held.some((c) => c.closed)).toBe(false);
    expect(refusals('sipMaxTcpConnections')).toBe(1);
    held[0].socket.destroy();
    await eventually(() => held[0].closed);
    // The node counts the one that left: a new connection is served.
    const next = await eventually(async () => {
      const c = await connect(n.ports.sip!);
      c.socket.write(options(0, 1, 'TCP'));
      await new Promise((r) => setTimeout(r, 200));
      return c.received.startsWith('SIP/2.0 200 OK') ? c : null;
    });
    expect(next.closed).toBe(false);
  });

  it('closes a connection whose first request, or a later one, does not complete in time', async () => {
    const { node: n } = await node({ sipFirstMessageTimeoutSeconds: 1 });
    const silent = await connect(n.ports.sip!);
    const answered = await connect(n.ports.sip!);
    answered.socket.write(options(0, 1, 'TCP'));
    const slowLater = await connect(n.ports.sip!);
    slowLater.socket.write(options(0, 2, 'TCP'));
    const text = options(0, 3, 'TCP');
    let i = 0;
    const trickle = setInterval(() => {
      if (!slowLater.closed) slowLater.socket.write(text[i++ % text.length]);
    }, 100);
    try {
      await eventually(() => silent.closed && slowLater.closed, 5000);
      expect(slowLater.received).toMatch(/^SIP\/2\.0 200 OK/);
      // A connection that sent its request and then stays quiet is a phone between refreshes: it stays.
      expect(answered.closed).toBe(false);
      expect(answered.received).toMatch(/^SIP\/2\.0 200 OK/);
      expect(refusals('sipFirstMessageTimeoutSeconds')).toBe(2);
    } finally {
      clearInterval(trickle);
    }
  });
});
