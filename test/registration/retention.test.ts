/**
 * Retention: registration events and audit entries past the retention set under System >
 * Enterprise Parameters (API `admin-settings`) are deleted by the node, at start and at once after
 * a change; the registration log also keeps at most a maximum of events.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { RegistrationEvent } from '../../src/core/registration-event.js';
import { cdr } from '../support/cdrs.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

const DAY = 86_400_000;
let t: TestNode;

beforeEach(async () => {
  t = await startTestNode();
});
afterEach(async () => {
  await t.destroy();
});

const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

function event(deviceName: string, at: string): RegistrationEvent {
  return {
    at,
    deviceName,
    protocol: 'SCCP',
    address: '10.0.0.9:2000',
    node: 'cm1',
    outcome: 'accepted',
    reason: 'configured-device',
    message: `${deviceName} registered`,
    remedy: null,
  };
}

async function auditEntry(targetName: string, at: string): Promise<void> {
  await t.node.store.audit.insert({
    at,
    user: 'CCMAdministrator',
    via: 'basic',
    action: 'update',
    target: 'phone',
    targetName,
    changes: [],
    summary: `changed ${targetName}`,
  });
}

async function eventNames(): Promise<string[]> {
  const { body } = await t.api.get<{ items: { deviceName: string }[] }>('/registration-events?limit=1000');
  return body.items.map((e) => e.deviceName);
}

async function auditNames(): Promise<string[]> {
  const { body } = await t.api.get<{ items: { targetName: string }[] }>('/audit-log?target=phone&limit=1000');
  return body.items.map((e) => e.targetName);
}

it('shows the retention settings with their defaults and refuses values out of bounds', async () => {
  expect((await t.api.get('/admin-settings')).body).toEqual({
    autoRegistrationWarningDays: 7,
    registrationEventRetentionDays: 30,
    auditRetentionDays: 365,
    registrationEventMaxRows: 1_000_000,
    cdrRetentionDays: 30,
  });
  const bad = await t.api.patch<{ field: string; message: string }>('/admin-settings', {
    registrationEventRetentionDays: 10,
    registrationEventMaxRows: 10,
  });
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({
    field: 'registrationEventMaxRows',
    message: 'Registration Event Maximum must be a whole number from 1,000 to 100,000,000',
  });
  // Nothing of a refused change is applied.
  expect((await t.api.get<{ registrationEventRetentionDays: number }>('/admin-settings')).body).toMatchObject(
    {
      registrationEventRetentionDays: 30,
    },
  );
});

it('deletes events and audit entries past their retention at once when it is changed', async () => {
  await t.node.store.events.insertMany([
    event('SEP000000000040', daysAgo(40)),
    event('SEP000000000010', daysAgo(10)),
  ]);
  await auditEntry('SEP000000000400', daysAgo(400));
  await auditEntry('SEP000000000100', daysAgo(100));
  expect(await eventNames()).toEqual(['SEP000000000010', 'SEP000000000040']);

  const changed = await t.api.patch('/admin-settings', {
    registrationEventRetentionDays: 20,
    auditRetentionDays: 200,
  });
  expect(changed.status).toBe(200);
  await eventually(async () => (await eventNames()).length === 1);
  expect(await eventNames()).toEqual(['SEP000000000010']);
  await eventually(async () => (await auditNames()).length === 1);
  expect(await auditNames()).toEqual(['SEP000000000100']);

  await t.api.patch('/admin-settings', { registrationEventRetentionDays: 5, auditRetentionDays: 50 });
  await eventually(async () => (await eventNames()).length === 0 && (await auditNames()).length === 0);
});

it('keeps at most the maximum of events, the newest', async () => {
  await t.node.store.events.insertMany(
    Array.from({ length: 1200 }, (_, i) => event(`SEP${String(i).padStart(12, '0')}`, daysAgo(1 - i / 2000))),
  );
  const olderThanNewest1000 = async () => {
    const newest = (await t.api.get<{ items: { id: number }[] }>('/registration-events?limit=1000')).body
      .items;
    const before = Math.min(...newest.map((e) => e.id));
    return (await t.api.get<{ items: unknown[] }>(`/registration-events?beforeId=${before}&limit=1000`)).body
      .items.length;
  };
  expect(await olderThanNewest1000()).toBe(200);
  await t.api.patch('/admin-settings', { registrationEventMaxRows: 1000 });
  await eventually(async () => (await olderThanNewest1000()) === 0);
  const names = await eventNames();
  expect(names[0]).toBe('SEP000000001199');
  expect(names[999]).toBe('SEP000000000200');
});

it('deletes what is past retention when the node starts', async () => {
  await t.node.store.events.insertMany([
    event('SEP000000000040', daysAgo(40)),
    event('SEP000000000001', daysAgo(1)),
  ]);
  await t.stop();
  t = await startTestNode({ database: t.database });
  await eventually(async () => (await eventNames()).length === 1);
  expect(await eventNames()).toEqual(['SEP000000000001']);
});

it('deletes the call detail records of calls begun before the CDR retention at once when it is changed', async () => {
  const secondsAgo = (days: number) => Math.floor((Date.now() - days * DAY) / 1000);
  await t.node.store.cdrs.insertMany([
    // 25 days: inside the default 30, so the run at the node's start (which a loaded machine may
    // make late, after this insert) keeps it; outside the 20 set below.
    { node: 'cm1', cdr: cdr(1, 0, { dateTimeOrigination: secondsAgo(25) }) },
    { node: 'cm1', cdr: cdr(2, 0, { dateTimeOrigination: secondsAgo(10) }) },
  ]);
  const callIds = async () =>
    (await t.api.get<{ items: { globalCallID_callId: number }[] }>('/call-detail-records')).body.items.map(
      (r) => r.globalCallID_callId,
    );
  // Both are kept until the next run: it follows a change of the setting at once.
  expect(await callIds()).toEqual([2, 1]);
  expect((await t.api.patch('/admin-settings', { cdrRetentionDays: 20 })).status).toBe(200);
  await eventually(async () => (await callIds()).length === 1);
  expect(await callIds()).toEqual([2]);
});
