/**
 * The whole story of issue 7, told with simulated phones against a real node: 7940s on an old
 * SCCP load auto-register; one job moves them to SIP, upgrading the SCCP load first; unknown SIP
 * phones are refused while the parameter is SCCP and the diagnosis names it; switching it (no
 * restart) lets them register with fresh DNs; a starting DN with a leading zero is refused.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_PASSWORD, eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { trackedPhone } from '../sim/helpers.js';
import type { TrackedPhone } from '../sim/helpers.js';

let t: TestNode;
const phones: TrackedPhone[] = [];
const OLD_SCCP = 'P00305000200';
const NEW_SCCP = 'P00308010200';
const SIP_7940 = 'P0S3-8-12-00';

interface Phone {
  protocol: string;
  status: string;
  lines: { index: number; dn: string }[];
}

async function upload(files: Record<string, Buffer | string>): Promise<void> {
  const form = new FormData();
  for (const [name, content] of Object.entries(files))
    form.append('file', new Blob([Buffer.from(content)]), name);
  const r = await fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1/firmware-loads`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`,
    },
    body: form,
  });
  expect(r.status).toBe(201);
}

function boot(mac: string, model: string, load: string): TrackedPhone {
  const p = trackedPhone({ mac, model, load, timing: { rejectedRetryMs: 300 } }, t);
  phones.push(p);
  p.phone.start();
  return p;
}

beforeAll(async () => {
  t = await startTestNode();
  // The site keeps its 7940s on the SCCP load they shipped with, until the migration.
  expect((await t.api.patch('/device-defaults/7940/SCCP', { loadId: OLD_SCCP })).status).toBe(200);
  await upload({
    [`${NEW_SCCP}.loads`]: `${NEW_SCCP}.bin\n`,
    [`${NEW_SCCP}.bin`]: Buffer.alloc(4000, 7),
    [`${SIP_7940}.loads`]: `${SIP_7940}.sb2\nP003-8-12-00.sbn\n`,
    [`${SIP_7940}.sb2`]: Buffer.alloc(5000, 1),
    'P003-8-12-00.sbn': Buffer.alloc(3000, 2),
  });
});

afterAll(async () => {
  for (const p of phones) p.phone.stop();
  await t.destroy();
});

it('tells the seed story end to end', async () => {
  // 1. Three 7940s on an old SCCP load boot and auto-register over SCCP.
  const old = ['00ABCD000001', '00ABCD000002', '00ABCD000003'].map((mac) => boot(mac, '7940', OLD_SCCP));
  const first = await Promise.all(old.map((p) => p.reach('registered')));
  expect(first.map((s) => [s.protocol, s.load])).toEqual(Array(3).fill(['SCCP', OLD_SCCP]));
  const dns = first.map((s) => s.lines[0].dn).sort();
  expect(dns).toEqual(['1000', '1001', '1002']);

  // 2. Preview, then one job moves them to SIP, upgrading the SCCP load first.
  const body = { kind: 'migrate-phones', direction: 'SCCP_TO_SIP', selection: { query: { model: '7940' } } };
  const preview = await t.api.post<{ summary: { migrate: number; withUpgrade: number } }>('/bulk-jobs', {
    ...body,
    preview: true,
  });
  expect(preview.status).toBe(200);
  expect(preview.body.summary).toMatchObject({ migrate: 3, withUpgrade: 3 });
  const created = await t.api.post<{ id: string }>('/bulk-jobs', { ...body, stepTimeoutSeconds: 60 });
  expect(created.status).toBe(201);
  const job = await eventually(async () => {
    const r = await t.api.get<{ status: string; progress: { counts: Record<string, number> } }>(
      `/bulk-jobs/${created.body.id}`,
    );
    return ['completed', 'failed', 'cancelled'].includes(r.body.status) ? r.body : null;
  }, 90_000);
  expect(job.status).toBe('completed');
  for (const p of old) {
    const seen = p.states.map((s) => s.load);
    expect(seen).toContain(NEW_SCCP); // upgraded over SCCP before taking the SIP load
    expect(p.phone.snapshot).toMatchObject({ state: 'registered', protocol: 'SIP', load: SIP_7940 });
    const record = await t.api.get<Phone>(`/phones/${p.phone.deviceName}`);
    expect(record.body).toMatchObject({ protocol: 'SIP', status: 'registered' });
  }
  const after = await Promise.all(
    old.map(async (p) => (await t.api.get<Phone>(`/phones/${p.phone.deviceName}`)).body.lines[0].dn),
  );
  expect(after.sort()).toEqual(dns);

  // 3. New unknown phones on SIP firmware are refused while the parameter is SCCP (their SCCP load
  //    is not on the TFTP server, so they keep SIP), and the diagnosis names the parameter.
  const newcomers = ['00ABCD0000A1', '00ABCD0000A2'].map((mac) => boot(mac, '7941', 'SIP41.9-4-2SR1-1S'));
  const refused = await Promise.all(newcomers.map((p) => p.reach('rejected')));
  expect(refused[0].message).toMatch(/auto-registration protocol is SCCP/i);
  const diagnosis = await t.api.get<{ firstProblem: { id: string; fix: string } }>(
    '/diagnosis?mac=00ABCD0000A1',
  );
  expect(diagnosis.body.firstProblem.id).toBe('protocol');
  expect(diagnosis.body.firstProblem.fix).toContain('Auto Registration Phone Protocol to SIP');

  // 4. Switch the parameter (no restart): they register with fresh DNs.
  expect((await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' })).status).toBe(
    200,
  );
  const registered = await Promise.all(newcomers.map((p) => p.reach('registered', p.states.length, 30_000)));
  expect(registered.map((s) => s.protocol)).toEqual(['SIP', 'SIP']);
  const records = await Promise.all(
    newcomers.map(async (p) => (await t.api.get<Phone>(`/phones/${p.phone.deviceName}`)).body),
  );
  expect(records.map((r) => [r.protocol, r.status])).toEqual([
    ['SIP', 'registered'],
    ['SIP', 'registered'],
  ]);
  expect(records.map((r) => r.lines[0].dn).sort()).toEqual(['1003', '1004']);

  // 5. A starting DN with a leading zero is refused with its reason.
  const zero = await t.api.patch<{ field: string; message: string }>('/nodes/cm1', {
    autoRegistration: { startingDn: '0100' },
  });
  expect(zero.status).toBe(400);
  expect(zero.body).toMatchObject({ field: 'startingDn' });
  expect(zero.body.message).toContain('leading zero would be lost');
}, 180_000);
