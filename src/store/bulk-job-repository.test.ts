import { describe, expect, it } from 'vitest';
import { DATABASES, useTestStore } from '../../test/support/databases.js';
import { effectiveDeviceDefaults } from '../core/device-defaults.js';
import { planPhone } from '../core/migration.js';
import type { BulkJobItemRecord, BulkJobRecord } from './bulk-job-repository.js';
import type { Store } from './store.js';

const now = new Date('2026-11-25T10:00:00Z');
const at = now.toISOString();
const defaults = effectiveDeviceDefaults([]);

function job(id: string, over: Partial<BulkJobRecord> = {}): BulkJobRecord {
  return {
    id,
    kind: 'migrate-phones',
    status: 'queued',
    node: 'cm1',
    scheduledAt: null,
    createdBy: 'CCMAdministrator',
    options: {
      direction: 'SCCP_TO_SIP',
      selection: { query: { model: '7940' } },
      stepTimeoutSeconds: 600,
      concurrency: 20,
      switchAutoRegistrationProtocol: false,
    },
    notes: [],
    message: null,
    runner: null,
    leaseUntil: null,
    createdAt: at,
    startedAt: null,
    finishedAt: null,
    ...over,
  };
}

function item(jobId: string, name: string, position: number): BulkJobItemRecord {
  const plan = planPhone(
    {
      name,
      model: '7940',
      protocol: 'SCCP',
      description: 'Auto',
      lines: [{ index: 1, dn: `100${position}` }],
      loadId: null,
      activeLoadId: null,
    },
    'SCCP_TO_SIP',
    defaults,
  );
  return {
    jobId,
    position,
    deviceName: name,
    step: plan.steps[0],
    state: 'pending',
    reason: null,
    plan,
    startedAt: null,
    updatedAt: at,
    finishedAt: null,
  };
}

