import { noCalls } from '../../src/protocols/sccp/calls.js';
import net from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../src/limits/index.js';
import { SccpServer } from '../../src/protocols/sccp/server.js';
import type { SccpRegistrations } from '../../src/protocols/sccp/registrations.js';
import { eventually } from '../support/node.js';

// No phone registers here: only connections are counted.
const registrations: SccpRegistrations = {
  nodeName: 'cm1',
  register: () => Promise.reject(new Error('not used')),
  unregistered: () => undefined,
};

function connect(port: number): Promise<net.Socket | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(null));
  });
}

/** Resolves true when the server closes the connection within `ms`. */
function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe('SCCP server at its connection limit (as in an SCCP worker)', () => {
  const sockets: net.Socket[] = [];
  let server: SccpServer | undefined;
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await server?.stop();
  });

  it('stops listening as soon as it is full, listens and refuses when told the node is full, and takes phones again once some leave', async () => {
    const limits = defaultLimits();
    const capacity: boolean[] = [];
    const refused: string[] = [];
    server = new SccpServer({
      host: '127.0.0.1',
      port: 0,
      keepaliveSeconds: 30,
      calls: noCalls,
      registration: registrations,
      logger: pino({ level: 'silent' }),
      clock: () => new Date(),
      limits: {
        registerTimeoutSeconds: limits.sccpRegisterTimeoutSeconds,
        maxConnectionsPerAddress: limits.sccpMaxConnectionsPerAddress,
        maxPendingFrames: limits.sccpMaxPendingFrames,
        maxQueuedBytes: limits.sccpMaxQueuedBytes,
        maxStandbyConnections: limits.sccpMaxStandbyConnections,
        maxStandbyConnectionsPerAddress: limits.sccpMaxStandbyConnectionsPerAddress,
      },
      tokens: { request: () => Promise.resolve({ granted: true }) },
      reporter: { reached: (limit) => refused.push(limit) },
      capacity: { phones: 3, holder: 'SCCP worker 1 of this node', limitedBy: 'its share' },
      onCapacity: (full) => capacity.push(full),
    });
    const port = await server.start();
    for (let i = 0; i < 3; i++) sockets.push((await connect(port)) as net.Socket);
    const s = server;
    await eventually(() => s.sessionCount === 3);
    expect(capacity).toEqual([true]);
    // Full: not listening any more, so the kernel gives it no more phones (other workers take them).
    expect(await connect(port)).toBeNull();
    // The whole node is full: it listens again, closes each new connection at once and reports it.
    s.listenAgain();
    const fourth = (await eventually(() => connect(port))) as net.Socket;
    expect(await closedWithin(fourth, 2000)).toBe(true);
    expect(refused).toEqual(['sccpMaxConnections']);
    // Another worker has room again: this one stops listening.
    s.pause();
    await eventually(async () => {
      const attempt = await connect(port);
      attempt?.destroy();
      return attempt === null;
    });
    sockets.shift()?.destroy();
    await eventually(() => s.sessionCount === 2);
    expect(capacity).toEqual([true, false]);
    const again = await connect(port);
    expect(again).not.toBeNull();
    sockets.push(again as net.Socket);
    await eventually(() => s.sessionCount === 3);
    expect(await closedWithin(again as net.Socket, 300)).toBe(false);
  });
});
