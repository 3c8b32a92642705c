/**
 * Issue 16, server side: a standby connection's KeepAlive is answered before Register and the
 * connection is held past the register timeout (cluster.md §1.3); RegisterTokenRequest is answered
 * at the node-wide --fallback-pace (SCCP in worker processes, as a node runs by default); standby
 * sockets are counted in /metrics and closed when the node stops.
 */
import { afterAll, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { ADMIN_PASSWORD, eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { refusals } from '../sccp/support/limits.js';

let t: TestNode | undefined;
const stations: SccpStation[] = [];
afterAll(async () => {
  for (const s of stations) s.destroy();
  await t?.destroy();
});

async function metric(node: TestNode, name: string): Promise<number> {
  const auth = `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`;
  const text = await (
    await fetch(`http://127.0.0.1:${node.node.ports.http}/metrics`, { headers: { authorization: auth } })
  ).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').at(-1)) : NaN;
}

async function station(node: TestNode, n: number): Promise<SccpStation> {
  const s = new SccpStation({
    deviceName: `SEP00FA${n.toString(16).toUpperCase().padStart(8, '0')}`,
    deviceType: 8,
  });
  await s.connect('127.0.0.1', node.node.ports.sccp);
  stations.push(s);
  return s;
}

it('acks a standby KeepAlive before Register, holds it past the register timeout, then registers on it', async () => {
  const node = (t = await startTestNode({
    config: { sccpWorkers: 2, sccpRegisterTimeoutSeconds: 1, fallbackPace: 1 },
  }));
  const standby = await station(node, 1);
  const ack = standby.next('KeepAliveAck', 5000);
  standby.send({ type: 'KeepAlive' });
  expect(await ack).toEqual({ type: 'KeepAliveAck' });
  // A fresh connection that says nothing is closed after 1 s; a standby one is not.
  const idle = await station(node, 2);
  await eventually(() => idle.isClosed, 5000);
  expect(standby.isClosed).toBe(false);
  expect(await eventually(async () => (await metric(node, 'openucm_sccp_standby_connections')) === 1)).toBe(
    true,
  );
  // Its active node is lost: it registers on this connection at once.
  const outcome = await standby.register(10_000);
  expect(outcome.kind).toBe('registered');
  await eventually(async () => (await metric(node, 'openucm_sccp_standby_connections')) === 0);

  // Phones on their backup ask for a token at once: one per second comes back, the others are told to wait.
  const asking = await Promise.all([3, 4, 5, 6, 7].map((n) => station(node, n)));
  const answers = await Promise.all(asking.map((s) => s.requestToken(5000)));
  const waits = answers.filter((a): a is number => typeof a === 'number');
  expect(answers.filter((a) => a === true).length).toBeGreaterThanOrEqual(1);
  expect(waits.length).toBeGreaterThanOrEqual(1);
  expect(waits.length + answers.filter((a) => a === true).length).toBe(5);
  // Each is told when to ask again (the booking of one second each is unit-tested beside the pacer).
  expect(waits.every((w) => w >= 1)).toBe(true);
  expect(await refusals(node, 'fallbackPace')).toBe(waits.length);
  expect(await metric(node, 'openucm_sccp_fallback_tokens{answer="refused"}')).toBe(waits.length);
  // Granted: it registers on the same connection (chan-sccp handle_token_request, then Register).
  const granted = asking[answers.indexOf(true)];
  expect((await granted.register(10_000)).kind).toBe('registered');
  // Refused ones wait on their connection, held as standby, and ask again later.
  const refused = asking.filter((_, i) => answers[i] !== true);
  await new Promise((r) => setTimeout(r, 1500));
  expect(refused.every((s) => !s.isClosed)).toBe(true);

  // The node stops: every SCCP socket is closed, standby ones included.
  await node.stop();
  await eventually(() => stations.every((s) => s.isClosed), 10_000);
});