describe.each(DATABASES)('bulk job repository on $flavor', ({ create, available }) => {
  let store: Store;

  useTestStore({ create, available }, (opened) => {
    store = opened;
  });

  const later = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
  /** `runner` takes or renews, at `seconds` after now, the leases it may hold, for 10 s. */
  const claim = async (runner: string, seconds = 0) =>
    (
      await store.transaction((tx) =>
        tx.bulkJobs.claim({ runner, now: later(seconds), leaseUntil: later(seconds + 10) }),
      )
    ).map((c) => c.job);

  it('stores a job with its items, counts them per step and state, and finds busy devices', async () => {
    const items = Array.from({ length: 450 }, (_, i) =>
      item('j1', `SEP00AA${String(i).padStart(8, '0')}`, i),
    );
    await store.transaction((tx) => tx.bulkJobs.insertJob(job('j1'), items));
    const stored = await store.bulkJobs.findJob('j1');
    expect(stored).toMatchObject({ id: 'j1', status: 'queued', options: { concurrency: 20 }, notes: [] });
    expect(await store.bulkJobs.countItems('j1')).toBe(450);

    await store.bulkJobs.updateItem('j1', items[0].deviceName, {
      step: 'await-registration',
      state: 'waiting',
      startedAt: at,
      updatedAt: at,
    });
    await store.bulkJobs.updateItem('j1', items[1].deviceName, {
      state: 'failed',
      reason: 'did not come back',
      finishedAt: at,
      updatedAt: at,
    });
    const progress = await store.bulkJobs.progress('j1');
    expect(progress).toEqual(
      expect.arrayContaining([
        { step: 'switch-protocol', state: 'pending', count: 448 },
        { step: 'await-registration', state: 'waiting', count: 1 },
        { step: 'switch-protocol', state: 'failed', count: 1 },
      ]),
    );
    const [first] = await store.bulkJobs.items('j1', { states: ['waiting'] });
    expect(first).toMatchObject({ deviceName: items[0].deviceName, plan: { targetLoadId: 'P0S3-8-12-00' } });

    const busy = await store.bulkJobs.busyDevices([
      items[0].deviceName,
      items[1].deviceName,
      'SEP999999999999',
    ]);
    expect(busy).toEqual([{ deviceName: items[0].deviceName, jobId: 'j1' }]);

    expect(await store.bulkJobs.cancelItems('j1', ['pending'], 'cancelled', at)).toBe(448);
    await store.bulkJobs.updateJob('j1', { status: 'cancelled', finishedAt: at, message: 'cancelled by x' });
    expect(await claim('cm1')).toEqual([]);
    expect(await store.bulkJobs.busyDevices([items[0].deviceName])).toEqual([]);
  });

  it('lists jobs newest first', async () => {
    await store.bulkJobs.insertJob(
      job('a', { createdAt: '2026-11-25T09:00:00.000Z', status: 'completed' }),
      [],
    );
    await store.bulkJobs.insertJob(
      job('b', { createdAt: '2026-11-25T10:00:00.000Z', status: 'running' }),
      [],
    );
    await store.bulkJobs.insertJob(job('c', { createdAt: '2026-11-25T11:00:00.000Z', node: 'cm2' }), []);
    const { items, total } = await store.bulkJobs.listJobs({ limit: 2, offset: 0 });
    expect(total).toBe(3);
    expect(items.map((j) => j.id)).toEqual(['c', 'b']);
  });

  it('switches a device protocol only from the expected one, keeping its lines', async () => {
    await store.nodes.ensure('cm1', { enabled: true, startingDn: '1000', endingDn: '1999' }, now);
    await store.transaction(async (tx) => {
      await tx.devices.reserveDns(['1000'], now);
      await tx.devices.insert(
        {
          name: 'SEP00AA00000001',
          model: '7940',
          protocol: 'SCCP',
          description: 'd',
          lines: [{ index: 1, dn: '1000' }],
          loadId: 'P00303020214',
        },
        now,
      );
    });
    expect(await store.bulkJobs.setDeviceLoad('SEP00AA00000001', 'SIP', 'X')).toBe(false);
    expect(await store.bulkJobs.setDeviceLoad('SEP00AA00000001', 'SCCP', 'P00308010200')).toBe(true);
    expect(await store.bulkJobs.switchDeviceProtocol('SEP00AA00000001', 'SIP', 'SCCP', null)).toBe(false);
    expect(await store.bulkJobs.switchDeviceProtocol('SEP00AA00000001', 'SCCP', 'SIP', null)).toBe(true);
    expect(await store.devices.find('SEP00AA00000001')).toMatchObject({
      protocol: 'SIP',
      loadId: null,
      lines: [{ index: 1, dn: '1000' }],
    });
    expect(await store.bulkJobs.deviceRegistrations(['SEP00AA00000001', 'SEP00AA0000000F'])).toEqual([
      { name: 'SEP00AA00000001', protocol: 'SIP', status: 'unregistered', node: null, activeLoadId: null },
    ]);
  });
  it('gives a job one runner at a time: taken over only once its lease ran out, and the old runner is fenced off', async () => {
    await store.bulkJobs.insertJob(job('j1', { status: 'running' }), [item('j1', 'SEP00AA00000001', 0)]);
    await store.bulkJobs.insertJob(job('done', { status: 'completed' }), []);
    expect((await claim('cm1')).map((j) => [j.id, j.runner, j.leaseUntil])).toEqual([
      ['j1', 'cm1', later(10)],
    ]);
    // Held: another node gets nothing, the holder renews.
    expect(await claim('cm2', 5)).toEqual([]);
    expect((await claim('cm1', 5)).map((j) => j.leaseUntil)).toEqual([later(15)]);
    expect(await claim('cm2', 14)).toEqual([]);
    // cm1 went silent: after its lease cm2 takes the job.
    expect((await claim('cm2', 16)).map((j) => [j.id, j.runner])).toEqual([['j1', 'cm2']]);
    expect(await store.bulkJobs.findJob('j1')).toMatchObject({ runner: 'cm2', leaseUntil: later(26) });
    // cm1's late writes change nothing; cm2's do.
    const change = { state: 'done' as const, updatedAt: later(17) };
    expect(await store.bulkJobs.updateItem('j1', 'SEP00AA00000001', change, 'cm1')).toBe(false);
    expect(await store.bulkJobs.updateJob('j1', { status: 'completed' }, 'cm1')).toBe(false);
    expect((await store.bulkJobs.items('j1'))[0].state).toBe('pending');
    expect(await store.bulkJobs.updateItem('j1', 'SEP00AA00000001', change, 'cm2')).toBe(true);
    expect((await store.bulkJobs.items('j1'))[0].state).toBe('done');
    // A node that stops releases its leases: the next node takes the job at once.
    await store.bulkJobs.releaseLeases('cm2');
    expect((await claim('cm3', 17)).map((j) => j.runner)).toEqual(['cm3']);
  });

  it('never lets two nodes that claim at the same moment both take a job', async () => {
    for (let i = 0; i < 20; i++) await store.bulkJobs.insertJob(job(`j${i}`), []);
    const [a, b] = await Promise.all([claim('cm1'), claim('cm2')]);
    expect(a.length + b.length).toBe(20);
    const runners = new Map<string, string>([
      ...a.map((j) => [j.id, 'cm1'] as const),
      ...b.map((j) => [j.id, 'cm2'] as const),
    ]);
    expect(runners.size).toBe(20);
    const stored = await store.bulkJobs.listJobs({ limit: 50, offset: 0 });
    for (const j of stored.items) expect(j.runner).toBe(runners.get(j.id));
  });
});
