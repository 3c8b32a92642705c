/**
 * Issue #16, commands across nodes: a Restart, and an Apply Config, sent through node cm2's API
 * reach a phone registered on cm1 (cm2 passes it on openucm_command; cm1 sends the Reset on its own connection) and answers
 * 202 naming the node that acted; a phone registered nowhere still gets 409.
 */
import { expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { startTestCluster } from '../support/cluster.js';
import { postgresAvailable } from '../support/databases.js';
import { eventually } from '../support/node.js';

it('Restart and Apply Config through cm2 of a phone on cm1 reach it; an unregistered phone gets 409', async (ctx) => {
  if (!(await postgresAvailable())) ctx.skip();
  const cluster = await startTestCluster(['cm1', 'cm2']);
  const station = new SccpStation({ deviceName: 'SEP00EE00000001', deviceType: 8 });
  try {
    const [cm1, cm2] = cluster.nodes;
    await station.connect('127.0.0.1', cm1.node.ports.sccp);
    expect((await station.register()).kind).toBe('registered');
    // cm2 sees the phone registered on cm1 (owner-guarded status, openucm_status).
    await eventually(async () => {
      const phone = await cm2.api.get<{ status: string; node: string }>('/phones/SEP00EE00000001');
      return phone.body.status === 'registered' && phone.body.node === 'cm1';
    });
    const reset = new Promise<number>((resolve) => station.once('reset', resolve));
    const answer = await cm2.api.post<{ message: string }>('/phones/SEP00EE00000001/reset', {
      type: 'restart',
    });
    expect(answer.status).toBe(202);
    expect(answer.body.message).toBe('restart sent to SEP00EE00000001 by node cm1');
    // Reset message type 2 is Restart (sccp.md).
    expect(await reset).toBe(2);

    // Apply Config the same way: type 3 (APPLY_CONFIG), sent by the node that holds the phone.
    const applied = new Promise<number>((resolve) => station.once('reset', resolve));
    const apply = await cm2.api.post<{ message: string }>('/phones/SEP00EE00000001/reset', {
      type: 'apply-config',
    });
    expect(apply.status).toBe(202);
    expect(apply.body.message).toBe('apply-config sent to SEP00EE00000001 by node cm1');
    expect(await applied).toBe(3);

    station.destroy();
    await eventually(async () => {
      const phone = await cm2.api.get<{ status: string }>('/phones/SEP00EE00000001');
      return phone.body.status === 'unregistered';
    });
    expect((await cm2.api.post('/phones/SEP00EE00000001/reset', { type: 'reset' })).status).toBe(409);
  } finally {
    station.destroy();
    await cluster.stop();
  }
}, 120_000);
