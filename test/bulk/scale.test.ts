/**
 * Issue 7, done when: "a 1,000-phone migrate job of simulated phones finishes with every phone
 * on SIP and the same DNs". Phones answer at once and the timeouts are short, so it stays quick.
 */
import { afterAll, expect, it } from 'vitest';
import type { TestNode } from '../support/node.js';
import { startTestNode } from '../support/node.js';
import type { JobBody } from './support/fleet.js';
import { enableAutoRegistration, finished, items, startFleet } from './support/fleet.js';
import type { ScriptedPhone } from './support/scripted-phone.js';

const PHONES = 1000;
let t: TestNode | null = null;
let phones: ScriptedPhone[] = [];

afterAll(async () => {
  await Promise.all(phones.map((p) => p.stop()));
  await t?.destroy();
});

it(`migrates ${PHONES} phones to SIP, a tenth of them through the SCCP upgrade, keeping every DN`, async () => {
  t = await startTestNode({ config: { logLevel: 'warn' } });
  await enableAutoRegistration(t, '20000', '29999');
  phones = [
    ...(await startFleet(t, PHONES / 10, { load: 'P00303020214', first: 1 })),
    ...(await startFleet(t, PHONES - PHONES / 10, { load: 'P00308010200', first: PHONES / 10 + 1 })),
  ];
  const before = await dnsByDevice(t);
  expect(before.size).toBe(PHONES);

  const created = await t.api.post<JobBody>('/bulk-jobs', {
    kind: 'migrate-phones',
    direction: 'SCCP_TO_SIP',
    selection: { query: { model: '7940' } },
    // Generous: a busy CI machine slows the phones down; a phone that is late only makes this wait.
    stepTimeoutSeconds: 120,
    concurrency: 100,
  });
  expect(created.status).toBe(201);
  const job = await finished(t, created.body.id, 300_000);
  expect(
    (await items(t, job.id))
      .filter((i) => i.state !== 'done')
      .map((i) => `${i.deviceName} ${i.step}: ${i.reason}`),
  ).toEqual([]);
  expect(job.progress).toMatchObject({ total: PHONES, percent: 100, counts: { done: PHONES, failed: 0 } });

  const after = await dnsByDevice(t);
  expect(after).toEqual(before);
  const sip = await t.api.get<{ total: number }>('/phones?protocol=SIP&status=registered&pageSize=1');
  expect(sip.body.total).toBe(PHONES);
  expect(phones.filter((p) => p.registrations.at(-1)?.protocol !== 'SIP')).toEqual([]);
}, 330_000); // the job itself may take up to 300 s on a busy machine (see `finished` above)

/** Every phone's DNs, read page by page through the API. */
async function dnsByDevice(node: TestNode): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (let page = 1; ; page++) {
    const r = await node.api.get<{ items: { name: string; lines: { dn: string }[] }[] }>(
      `/phones?pageSize=1000&page=${page}`,
    );
    for (const p of r.body.items) map.set(p.name, p.lines.map((l) => l.dn).join(','));
    if (r.body.items.length < 1000) return map;
  }
}
