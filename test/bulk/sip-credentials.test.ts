/**
 * Migrate Phones with createSipCredentials, against a real node and scripted 7940s on the wire:
 * each phone switched to SIP gets a digest user and a generated password in the same write, reads
 * them from its configuration file and registers with digest (SIP devices without credentials are
 * refused here, so nothing else would let it in); an administrator collects the passwords once.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { credentialHashes } from '../../src/core/sip-credential.js';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import type { JobBody } from './support/fleet.js';
import { enableAutoRegistration, finished, items, startFleet } from './support/fleet.js';
import type { ScriptedPhone } from './support/scripted-phone.js';

const LAST_SCCP = 'P00308010200';

let t: TestNode;
let phones: ScriptedPhone[] = [];

beforeEach(async () => {
  t = await startTestNode();
  await enableAutoRegistration(t);
  phones = [];
});

afterEach(async () => {
  await Promise.all(phones.map((p) => p.stop()));
  await t.destroy();
});

const names = () => phones.map((p) => p.deviceName);
const auth = `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`;

function collect(id: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1/bulk-jobs/${id}/sip-passwords`, {
    method: 'POST',
    headers: { authorization: auth },
  });
}

interface PreviewBody {
  warnings: { code: string; message: string }[];
  phones: { deviceName: string; notes: string[] }[];
}

it('previews the credentials per phone, warns when phones would be refused without them, refuses them for SIP→SCCP', async () => {
  phones = await startFleet(t, 2, { load: LAST_SCCP, first: 1 });
  await t.api.put(`/phones/${names()[1]}/sip-credentials`, {
    username: 'desk-2',
    password: 'desk-two-password',
  });
  await t.api.patch('/enterprise-parameters', { sipDevicesWithoutCredentials: 'refused' });
  const body = { kind: 'migrate-phones', direction: 'SCCP_TO_SIP', selection: { deviceNames: names() } };
  const without = await t.api.post<PreviewBody>('/bulk-jobs', { ...body, preview: true });
  expect(without.body.warnings.find((w) => w.code === 'sip-credentials')?.message).toContain(
    '1 of the phones to migrate have no SIP credentials',
  );
  const withCreds = await t.api.post<PreviewBody>('/bulk-jobs', {
    ...body,
    preview: true,
    createSipCredentials: true,
  });
  expect(withCreds.body.warnings.map((w) => w.code)).not.toContain('sip-credentials');
  const [first, second] = withCreds.body.phones;
  expect(first.notes.join(' ')).toContain(
    `gets SIP credentials when it is switched: digest user ${names()[0]}`,
  );
  expect(second.notes.join(' ')).toContain('keeps its SIP credentials (digest user desk-2)');
  const back = await t.api.post<{ field: string }>('/bulk-jobs', {
    ...body,
    direction: 'SIP_TO_SCCP',
    preview: true,
    createSipCredentials: true,
  });
  expect(back.status).toBe(400);
  expect(back.body.field).toBe('createSipCredentials');
});

it('gives migrated phones generated passwords they register with, handed out once to the administrator', async () => {
  phones = await startFleet(t, 2, { load: LAST_SCCP, first: 1 });
  await t.api.patch('/enterprise-parameters', { sipDevicesWithoutCredentials: 'refused' });
  const created = await t.api.post<JobBody & { sipPasswordsWaiting: number }>('/bulk-jobs', {
    kind: 'migrate-phones',
    direction: 'SCCP_TO_SIP',
    selection: { deviceNames: names() },
    switchAutoRegistrationProtocol: true,
    createSipCredentials: true,
    stepTimeoutSeconds: 20,
  });
  expect(created.status).toBe(201);
  const job = await finished(t, created.body.id);
  expect(job).toMatchObject({ status: 'completed', progress: { counts: { done: 2, failed: 0 } } });
  for (const item of await items(t, job.id))
    expect(item.reason).toContain(`SIP credentials created for ${item.deviceName}`);
  await t.node.statusWriter.flush();
  for (const name of names()) {
    expect((await t.api.get<{ protocol: string; status: string }>(`/phones/${name}`)).body).toMatchObject({
      protocol: 'SIP',
      status: 'registered',
    });
  }
  expect(
    (await t.api.get<{ sipPasswordsWaiting: number }>(`/bulk-jobs/${job.id}`)).body.sipPasswordsWaiting,
  ).toBe(2);
  // The report and the job say nothing of the passwords.
  const report = await fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1/bulk-jobs/${job.id}/report.csv`, {
    headers: { authorization: auth },
  });
  const reportText = await report.text();

  const first = await collect(job.id);
  expect(first.status).toBe(200);
  expect(first.headers.get('cache-control')).toBe('no-store');
  const rows = (await first.text()).trim().split('\n');
  expect(rows[0]).toBe('Device Name,Digest User,SIP Password');
  expect(rows).toHaveLength(3);
  for (const row of rows.slice(1)) {
    const [device, user, password] = row.split(',');
    expect(user).toBe(device);
    expect(password).toMatch(/^[A-Za-z2-9]{20}$/);
    expect((await t.node.store.credentials.byDevice(device))?.ha1Md5).toBe(
      credentialHashes(user, 'ccmsipline', password).ha1Md5,
    );
    expect(reportText).not.toContain(password);
  }
  const again = await collect(job.id);
  expect(again.status).toBe(409);
  expect(((await again.json()) as { message: string }).message).toContain('collected by CCMAdministrator');
  const view = (await t.api.get<JobBody & { sipPasswordsWaiting: number }>(`/bulk-jobs/${job.id}`)).body;
  expect(view.sipPasswordsWaiting).toBe(0);
  expect(view.notes.map((n) => n.message)).toContain(
    'generated SIP passwords of 2 phone(s) collected by CCMAdministrator',
  );
  const audit = await t.api.get<{ items: { action: string }[] }>('/audit-log?target=bulk-job');
  expect(audit.body.items.map((e) => e.action)).toContain('collect-sip-passwords');
});
