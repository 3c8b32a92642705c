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
    expect(await store.bulkJobs.unfinishedJobsOf('cm1')).toEqual([]);
    expect(await store.bulkJobs.busyDevices([items[0].deviceName])).toEqual([]);
  });

  it('lists jobs newest first and the unfinished ones of a node', async () => {
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
    expect((await store.bulkJobs.unfinishedJobsOf('cm1')).map((j) => j.id)).toEqual(['b']);
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
});
