/** System > Cisco Unified CM Group and System > Device Pool through the REST API (issue #16). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

interface ErrorBody {
  error: string;
  field?: string;
  message: string;
}
interface GroupBody {
  name: string;
  description: string;
  members: string[];
  autoRegistration: boolean;
}
interface PoolBody {
  name: string;
  cmGroup: string;
  devices: number;
}
interface AuditBody {
  items: { action: string; summary: string; changes: { field: string; old: unknown; new: unknown }[] }[];
}

let t: TestNode;
const node = () => t.node.config.nodeName;

beforeAll(async () => {
  t = await startTestNode();
  for (const name of ['cm2', 'cm3', 'cm4'])
    await t.node.store.nodes.ensure(name, { enabled: false, startingDn: '1', endingDn: '2' }, new Date());
});
afterAll(async () => {
  await t.destroy();
});

describe('Cisco Unified CM Groups', () => {
  it('starts with the Default auto-registration group holding the first three nodes', async () => {
    const { body } = await t.api.get<GroupBody[]>('/cm-groups');
    expect(body).toEqual([
      {
        name: 'Default',
        description: 'Created with the cluster',
        members: [node(), 'cm2', 'cm3'],
        autoRegistration: true,
      },
    ]);
  });

  it('creates, changes and deletes a group, audited with old and new members', async () => {
    const created = await t.api.post<GroupBody>('/cm-groups', { name: 'G-East', members: ['cm3', node()] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      name: 'G-East',
      description: '',
      members: ['cm3', node()],
      autoRegistration: false,
    });
    expect((await t.api.post<ErrorBody>('/cm-groups', { name: 'G-East', members: ['cm2'] })).status).toBe(
      409,
    );
    const patched = await t.api.patch<GroupBody>('/cm-groups/G-East', { members: ['cm2', 'cm3', 'cm4'] });
    expect(patched.body.members).toEqual(['cm2', 'cm3', 'cm4']);
    expect((await t.api.get<GroupBody>('/cm-groups/G-East')).body.members).toEqual(['cm2', 'cm3', 'cm4']);
    expect((await t.api.delete('/cm-groups/G-East')).status).toBe(204);
    expect((await t.api.get('/cm-groups/G-East')).status).toBe(404);
    const audit = await t.api.get<AuditBody>('/audit-log?target=cm-group&targetName=G-East');
    expect(audit.body.items.map((e) => e.action)).toEqual(['delete', 'update', 'create']);
    expect(audit.body.items[1].changes).toEqual([
      { field: 'members', old: `cm3, ${node()}`, new: 'cm2, cm3, cm4' },
    ]);
  });

  it('refuses four members, a node twice, an unknown node and a long name with {error, field, message}', async () => {
    const cases: [unknown, string, string][] = [
      [{ name: 'G', members: [node(), 'cm2', 'cm3', 'cm4'] }, 'members', 'at most 3'],
      [{ name: 'G', members: ['cm2', 'cm2'] }, 'members.1', 'twice'],
      [{ name: 'G', members: ['nowhere'] }, 'members.0', 'not a node of this cluster'],
      [{ name: 'G'.repeat(51), members: ['cm2'] }, 'name', 'at most 50'],
      [{ name: '', members: ['cm2'] }, 'name', 'needs a name'],
    ];
    for (const [body, field, message] of cases) {
      const refused = await t.api.post<ErrorBody>('/cm-groups', body);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        error: 'validation',
        field,
        message: expect.stringContaining(message),
      });
    }
    expect((await t.api.get<GroupBody[]>('/cm-groups')).body.map((g) => g.name)).toEqual(['Default']);
  });

  it('moves the auto-registration flag, never leaves none, and refuses to delete Default', async () => {
    await t.api.post('/cm-groups', { name: 'G-Auto', members: ['cm2'], autoRegistration: true });
    const groups = (await t.api.get<GroupBody[]>('/cm-groups')).body;
    expect(groups.filter((g) => g.autoRegistration).map((g) => g.name)).toEqual(['G-Auto']);
    const off = await t.api.patch<ErrorBody>('/cm-groups/G-Auto', { autoRegistration: false });
    expect(off.status).toBe(400);
    expect(off.body.field).toBe('autoRegistration');
    expect((await t.api.patch('/cm-groups/Default', { autoRegistration: true })).status).toBe(200);
    expect((await t.api.delete('/cm-groups/G-Auto')).status).toBe(204);
    const refused = await t.api.delete<ErrorBody>('/cm-groups/Default');
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('cannot be deleted');
  });
});

describe('Device Pools', () => {
  it('refuses to delete a group pools use, naming them, and a pool phones use, counting them', async () => {
    await t.api.post('/cm-groups', { name: 'G-West', members: ['cm4'] });
    expect((await t.api.post<PoolBody>('/device-pools', { name: 'West', cmGroup: 'G-West' })).body).toEqual({
      name: 'West',
      description: '',
      cmGroup: 'G-West',
      devices: 0,
    });
    const unknown = await t.api.post<ErrorBody>('/device-pools', { name: 'X', cmGroup: 'nope' });
    expect(unknown.body).toMatchObject({ error: 'validation', field: 'cmGroup' });
    const group = await t.api.delete<ErrorBody>('/cm-groups/G-West');
    expect(group.status).toBe(400);
    expect(group.body.message).toContain('used by device pool West');

    for (const [i, mac] of ['000000000A01', '000000000A02'].entries()) {
      const added = await t.api.post('/phones', {
        name: `SEP${mac}`,
        model: '7960',
        protocol: 'SCCP',
        lines: [{ index: 1, dn: `880${i}` }],
        devicePool: 'West',
      });
      expect(added.status).toBe(201);
    }
    const pool = await t.api.delete<ErrorBody>('/device-pools/West');
    expect(pool.status).toBe(400);
    expect(pool.body.message).toContain('used by 2 phones');
    const filtered = await t.api.get<{ items: { name: string }[]; total: number }>('/phones?devicePool=West');
    expect(filtered.body.items.map((p) => p.name)).toEqual(['SEP000000000A01', 'SEP000000000A02']);

    const moved = await t.api.patch<{ devicePool: string }>('/phones/SEP000000000A01', {
      devicePool: 'Default',
    });
    expect(moved.body.devicePool).toBe('Default');
    const bad = await t.api.patch<ErrorBody>('/phones/SEP000000000A02', { devicePool: 'Nowhere' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      field: 'devicePool',
      message: expect.stringContaining('does not exist'),
    });
    expect((await t.api.delete('/phones/SEP000000000A02')).status).toBe(204);
    expect((await t.api.delete('/device-pools/West')).status).toBe(204);
    expect((await t.api.delete('/cm-groups/G-West')).status).toBe(204);
    const refused = await t.api.delete<ErrorBody>('/device-pools/Default');
    expect(refused.body.message).toContain('cannot be deleted');
  });

  it('gives auto-registered phones the node’s pool, refusing a pool that does not exist', async () => {
    await t.api.post('/cm-groups', { name: 'G-Lobby', members: [node()] });
    await t.api.post('/device-pools', { name: 'Lobby', cmGroup: 'G-Lobby' });
    const bad = await t.api.patch<ErrorBody>(`/nodes/${node()}`, { autoRegistrationPool: 'Nowhere' });
    expect(bad.body).toMatchObject({ error: 'validation', field: 'autoRegistrationPool' });
    const set = await t.api.patch<{ autoRegistrationPool: string }>(`/nodes/${node()}`, {
      autoRegistrationPool: 'Lobby',
    });
    expect(set.body.autoRegistrationPool).toBe('Lobby');
    const inUse = await t.api.delete<ErrorBody>('/device-pools/Lobby');
    expect(inUse.body.message).toContain(`auto-registration pool of ${node()}`);
    const s = new SccpStation({ deviceName: 'SEP00CE0000AA01', deviceType: 8 });
    await s.connect('127.0.0.1', t.node.ports.sccp);
    await s.register();
    s.destroy();
    const phone = await t.api.get<{ devicePool: string }>('/phones/SEP00CE0000AA01');
    expect(phone.body.devicePool).toBe('Lobby');
    await t.api.patch(`/nodes/${node()}`, { autoRegistrationPool: 'Default' });
  });
});

describe('the Device Pool column of the phone CSV', () => {
  const importCsv = async (csv: string) => {
    const auth = `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`;
    const r = await fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1/phones/import`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'text/csv', accept: 'application/json' },
      body: csv,
    });
    return {
      status: r.status,
      body: (await r.json()) as { errors: { line: number; column: string; message: string }[] },
    };
  };

  it('sets the pool, refuses one that does not exist, and leaves an empty cell unchanged', async () => {
    await t.api.post('/cm-groups', { name: 'G-Csv', members: ['cm2'] });
    await t.api.post('/device-pools', { name: 'Csv', cmGroup: 'G-Csv' });
    const refused = await importCsv(
      'Device Name,Model,Protocol,Device Pool,Line 1\nSEP000000000C01,7960,SCCP,Nowhere,8901\n',
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { line: 2, column: 'Device Pool', message: expect.stringContaining('"Nowhere" does not exist') },
    ]);
    expect(
      (await importCsv('Device Name,Model,Protocol,Device Pool\nSEP000000000C01,7960,SCCP,Csv\n')).status,
    ).toBe(200);
    expect((await t.api.get<{ devicePool: string }>('/phones/SEP000000000C01')).body.devicePool).toBe('Csv');
    await importCsv('Device Name,Model,Protocol,Device Pool,Description\nSEP000000000C01,7960,SCCP,,again\n');
    const phone = (await t.api.get<{ devicePool: string; description: string }>('/phones/SEP000000000C01'))
      .body;
    expect(phone).toMatchObject({ devicePool: 'Csv', description: 'again' });
  });
});
