import net from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../src/limits/index.js';
import { SccpServer } from '../../src/protocols/sccp/server.js';
import type { SccpRegistrar } from '../../src/protocols/sccp/registrar.js';
import { eventually } from '../support/node.js';

// No phone registers here: only connections are counted.
const registrar: SccpRegistrar = {
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

describe('SCCP server at its connection limit', () => {
  const sockets: net.Socket[] = [];
  let server: SccpServer | undefined;
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await server?.stop();
  });

  it('stops accepting at maxConnections and accepts again once phones leave', async () => {
    server = new SccpServer({
      host: '127.0.0.1',
      port: 0,
      keepaliveSeconds: 30,
      registration: registrar,
      logger: pino({ level: 'silent' }),
      clock: () => new Date(),
      limits: {
        registerTimeoutSeconds: defaultLimits().sccpRegisterTimeoutSeconds,
        maxPendingFrames: defaultLimits().sccpMaxPendingFrames,
        maxQueuedBytes: defaultLimits().sccpMaxQueuedBytes,
      },
      reporter: { reached: () => undefined },
      maxConnections: 3,
    });
    const port = await server.start();
    for (let i = 0; i < 3; i++) sockets.push((await connect(port)) as net.Socket);
    const s = server;
    await eventually(() => s.sessionCount === 3);
    // Not listening any more: a fourth phone is refused (with SCCP workers, another worker takes it).
    expect(await connect(port)).toBeNull();
    sockets.shift()?.destroy();
    sockets.shift()?.destroy();
    await eventually(() => s.sessionCount === 1);
    const again = await connect(port);
    expect(again).not.toBeNull();
    sockets.push(again as net.Socket);
    await eventually(() => s.sessionCount === 2);
  });
});
