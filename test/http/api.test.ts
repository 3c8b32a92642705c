import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { apiClient, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

interface ErrorBody {
  error: string;
  field?: string;
  message: string;
}
interface NodeBody {
  name: string;
  autoRegistration: { enabled: boolean; startingDn: string; endingDn: string; used: number; summary: string };
}

let t: TestNode;
const stations: SccpStation[] = [];

beforeAll(async () => {
  t = await startTestNode();
  await t.node.store.nodes.ensure('cm2', { enabled: true, startingDn: '5000', endingDn: '5999' }, new Date());
  for (let i = 0; i < 3; i++) {
    const s = new SccpStation({ deviceName: `SEP00DD0000000${i}`, deviceType: i === 2 ? 7 : 8 });
    await s.connect('127.0.0.1', t.node.ports.sccp);
    await s.register();
    stations.push(s);
  }
});

afterAll(async () => {
  for (const s of stations) s.destroy();
  await t.destroy();
});

describe('authentication', () => {
  it('asks for Basic credentials and refuses wrong ones', async () => {
    const anonymous = await fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1/phones`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
    const wrong = await apiClient(t.node.ports.http, 'CCMAdministrator', 'nope').get<ErrorBody>('/phones');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('unauthorized');
  });

  it('serves health without credentials and the OpenAPI document', async () => {
    const health = await fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1/health`);
    expect(await health.json()).toEqual({ status: 'ok', node: 'cm1' });
    const doc = (await (await fetch(`http://127.0.0.1:${t.node.ports.http}/api/docs/json`)).json()) as {
      paths: Record<string, unknown>;
    };
    for (const path of [
      '/api/v1/enterprise-parameters',
      '/api/v1/nodes/{name}',
      '/api/v1/phones',
      '/api/v1/registration-events',
      '/api/v1/call-detail-records',
      '/api/v1/call-detail-records.csv',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });
});

describe('nodes', () => {
  it('says plainly that auto-registration is on, with the range and how many DNs are used', async () => {
    const { body } = await t.api.get<NodeBody[]>('/nodes');
    const cm1 = body.find((n) => n.name === 'cm1');
    expect(cm1?.autoRegistration).toMatchObject({
      enabled: true,
      startingDn: '1000',
      endingDn: '1999',
      used: 3,
    });
    expect(cm1?.autoRegistration.summary).toBe('Auto-registration is ON for cm1: DNs 1000–1999, 3 used');
  });

  const refused = async (autoRegistration: object) => {
    const r = await t.api.patch<ErrorBody>('/nodes/cm1', { autoRegistration });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('validation');
    return r.body;
  };

  it('refuses a starting DN with a leading zero, saying why, and changes nothing', async () => {
    const body = await refused({ startingDn: '0100', endingDn: '0199' });
    expect(body.field).toBe('startingDn');
    expect(body.message).toContain('starts with 0');
    expect(body.message).toContain('CUCM strips it silently');
    expect((await t.api.get<NodeBody>('/nodes/cm1')).body.autoRegistration.startingDn).toBe('1000');
  });

  it('refuses non-digits, start > end, overlap with another node (409), and dropping assigned DNs', async () => {
    expect((await refused({ endingDn: '19a9' })).field).toBe('endingDn');
    expect((await refused({ startingDn: '1500', endingDn: '1400' })).message).toContain('lower than');
    // An overlap clashes with another node's current range: a conflict, not a malformed value.
    const overlap = await t.api.patch<ErrorBody>('/nodes/cm1', {
      autoRegistration: { startingDn: '1000', endingDn: '5500' },
    });
    expect(overlap.status).toBe(409);
    expect(overlap.body).toMatchObject({ error: 'conflict', field: 'startingDn' });
    expect(overlap.body.message).toContain("overlaps node cm2's range");
    const dropping = await refused({ startingDn: '1001', endingDn: '1999' });
    expect(dropping.field).toBe('startingDn');
    expect(dropping.message).toContain('1000');
  });

  it('refuses unknown fields and wrong types naming the field; 404 for an unknown node', async () => {
    expect((await refused({ startingDN: '2000' })).message).toContain('startingDN');
    expect((await refused({ enabled: 'yes' })).field).toBe('autoRegistration.enabled');
    expect(
      (await t.api.patch<ErrorBody>('/nodes/cm9', { autoRegistration: { enabled: false } })).status,
    ).toBe(404);
  });

  it('widens the range and switches auto-registration off and on', async () => {
    const r = await t.api.patch<NodeBody>('/nodes/cm1', {
      autoRegistration: { endingDn: '2999', enabled: false },
    });
    expect(r.status).toBe(200);
    expect(r.body.autoRegistration.summary).toBe(
      'Auto-registration is OFF for cm1 (range DNs 1000–2999, 3 used)',
    );
    await t.api.patch('/nodes/cm1', { autoRegistration: { enabled: true, endingDn: '1999' } });
  });
});

describe('enterprise parameters', () => {
  it('refuses a protocol that does not exist, naming the field', async () => {
    const r = await t.api.patch<ErrorBody>('/enterprise-parameters', {
      autoRegistrationPhoneProtocol: 'H323',
    });
    expect(r.status).toBe(400);
    expect(r.body.field).toBe('autoRegistrationPhoneProtocol');
    expect((await t.api.get('/enterprise-parameters')).body).toEqual({
      autoRegistrationPhoneProtocol: 'SCCP',
      sipDevicesWithoutCredentials: 'allowed',
    });
  });
});

describe('phones and directory numbers', () => {
  it('filters, sorts and pages the phone list', async () => {
    const page = await t.api.get<{ items: { name: string }[]; total: number }>(
      '/phones?model=7940&pageSize=1&page=2',
    );
    expect(page.body.total).toBe(2);
    expect(page.body.items.map((p) => p.name)).toEqual(['SEP00DD00000001']);
    const byDn = await t.api.get<{ items: { name: string }[] }>('/phones?dn=1002');
    expect(byDn.body.items.map((p) => p.name)).toEqual(['SEP00DD00000002']);
    const sorted = await t.api.get<{ items: { name: string }[] }>('/phones?sort=model&order=asc');
    expect(sorted.body.items[0].name).toBe('SEP00DD00000000');
    const bad = await t.api.get<ErrorBody>('/phones?status=sleeping');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('status');
    expect((await t.api.get<ErrorBody>('/phones/SEP00DD0000FFFF')).status).toBe(404);
  });

  it('lists directory numbers with the device holding each', async () => {
    const { body } = await t.api.get<{ items: { dn: string; deviceName: string }[]; total: number }>(
      '/directory-numbers',
    );
    expect(body.total).toBe(3);
    expect(body.items[0]).toMatchObject({ dn: '1000', deviceName: 'SEP00DD00000000' });
  });
});
