/**
 * Two nodes on one PostgreSQL database: a configuration change made through one node's API changes
 * what the other does right after, told by openucm_config in the writing transaction, without
 * waiting for a cache to expire (their settings caches hold 30 s).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import type { TestNode } from '../support/node.js';
import { startTestCluster } from '../support/cluster.js';
import type { TestCluster } from '../support/cluster.js';
import { postgresAvailable } from '../support/databases.js';

let cluster: TestCluster | null = null;
let cm1: TestNode;
let cm2: TestNode;
const closers: Array<() => void> = [];

beforeEach(async (ctx) => {
  if (!(await postgresAvailable())) ctx.skip();
  cluster = await startTestCluster(['cm1', 'cm2']);
  [cm1, cm2] = cluster.nodes;
});
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await cluster?.stop();
  cluster = null;
});

let mac = 0x10;
async function registerOn(node: TestNode) {
  const name = `SEP00AA000000${(mac++).toString(16).toUpperCase()}`;
  const s = new SccpStation({ deviceName: name, deviceType: 8 });
  await s.connect('127.0.0.1', node.node.ports.sccp);
  closers.push(() => s.destroy());
  return { name, outcome: await s.register() };
}

/** Resolves when `node` has been told of a change of `what` (and so dropped its caches). */
function told(node: TestNode, what: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (change: { what: string }) => {
      if (change.what !== what) return;
      node.node.live.off('configuration-changed', on);
      resolve();
    };
    node.node.live.on('configuration-changed', on);
  });
}

describe('configuration propagation over PostgreSQL', () => {
  it('an enterprise parameter changed on cm2 applies to the next registration on cm1', async () => {
    // cm1 has read (and cached) the parameters: an SCCP phone auto-registers.
    expect((await registerOn(cm1)).outcome.kind).toBe('registered');

    const heard = told(cm1, 'enterprise-parameters');
    const patched = await cm2.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
    expect(patched.status).toBe(200);
    await heard;

    const refused = await registerOn(cm1);
    expect(refused.outcome.kind).toBe('rejected');
  });

  it("cm1's auto-registration switched off through cm2's API refuses cm1's next new phone", async () => {
    const first = await registerOn(cm1);
    expect(first.outcome.kind).toBe('registered');

    const heard = told(cm1, 'node');
    const patched = await cm2.api.patch('/nodes/cm1', {
      autoRegistration: { enabled: false },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await heard;

    expect((await registerOn(cm1)).outcome.kind).toBe('rejected');
    // cm1 reports the change as applied from another node, with the cluster's version.
    expect(cm1.node.cluster.configVersion().applied).toBeGreaterThan(0);
    expect(cm1.node.cluster.configVersion().version).toBeGreaterThan(0);
  });
});
