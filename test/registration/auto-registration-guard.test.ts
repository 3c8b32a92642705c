/**
 * The auto-registration guard over real sockets: subnets, MAC OUIs, models, N new phones a minute
 * and the approval queue (Device > Pending Phones), for SCCP and SIP phones from several loopback
 * addresses; configured devices are never affected.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import type { RegisterOutcome as SccpOutcome } from '../../src/sim/sccp-station.js';
import { SipRegistration } from '../../src/sim/sip-registration.js';
import type { RegisterOutcome as SipOutcome } from '../../src/sim/sip-registration.js';
import { startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { metricsText, sample } from './support/metrics.js';

interface Event {
  deviceName: string;
  outcome: string;
  reason: string;
  message: string;
  remedy: string | null;
}
interface PendingPhone {
  deviceName: string;
  model: string;
  protocol: string;
  sourceIp: string;
  node: string;
  state: string;
  attempts: number;
  decidedBy: string | null;
}
interface Phone {
  name: string;
  status: string;
  lines: { index: number; dn: string }[];
}

const OPEN = {
  allowedSubnets: [] as string[],
  allowedOuis: [] as string[],
  allowedModels: [] as string[],
  newPhonesPerMinute: 0,
  approvalRequired: false,
};

let t: TestNode;

async function guard(changes: Partial<typeof OPEN>): Promise<void> {
  const answer = await t.api.patch('/nodes/cm1', { autoRegistrationGuard: { ...OPEN, ...changes } });
  expect(answer.status).toBe(200);
}

async function lastEvent(device: string): Promise<Event> {
  await t.node.statusWriter.flush();
  const { items } = (await t.api.get<{ items: Event[] }>(`/registration-events?device=${device}`)).body;
  return items[0];
}

async function pending(query = ''): Promise<PendingPhone[]> {
  return (await t.api.get<{ items: PendingPhone[] }>(`/pending-phones${query}`)).body.items;
}

/** One SCCP registration attempt of a phone (a new connection, as a phone retries). */
async function sccp(deviceName: string, deviceType = 8, localAddress = '127.0.0.1'): Promise<SccpOutcome> {
  const station = new SccpStation({ deviceName, deviceType });
  try {
    await station.connect('127.0.0.1', t.node.ports.sccp, localAddress);
    return await station.register();
  } finally {
    station.destroy();
  }
}

/** One SIP REGISTER of a 7940 with MAC `mac` from `localAddress`. */
async function sip(mac: string, localAddress = '127.0.0.1'): Promise<SipOutcome> {
  const phone = new SipRegistration({
    mac,
    modelEnum: 8,
    userAgent: 'Cisco-CP7940G/8.0',
    expires: 3600,
    localAddress,
  });
  await phone.open();
  try {
    return await phone.register(
      { index: 1, name: 'SEP' + mac.toUpperCase(), authName: 'SEP' + mac.toUpperCase() },
      { host: '127.0.0.1', port: t.node.ports.sip! },
    );
  } finally {
    phone.close();
  }
}

