/**
 * Jobs are persisted: a node that stops in the middle of a job resumes it when it starts again,
 * each phone at the step it had reached. On both stores (PostgreSQL is the cluster store).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASES } from '../support/databases.js';
import type { TestNode } from '../support/node.js';
import { eventually, startTestNode } from '../support/node.js';
import type { JobBody } from './support/fleet.js';
import { dnsOf, enableAutoRegistration, finished, items, startFleet, targetOf } from './support/fleet.js';
import type { ScriptedPhone } from './support/scripted-phone.js';

describe.each(DATABASES)('node restart on $flavor', ({ create, available }) => {
  let t: TestNode | null = null;
  let phones: ScriptedPhone[] = [];

  afterEach(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    await t?.destroy();
    t = null;
  });

  it('resumes a running job where each phone was', async (ctx) => {
    if (!(await available())) ctx.skip();
    let node = await startTestNode({ database: await create() });
    t = node;
    await enableAutoRegistration(node);
    phones = await startFleet(node, 4, { load: 'P00303020214' });
    const names = phones.map((p) => p.deviceName);
    const before = await dnsOf(node, names);
    // The phones go down on the Reset and stay down while the node restarts.
    for (const p of phones) p.hold();
    const created = await node.api.post<JobBody>('/bulk-jobs', {
      kind: 'migrate-phones',
      direction: 'SCCP_TO_SIP',
      selection: { deviceNames: names },
      stepTimeoutSeconds: 30,
    });
    const id = created.body.id;
    await eventually(async () => (await items(node, id)).every((i) => i.state === 'waiting'));

    await node.stop();
    node = await startTestNode({ database: node.database });
    t = node;
    expect((await node.api.get<JobBody>(`/bulk-jobs/${id}`)).body.status).toBe('running');
    for (const p of phones) {
      p.nodeRestarted(targetOf(node));
      p.letGo();
    }
    const job = await finished(node, id);
    expect(job).toMatchObject({ status: 'completed', progress: { counts: { done: 4 } } });
    for (const p of phones) expect(p.registrations.at(-1)).toEqual({ protocol: 'SIP', load: 'P0S3-8-12-00' });
    expect(await dnsOf(node, names)).toEqual(before);
  });
});
