/**
 * Issue 12: "3,000 idle SCCP connections while a fresh phone still registers in < 5 s and the API
 * answers"; connections that never send Register are closed after --sccp-register-timeout-seconds.
 */
import net from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { openFiles, refusals, tryRegister } from './support/limits.js';

const IDLE = 3000;
// Four hosts, each under the per-address limit.
const SOURCES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
const TIMEOUT_S = 15;

let t: TestNode | undefined;
const sockets: net.Socket[] = [];
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await t?.destroy();
});

function openIdle(port: number, localAddress: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

it(`closes ${IDLE} connections that never send Register, while a fresh phone registers and the API answers`, async () => {
  // SCCP in worker processes, as a node runs by default.
  const node = (t = await startTestNode({
    config: { sccpWorkers: 2, sccpRegisterTimeoutSeconds: TIMEOUT_S },
  }));
  expect((await node.api.get('/nodes')).status).toBe(200);
  const baseline = openFiles();

  for (let i = 0; i < IDLE; i += 100) {
    const batch = Array.from({ length: 100 }, (_, j) => openIdle(node.node.ports.sccp, SOURCES[(i + j) % 4]));
    sockets.push(...(await Promise.all(batch)));
  }
  let closedByServer = 0;
  for (const s of sockets) {
    s.on('error', () => undefined);
    s.on('close', () => closedByServer++);
  }
  // Both ends of each connection hold a file (the node's once its workers have accepted): the
  // count below sees the node's side too.
  await eventually(() => openFiles() >= baseline + 2 * IDLE);

  const fresh = await tryRegister(node, 1, '127.0.0.1', 5000);
  expect(fresh.outcome.kind).toBe('registered');
  expect((await fresh.station.startup()).lines).toMatchObject([{ index: 1, dn: '1000' }]);
  expect((await node.api.get<{ status: string }>('/phones/SEP00EE00000001')).body.status).toBe('registered');
  fresh.station.destroy();
  // Held until the timeout, not before.
  expect(closedByServer).toBe(0);

  await eventually(() => closedByServer === IDLE, (TIMEOUT_S + 20) * 1000);
  await eventually(async () => (await refusals(node, 'sccpRegisterTimeoutSeconds')) === IDLE);
  expect(node.logs.some((l) => String(l.msg).includes(`that sent no Register within ${TIMEOUT_S} s`))).toBe(
    true,
  );
  // Every socket on both sides is gone.
  await eventually(() => openFiles() <= baseline + 20, 10_000);
});