describe('SCCP phones', () => {
  beforeAll(async () => {
    t = await startTestNode();
  });
  afterAll(async () => {
    await t.destroy();
  });
  beforeEach(async () => {
    await guard(OPEN);
  });

  it('is open by default, and the dashboard says so', async () => {
    const { body } = await t.api.get<{ autoRegistration: { guard: string; guardOpen: boolean }[] }>(
      '/dashboard',
    );
    expect(body.autoRegistration[0]).toMatchObject({
      guard: 'Auto-registration guard is open on cm1: any subnet, any phone, no rate limit',
      guardOpen: true,
    });
    expect((await sccp('SEP00A000000001')).kind).toBe('registered');
  });

  it('refuses a new phone from outside the subnets with the rule and its remedy; one inside registers', async () => {
    await guard({ allowedSubnets: ['127.0.0.0/31'] });
    expect(await sccp('SEP00A100000001', 7, '127.0.0.2')).toEqual({
      kind: 'rejected',
      text: 'Subnet may not auto-register',
    });
    const refused = await lastEvent('SEP00A100000001');
    expect(refused).toMatchObject({ outcome: 'rejected', reason: 'auto-registration-subnet' });
    expect(refused.message).toBe(
      'SEP00A100000001 (7960) from 127.0.0.2 is not in the auto-registration subnets of cm1 (127.0.0.0/31)',
    );
    expect(refused.remedy).toContain('Add its subnet on System > Cisco Unified CM > cm1');
    expect((await t.api.get(`/phones/SEP00A100000001`)).status).toBe(404);

    expect((await sccp('SEP00A100000002', 7, '127.0.0.1')).kind).toBe('registered');
    const { body } = await t.api.get<{ autoRegistrationGuard: { summary: string } }>('/nodes/cm1');
    expect(body.autoRegistrationGuard.summary).toBe(
      'Auto-registration guard on cm1: subnets 127.0.0.0/31, any phone, no rate limit',
    );
  });

  it('never affects a configured device', async () => {
    await guard({ allowedSubnets: ['10.0.0.0/8'], allowedModels: ['7960'], approvalRequired: true });
    const added = await t.api.post('/phones', {
      name: 'SEP00A200000001',
      model: '7940',
      protocol: 'SCCP',
      description: 'Lobby',
      lines: [{ index: 1, dn: '5001' }],
    });
    expect(added.status).toBe(201);
    expect((await sccp('SEP00A200000001', 8, '127.0.0.2')).kind).toBe('registered');
  });

  it('admits only the MAC OUIs and models allowed', async () => {
    await guard({ allowedOuis: ['00A301'] });
    expect(await sccp('SEP00A302000001')).toEqual({ kind: 'rejected', text: 'MAC vendor may not auto-reg' });
    expect((await lastEvent('SEP00A302000001')).message).toContain('OUI) 00A302, which is not among');
    expect((await sccp('SEP00A301000001')).kind).toBe('registered');

    await guard({ allowedModels: ['7960'] });
    expect(await sccp('SEP00A303000001', 8)).toEqual({
      kind: 'rejected',
      text: 'Model may not auto-register',
    });
    expect((await lastEvent('SEP00A303000001')).message).toBe(
      'SEP00A303000001 (7940) from 127.0.0.1 is a model that may not auto-register on cm1 (allowed: 7960)',
    );
    expect((await sccp('SEP00A303000002', 7)).kind).toBe('registered');
  });

  it('auto-registers N new phones a minute and tells the next one to retry later', async () => {
    await guard({ newPhonesPerMinute: 2 });
    expect((await sccp('SEP00A400000001')).kind).toBe('registered');
    expect((await sccp('SEP00A400000002')).kind).toBe('registered');
    expect(await sccp('SEP00A400000003')).toEqual({ kind: 'rejected', text: 'Too many new phones, retry' });
    const refused = await lastEvent('SEP00A400000003');
    expect(refused.reason).toBe('auto-registration-rate');
    expect(refused.message).toContain('cm1 has auto-registered its limit of 2 new phones in the last minute');
    // A phone registered already is a configured device now: the rate does not touch it.
    expect((await sccp('SEP00A400000001')).kind).toBe('registered');
    const logged = t.logs.filter((l) => String(l.msg).includes('further new phones'));
    expect(logged).toHaveLength(1);
    expect(await sccp('SEP00A400000004')).toMatchObject({ kind: 'rejected' });
    expect(t.logs.filter((l) => String(l.msg).includes('further new phones'))).toHaveLength(1);
    expect(
      sample(
        await metricsText(t.node.ports.http),
        'openucm_registration_attempts_total{protocol="SCCP",outcome="rejected",reason="auto-registration-rate"}',
      ),
    ).toBe(2);
  });

  it('holds a new phone for approval; accepted, it registers at its next attempt with a DN', async () => {
    await guard({ approvalRequired: true });
    const name = 'SEP00A500000001';
    expect(await sccp(name, 7, '127.0.0.3')).toEqual({ kind: 'rejected', text: 'Waiting for approval' });
    expect((await lastEvent(name)).reason).toBe('awaiting-approval');
    expect(await sccp(name, 7, '127.0.0.3')).toEqual({ kind: 'rejected', text: 'Waiting for approval' });
    const [waiting] = await pending(`?name=${name}`);
    expect(waiting).toMatchObject({
      deviceName: name,
      model: '7960',
      protocol: 'SCCP',
      sourceIp: '127.0.0.3',
      node: 'cm1',
      state: 'pending',
      attempts: 2,
    });
    const { body: dashboard } = await t.api.get<{ pendingPhones: { summary: string } }>('/dashboard');
    expect(dashboard.pendingPhones.summary).toBe('1 phone waits for approval');

    const accepted = await t.api.post<PendingPhone>(`/pending-phones/${name}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ state: 'accepted', decidedBy: 'CCMAdministrator' });
    expect((await sccp(name, 7, '127.0.0.3')).kind).toBe('registered');
    const phone = (await t.api.get<Phone>(`/phones/${name}`)).body;
    expect(phone.lines[0].dn).toMatch(/^1\d{3}$/);
    expect(await pending(`?name=${name}`)).toEqual([]);
    expect(await pending(`?state=accepted&name=${name}`)).toEqual([]);
    const { body: audit } = await t.api.get<{ items: { action: string; targetName: string }[] }>(
      `/audit-log?target=pending-phone&targetName=${name}`,
    );
    expect(audit.items.map((a) => a.action)).toContain('accept');
  });

  it('a refused phone stays refused until it is removed from the queue', async () => {
    await guard({ approvalRequired: true });
    const name = 'SEP00A600000001';
    expect((await sccp(name)).kind).toBe('rejected');
    expect((await t.api.post(`/pending-phones/${name}/refuse`)).status).toBe(200);
    expect(await sccp(name)).toEqual({ kind: 'rejected', text: 'Refused by administrator' });
    expect(await sccp(name)).toEqual({ kind: 'rejected', text: 'Refused by administrator' });
    expect(await pending(`?state=refused&name=${name}`)).toMatchObject([{ state: 'refused' }]);
    expect((await t.api.delete(`/pending-phones/${name}`)).status).toBe(204);
    expect(await sccp(name)).toEqual({ kind: 'rejected', text: 'Waiting for approval' });
    expect((await t.api.post('/pending-phones/SEP00A6000000FF/accept')).status).toBe(404);
  });

  it('refuses a guard value with the field and the rule', async () => {
    const bad = await t.api.patch<{ field: string; message: string }>('/nodes/cm1', {
      autoRegistrationGuard: { allowedSubnets: ['10.1.2.0/33'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('autoRegistrationGuard.allowedSubnets');
    expect(bad.body.message).toContain('the prefix length of an IPv4 subnet is 0–32');
    const oui = await t.api.patch<{ field: string; message: string }>('/nodes/cm1', {
      autoRegistrationGuard: { allowedOuis: ['00-1B-D4'] },
    });
    expect(oui.body).toMatchObject({ field: 'autoRegistrationGuard.allowedOuis' });
    const model = await t.api.patch<{ field: string; message: string }>('/nodes/cm1', {
      autoRegistrationGuard: { allowedModels: ['9999'] },
    });
    expect(model.body.message).toContain('"9999" is not a phone model openucm knows');
  });
});

describe('SIP phones', () => {
  beforeAll(async () => {
    t = await startTestNode();
    await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
  });
  afterAll(async () => {
    await t.destroy();
  });
  beforeEach(async () => {
    await guard(OPEN);
  });

  it('refuses a new phone from outside the subnets with 403 and the rule', async () => {
    await guard({ allowedSubnets: ['127.0.0.1/32', '2001:db8::/32'] });
    const refused = await sip('00b100000001', '127.0.0.2');
    expect(refused).toMatchObject({ kind: 'rejected', status: 403 });
    const event = await lastEvent('SEP00B100000001');
    expect(event.reason).toBe('auto-registration-subnet');
    expect(event.message).toContain('from 127.0.0.2 is not in the auto-registration subnets of cm1');
    expect((await sip('00b100000002', '127.0.0.1')).kind).toBe('registered');
  });

  it('tells the phone over the rate to retry later (503)', async () => {
    await guard({ newPhonesPerMinute: 1 });
    expect((await sip('00b200000001')).kind).toBe('registered');
    expect(await sip('00b200000002')).toMatchObject({ kind: 'rejected', status: 503 });
    expect((await lastEvent('SEP00B200000002')).reason).toBe('auto-registration-rate');
  });

  it('holds a new phone for approval (480); accepted, it registers at its next REGISTER', async () => {
    await guard({ approvalRequired: true });
    expect(await sip('00b300000001', '127.0.0.4')).toMatchObject({ kind: 'rejected', status: 480 });
    expect(await pending('?name=SEP00B300000001')).toMatchObject([
      { protocol: 'SIP', model: '7940', sourceIp: '127.0.0.4', state: 'pending' },
    ]);
    expect((await t.api.post('/pending-phones/SEP00B300000001/accept')).status).toBe(200);
    expect((await sip('00b300000001', '127.0.0.4')).kind).toBe('registered');
    expect((await t.api.get<Phone>('/phones/SEP00B300000001')).body.lines).toHaveLength(1);

    expect((await sip('00b300000002')).kind).toBe('rejected');
    expect((await t.api.post('/pending-phones/SEP00B300000002/refuse')).status).toBe(200);
    expect(await sip('00b300000002')).toMatchObject({ kind: 'rejected', status: 403 });
    expect((await lastEvent('SEP00B300000002')).reason).toBe('approval-refused');
  });
});

describe('the approval queue is bounded', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode({ config: { autoRegistrationMaxPendingPhones: 1 } });
    t = node;
    await guard({ approvalRequired: true });
  });
  afterAll(async () => {
    await node.destroy();
  });

  it('refuses a new phone when the queue is full, with a limit log line and metric', async () => {
    expect(await sccp('SEP00C100000001')).toEqual({ kind: 'rejected', text: 'Waiting for approval' });
    expect(await sccp('SEP00C100000002')).toEqual({ kind: 'rejected', text: 'Approval queue full' });
    expect((await lastEvent('SEP00C100000002')).message).toContain(
      'the queue on Device > Pending Phones is full (1 waiting)',
    );
    expect(await pending()).toHaveLength(1);
    expect(
      sample(
        await metricsText(t.node.ports.http),
        'openucm_limit_refusals_total{limit="autoRegistrationMaxPendingPhones"}',
      ),
    ).toBe(1);
    expect(t.logs.some((l) => l.limit === 'autoRegistrationMaxPendingPhones')).toBe(true);
  });
});
