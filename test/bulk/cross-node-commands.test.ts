/**
 * Pause and resume reach a job's runner through the database whichever node takes the API call
 * (two nodes on one PostgreSQL database): the runner learns the stored status when it renews its
 * lease, and the job stays with it.
 */
import { afterEach, expect, it } from 'vitest';
import type { BulkJobProgressEvent } from '../../src/services/bulk/progress.js';
import { createPostgresDatabase, postgresAvailable } from '../support/databases.js';
import type { TestNode } from '../support/node.js';
import { eventually, startTestNode } from '../support/node.js';
import type { JobBody } from './support/fleet.js';
import { finished, items, startFleet } from './support/fleet.js';
import type { ScriptedPhone } from './support/scripted-phone.js';

let n1: TestNode | null = null;
let n2: TestNode | null = null;
let phones: ScriptedPhone[] = [];

afterEach(async () => {
  await Promise.all(phones.map((p) => p.stop()));
  await n2?.stop();
  await n1?.destroy();
  phones = [];
  n1 = null;
  n2 = null;
});

it('a job paused and resumed through another node pauses and resumes on its runner', async (ctx) => {
  if (!(await postgresAvailable())) ctx.skip();
  const database = await createPostgresDatabase();
  n1 = await startTestNode({ database, config: { nodeName: 'n1', bulkJobLeaseSeconds: 3 } });
  n2 = await startTestNode({ database, config: { nodeName: 'n2', bulkJobLeaseSeconds: 3 } });
  phones = await startFleet(n1, 3, { load: 'P00308010200' });
  phones[0].hold();
  const created = await n1.api.post<JobBody & { runner: string }>('/bulk-jobs', {
    kind: 'migrate-phones',
    direction: 'SCCP_TO_SIP',
    selection: { deviceNames: phones.map((p) => p.deviceName) },
    stepTimeoutSeconds: 30,
    concurrency: 1,
  });
  const id = created.body.id;
  expect(created.body.runner).toBe('n1');
  await eventually(async () => (await items(n1!, id))[0].state === 'waiting');

  expect((await n2.api.post<JobBody>(`/bulk-jobs/${id}/pause`)).body.status).toBe('paused');
  await eventually(() =>
    n1!.logs.some((l) => l.msg === `bulk job ${id} was paused: no new phone starts on n1`),
  );
  const halted = new Promise<BulkJobProgressEvent>((resolve) =>
    n1!.node.live.on('bulk-job-progress', (e) => e.progress.counts.done === 1 && resolve(e)),
  );
  phones[0].letGo();
  // The phone in progress finished; no other started.
  expect((await halted).status).toBe('paused');
  expect((await n2.api.get<JobBody>(`/bulk-jobs/${id}`)).body.progress.counts).toMatchObject({
    done: 1,
    pending: 2,
  });

  expect((await n2.api.post<JobBody>(`/bulk-jobs/${id}/resume`)).body.status).toBe('running');
  const job = await finished(n2, id);
  expect(job).toMatchObject({ status: 'completed', runner: 'n1', progress: { counts: { done: 3 } } });
  expect(n1.logs.some((l) => l.msg === `bulk job ${id} was resumed: n1 starts its next phones`)).toBe(true);
  expect(n2.logs.some((l) => String(l.msg).startsWith('took over bulk job'))).toBe(false);
});
