/**
 * Bulk Administration > Migrate Phones against a real node: SCCP phones on the wire (scripted
 * 7940s that answer Reset by booting the load their configuration names), the REST API.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import type { BulkJobProgressEvent } from '../../src/services/bulk/progress.js';
import type { TestNode } from '../support/node.js';
import { eventually, startTestNode } from '../support/node.js';
import type { ItemBody, JobBody } from './support/fleet.js';
import { dnsOf, enableAutoRegistration, finished, items, startFleet } from './support/fleet.js';
import type { ScriptedPhone } from './support/scripted-phone.js';

const OLD_SCCP = 'P00303020214'; // SCCP 3.2: needs the last SCCP load before SIP 8.x
const LAST_SCCP = 'P00308010200';
const SIP = 'P0S3-8-12-00';

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

interface PreviewBody {
  summary: Record<string, number>;
  warnings: { code: string; message: string; remedy: string; switchTo?: string }[];
  phones: {
    deviceName: string;
    outcome: string;
    reason: string | null;
    intermediateLoadId: string | null;
    targetLoadId: string | null;
    steps: string[];
    lines: { dn: string }[];
    runningLoadId: string | null;
  }[];
}

describe('preview', () => {
  it('says per phone which load it takes, whether it upgrades SCCP first, its lines, and what cannot migrate', async () => {
    phones = [
      ...(await startFleet(t, 2, { load: OLD_SCCP, first: 1 })),
      ...(await startFleet(t, 1, { load: LAST_SCCP, first: 3 })),
    ];
    // A 7910 runs SCCP only.
    const station = new SccpStation({ deviceName: 'SEP00AA00000010', deviceType: 6 });
    await station.connect('127.0.0.1', t.node.ports.sccp);
    expect((await station.register()).kind).toBe('registered');

    const r = await t.api.post<PreviewBody>('/bulk-jobs', {
      kind: 'migrate-phones',
      direction: 'SCCP_TO_SIP',
      selection: { deviceNames: [...names(), 'SEP00AA00000010', 'SEP00AA0000FFFF'] },
      preview: true,
    });
    station.destroy();
    expect(r.status).toBe(200);
    expect(r.body.summary).toEqual({ total: 5, migrate: 3, withUpgrade: 2, skip: 0, cannotMigrate: 2 });
    const [old1, , current, model7910, missing] = r.body.phones;
    // The two old phones power on together: which one got 1000 depends on who registered first.
    const held = await t.api.get<{ lines: { dn: string }[] }>(`/phones/${phones[0].deviceName}`);
    expect(old1).toMatchObject({
      outcome: 'migrate',
      runningLoadId: OLD_SCCP,
      intermediateLoadId: LAST_SCCP,
      targetLoadId: SIP,
      steps: ['upgrade-sccp-load', 'switch-protocol', 'await-registration'],
      lines: [{ dn: held.body.lines[0].dn }],
    });
    expect(['1000', '1001']).toContain(held.body.lines[0].dn);
    expect(current).toMatchObject({
      intermediateLoadId: null,
      steps: ['switch-protocol', 'await-registration'],
    });
    expect(model7910).toMatchObject({
      outcome: 'cannot-migrate',
      reason: 'Cisco 7910 has no SIP firmware: it runs SCCP only',
    });
    expect(missing.reason).toContain('does not exist');
    // SIP phones would be refused auto-registration while the parameter says SCCP: the preview says so.
    const warning = r.body.warnings.find((w) => w.code === 'auto-registration-protocol');
    expect(warning).toMatchObject({ switchTo: 'SIP' });
    expect(warning!.remedy).toContain('no restart');
    // Loads not uploaded under Device > Firmware Loads are flagged too.
    expect(r.body.warnings.filter((w) => w.code === 'load-not-installed').length).toBe(2);
    // Nothing changed.
    const phone = await t.api.get<{ protocol: string; loadId: string | null }>(
      `/phones/${phones[0].deviceName}`,
    );
    expect(phone.body).toMatchObject({ protocol: 'SCCP', loadId: null });
    expect((await t.api.get<{ total: number }>('/bulk-jobs')).body.total).toBe(0);
  });

  it('selects by query: model, DN range and load', async () => {
    phones = [
      ...(await startFleet(t, 2, { load: OLD_SCCP, first: 1 })),
      ...(await startFleet(t, 2, { load: LAST_SCCP, first: 3 })),
    ];
    const byLoad = await t.api.post<PreviewBody>('/bulk-jobs', {
      kind: 'migrate-phones',
      direction: 'SCCP_TO_SIP',
      selection: { query: { model: '7940', loadId: OLD_SCCP } },
      preview: true,
    });
    expect(byLoad.body.phones.map((p) => p.deviceName).sort()).toEqual(names().slice(0, 2).sort());
    const byDn = await t.api.post<PreviewBody>('/bulk-jobs', {
      kind: 'migrate-phones',
      direction: 'SCCP_TO_SIP',
      selection: { query: { dnFrom: '1001', dnTo: '1002' } },
      preview: true,
    });
    expect(byDn.body.phones.flatMap((p) => p.lines.map((l) => l.dn)).sort()).toEqual(['1001', '1002']);
  });

  it('refuses bad input naming the field and the rule', async () => {
    const post = (body: Record<string, unknown>) =>
      t.api.post<{ error: string; field?: string; message: string }>('/bulk-jobs', {
        kind: 'migrate-phones',
        direction: 'SCCP_TO_SIP',
        ...body,
      });
    const lower = await post({ selection: { deviceNames: ['SEP00aa00000001'] } });
    expect(lower.status).toBe(400);
    expect(lower.body).toMatchObject({ error: 'validation', field: 'selection.deviceNames.0' });
    expect(lower.body.message).toContain('upper-case');
    const twice = await post({ selection: { deviceNames: ['SEP00AA00000001', 'SEP00AA00000001'] } });
    expect(twice.body).toMatchObject({ field: 'selection.deviceNames.1' });
    const range = await post({ selection: { query: { dnFrom: '2000', dnTo: '1000' } } });
    expect(range.body).toMatchObject({ field: 'selection.query.dnTo' });
    const past = await post({ selection: { query: {} }, scheduledAt: '2001-01-01T00:00:00Z' });
    expect(past.body).toMatchObject({ error: 'validation', field: 'scheduledAt' });
    expect(past.body.message).toContain('not in the future');
    const nothing = await post({ selection: { query: { model: '7960' } } });
    expect(nothing.body).toMatchObject({ error: 'validation', field: 'selection' });
    const shape = await post({ selection: { names: [] } });
    expect(shape.status).toBe(400);
    expect(shape.body.message).toContain('deviceNames');
    expect((await t.api.get('/bulk-jobs/nope')).status).toBe(404);
  });
});

describe('migrate job', () => {
  it('moves phones to SIP, upgrading old SCCP loads first, keeps their DNs, switches the parameter; and back to SCCP', async () => {
    phones = [
      ...(await startFleet(t, 2, { load: OLD_SCCP, first: 1 })),
      ...(await startFleet(t, 1, { load: LAST_SCCP, first: 3 })),
    ];
    const before = await dnsOf(t, names());
    const progress: BulkJobProgressEvent[] = [];
    t.node.live.on('bulk-job-progress', (e) => progress.push(e));

    const created = await t.api.post<JobBody>('/bulk-jobs', {
      kind: 'migrate-phones',
      direction: 'SCCP_TO_SIP',
      selection: { deviceNames: names() },
      switchAutoRegistrationProtocol: true,
      stepTimeoutSeconds: 20,
    });
    expect(created.status).toBe(201);
    const job = await finished(t, created.body.id);
    expect(job.status).toBe('completed');
    expect(job.progress).toMatchObject({
      total: 3,
      finished: 3,
      percent: 100,
      counts: { done: 3, failed: 0 },
    });
    expect(job.notes.map((n) => n.message)).toContain(
      'Auto Registration Phone Protocol switched from SCCP to SIP (applies to the next registration, no restart)',
    );
    expect(
      (await t.api.get<{ autoRegistrationPhoneProtocol: string }>('/enterprise-parameters')).body,
    ).toMatchObject({
      autoRegistrationPhoneProtocol: 'SIP',
    });
    // The old phones went 3.2 → 8.1(2) over SCCP, then to SIP; the current one straight to SIP.
    expect(phones[0].registrations.map((r) => `${r.protocol} ${r.load}`)).toEqual([
      `SCCP ${OLD_SCCP}`,
      `SCCP ${LAST_SCCP}`,
      `SIP ${SIP}`,
    ]);
    expect(phones[2].registrations.map((r) => `${r.protocol} ${r.load}`)).toEqual([
      `SCCP ${LAST_SCCP}`,
      `SIP ${SIP}`,
    ]);
    for (const name of names()) {
      const p = await t.api.get<{
        protocol: string;
        status: string;
        loadId: string | null;
        activeLoadId: string;
      }>(`/phones/${name}`);
      expect(p.body).toMatchObject({ protocol: 'SIP', status: 'registered', loadId: null });
      // The simulator's SIP client sends no Reason header with its load (sip-cisco.md §1.3), so openucm notes that.
      expect([null, SIP]).toContain(p.body.activeLoadId);
    }
    expect(await dnsOf(t, names())).toEqual(before);
    expect(progress.at(-1)).toMatchObject({ jobId: job.id, status: 'completed', progress: { percent: 100 } });
    const audit = await t.api.get<{ items: { action: string; targetName: string; user: string }[] }>(
      '/audit-log?target=bulk-job',
    );
    expect(audit.body.items).toEqual([
      expect.objectContaining({ action: 'create', targetName: job.id, user: 'CCMAdministrator' }),
    ]);

    const report = await fetch(
      `http://127.0.0.1:${t.node.ports.http}/api/v1/bulk-jobs/${job.id}/report.csv`,
      {
        headers: {
          authorization: `Basic ${Buffer.from('CCMAdministrator:test-password-1').toString('base64')}`,
        },
      },
    );
    expect(report.headers.get('content-type')).toContain('text/csv');
    const rows = (await report.text()).trim().split('\n');
    expect(rows[0]).toBe(
      'Device Name,Model,Description,Directory Numbers,From Protocol,To Protocol,Intermediate Load,Target Load,Result,Step,Detail,Started,Finished',
    );
    expect(rows[1]).toMatch(
      // Phones power on together: SEP00AA00000001 holds whichever DN it registered for first.
      /^SEP00AA00000001,7940,Auto (10\d\d),\1,SCCP,SIP,P00308010200,P0S3-8-12-00,done,await-registration,/,
    );

    // The reverse migration.
    const back = await t.api.post<JobBody>('/bulk-jobs', {
      kind: 'migrate-phones',
      direction: 'SIP_TO_SCCP',
      selection: { query: { model: '7940' } },
      stepTimeoutSeconds: 20,
    });
    expect(back.status).toBe(201);
    expect((await finished(t, back.body.id)).progress.counts.done).toBe(3);
    for (const p of phones) expect(p.registrations.at(-1)).toEqual({ protocol: 'SCCP', load: LAST_SCCP });
    expect(await dnsOf(t, names())).toEqual(before);
  });

  it('reports a phone that never comes back at its step with the timeout, while the others complete', async () => {
    phones = await startFleet(t, 3, { load: OLD_SCCP });
    phones[1].hold();
    const created = await t.api.post<JobBody>('/bulk-jobs', {
      kind: 'migrate-phones',
      direction: 'SCCP_TO_SIP',
      selection: { deviceNames: names() },
      // Short, but long enough for the healthy phones to answer on a busy machine.
      stepTimeoutSeconds: 3,
    });
    const job = await finished(t, created.body.id);
    expect(job.progress.counts).toMatchObject({ done: 2, failed: 1 });
    const failed = (await items(t, job.id)).find((i) => i.state === 'failed') as ItemBody;
    expect(failed).toMatchObject({ deviceName: phones[1].deviceName, step: 'upgrade-sccp-load' });
    expect(failed.reason).toBe(
      `${phones[1].deviceName} did not register again within 3 s after the reset to take SCCP load P00308010200; ` +
        `it was last unregistered (device-reset). ${phones[1].deviceName} is still an SCCP phone; its Phone Load Name ` +
        'is now P00308010200, which it takes when it next boots',
    );
    const device = await t.api.get<{ protocol: string; loadId: string }>(`/phones/${phones[1].deviceName}`);
    expect(device.body).toMatchObject({ protocol: 'SCCP', loadId: LAST_SCCP });
  });

  it('switches a phone back when it returns on the old protocol because it could not install the new load', async () => {
    // Boots on SCCP 5.0 without reporting it: openucm believes the configured 8.1(2) and skips the upgrade.
    phones = await startFleet(t, 1, { load: 'P00305000200', reportsLoad: false });
    const created = await t.api.post<JobBody>('/bulk-jobs', {
      kind: 'migrate-phones',
      direction: 'SCCP_TO_SIP',
      selection: { deviceNames: names() },
      stepTimeoutSeconds: 20,
    });
    const job = await finished(t, created.body.id);
    const [item] = await items(t, job.id);
    expect(item).toMatchObject({ state: 'failed', step: 'await-registration' });
    expect(item.reason).toContain('came back over SCCP after the reset instead of SIP');
    expect(item.reason).toContain('switched back to SCCP');
    // It keeps working over SCCP.
    await eventually(
      async () => (await t.api.get<{ status: string }>(`/phones/${names()[0]}`)).body.status === 'registered',
    );
    expect((await t.api.get<{ protocol: string }>(`/phones/${names()[0]}`)).body.protocol).toBe('SCCP');
  });
});

describe('pause, resume, cancel', () => {
  it('pause lets the phone in progress finish and starts no other until resumed', async () => {
    phones = await startFleet(t, 4, { load: LAST_SCCP });
    phones[0].hold();
    const created = await t.api.post<JobBody>('/bulk-jobs', {
      kind: 'migrate-phones',
      direction: 'SCCP_TO_SIP',
      selection: { deviceNames: names() },
      stepTimeoutSeconds: 20,
      concurrency: 1,
    });
    const id = created.body.id;
    await eventually(async () => (await items(t, id))[0].state === 'waiting');
    const paused = await t.api.post<JobBody>(`/bulk-jobs/${id}/pause`);
    expect(paused.body.status).toBe('paused');
    const halted = new Promise<BulkJobProgressEvent>((resolve) =>
      t.node.live.on('bulk-job-progress', (e) => e.progress.counts.done === 1 && resolve(e)),
    );
    phones[0].letGo();
    expect((await halted).status).toBe('paused');
    expect((await t.api.get<JobBody>(`/bulk-jobs/${id}`)).body.progress.counts).toMatchObject({
      done: 1,
      pending: 3,
    });
    expect((await t.api.post(`/bulk-jobs/${id}/pause`)).status).toBe(409);

    expect((await t.api.post<JobBody>(`/bulk-jobs/${id}/resume`)).body.status).toBe('running');
    const job = await finished(t, id);
    expect(job).toMatchObject({ status: 'completed', progress: { counts: { done: 4 } } });
  });

  it('cancel stops the phone in progress where it is and leaves the others unchanged', async () => {
    phones = await startFleet(t, 3, { load: LAST_SCCP });
    phones[0].hold();
    const created = await t.api.post<JobBody>('/bulk-jobs', {
      kind: 'migrate-phones',
      direction: 'SCCP_TO_SIP',
      selection: { deviceNames: names() },
      stepTimeoutSeconds: 20,
      concurrency: 1,
    });
    const id = created.body.id;
    await eventually(async () => (await items(t, id))[0].state === 'waiting');
    const cancelled = await t.api.post<JobBody>(`/bulk-jobs/${id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', message: 'cancelled by CCMAdministrator' });
    expect(cancelled.body.progress.counts).toMatchObject({ cancelled: 3, pending: 0, waiting: 0 });
    const [inFlight, notStarted] = await items(t, id);
    expect(inFlight).toMatchObject({ step: 'await-registration', state: 'cancelled' });
    expect(inFlight.reason).toContain('the device is a SIP phone in openucm');
    expect(notStarted.reason).toBe('job cancelled before this phone was started: nothing was changed');
    expect((await t.api.get<{ protocol: string }>(`/phones/${names()[1]}`)).body.protocol).toBe('SCCP');
    const again = await t.api.post<{ error: string; message: string }>(`/bulk-jobs/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('a finished job cannot be cancelled');
  });

  it('a scheduled job waits for its time; cancelling it changes nothing', async () => {
    phones = await startFleet(t, 1, { load: LAST_SCCP });
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const created = await t.api.post<JobBody & { scheduledAt: string }>('/bulk-jobs', {
      kind: 'migrate-phones',
      direction: 'SCCP_TO_SIP',
      selection: { deviceNames: names() },
      scheduledAt: at,
    });
    expect(created.body).toMatchObject({ status: 'scheduled', scheduledAt: at });
    expect((await t.api.post<JobBody>(`/bulk-jobs/${created.body.id}/cancel`)).body.status).toBe('cancelled');
    expect((await t.api.get<{ protocol: string }>(`/phones/${names()[0]}`)).body.protocol).toBe('SCCP');
  });
});
