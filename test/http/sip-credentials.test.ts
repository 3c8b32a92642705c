/**
 * PUT/GET/DELETE /api/v1/phones/{name}/sip-credentials over a real socket: the digest user defaults
 * to the device name, the password never comes back (answers, audit log, database), every refusal
 * names its field and rule, and a digest user belongs to one device.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { credentialHashes } from '../../src/core/sip-credential.js';
import { startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

interface Summary {
  deviceName: string;
  configured: boolean;
  username: string | null;
  defaultUsername: string;
  passwordInConfigFiles: boolean;
  problem: string | null;
  message?: string;
}
interface ErrorBody {
  error: string;
  field?: string;
  message: string;
}

let t: TestNode;
const PASSWORD = 'Tr0ub4dor&3-staple';

beforeAll(async () => {
  t = await startTestNode();
  for (const [name, dn] of [
    ['SEP00AA00000001', '3001'],
    ['SEP00AA00000002', '3002'],
  ]) {
    const r = await t.api.post('/phones', {
      name,
      model: '7961',
      protocol: 'SIP',
      description: 'digest phone',
      lines: [{ index: 1, dn }],
    });
    expect(r.status).toBe(201);
  }
});

afterAll(async () => {
  await t.destroy();
});

const path = (name: string) => `/phones/${name}/sip-credentials`;

it('sets a password with the device name as digest user, and never answers with the password', async () => {
  const before = await t.api.get<Summary>(path('SEP00AA00000001'));
  expect(before.body).toMatchObject({
    configured: false,
    username: null,
    defaultUsername: 'SEP00AA00000001',
  });
  const put = await t.api.put<Summary>(path('SEP00AA00000001'), { password: PASSWORD });
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({
    configured: true,
    username: 'SEP00AA00000001',
    passwordInConfigFiles: true,
    problem: null,
  });
  expect(put.body.message).toContain('loads them from its configuration file');
  expect(JSON.stringify(put.body)).not.toContain(PASSWORD);
  const read = await t.api.get<Summary>(path('SEP00AA00000001'));
  expect(read.body).toMatchObject({ configured: true, username: 'SEP00AA00000001' });
  expect(JSON.stringify(read.body)).not.toContain(PASSWORD);
  // The phone list and the phone itself say nothing of it either.
  expect(JSON.stringify((await t.api.get('/phones/SEP00AA00000001')).body)).not.toContain(PASSWORD);
});

it('keeps only HA1 values and a sealed password in the database', async () => {
  const stored = await t.node.store.credentials.byDevice('SEP00AA00000001');
  expect(stored).toMatchObject({
    username: 'SEP00AA00000001',
    realm: 'ccmsipline',
    ...credentialHashes('SEP00AA00000001', 'ccmsipline', PASSWORD),
  });
  expect(stored?.passwordSealed).toMatch(/^v1:[0-9a-f]{8}:/);
  expect(stored?.passwordSealed).not.toContain(PASSWORD);
  expect(Buffer.from(stored!.passwordSealed!.split(':')[2], 'base64url').toString('latin1')).not.toContain(
    PASSWORD,
  );
});

it('audits the change with the digest user and without the password', async () => {
  await t.api.put(path('SEP00AA00000001'), { username: '3001', password: `${PASSWORD}!` });
  const audit = await t.api.get<{ items: { action: string; targetName: string; summary: string }[] }>(
    '/audit-log?target=phone-sip-credentials',
  );
  expect(audit.body.items.map((e) => e.action)).toEqual(['update', 'create']);
  expect(audit.body.items[0].summary).toContain('username SEP00AA00000001 → 3001');
  expect(audit.body.items[0].summary).toContain('password (hidden) → (hidden)');
  expect(JSON.stringify(audit.body)).not.toContain(PASSWORD);
});

it('refuses what breaks a rule, naming the field and the rule, and keeps what was set', async () => {
  const short = await t.api.put<ErrorBody>(path('SEP00AA00000002'), { password: 'abc123' });
  expect(short.status).toBe(400);
  expect(short.body).toMatchObject({ error: 'validation', field: 'password' });
  expect(short.body.message).toContain('8 to 64');
  expect(short.body.message).not.toContain('abc123');
  const quote = await t.api.put<ErrorBody>(path('SEP00AA00000002'), { password: 'quote"inside' });
  expect(quote.body).toMatchObject({ field: 'password' });
  const user = await t.api.put<ErrorBody>(path('SEP00AA00000002'), {
    username: 'john smith',
    password: PASSWORD,
  });
  expect(user.status).toBe(400);
  expect(user.body).toMatchObject({ field: 'username' });
  expect(user.body.message).toContain('letters, digits');
  const extra = await t.api.put<ErrorBody>(path('SEP00AA00000002'), { password: PASSWORD, realm: 'x' });
  expect(extra.status).toBe(400);
  expect((await t.api.get<Summary>(path('SEP00AA00000002'))).body.configured).toBe(false);
});

it('gives a digest user to one device only', async () => {
  const taken = await t.api.put<ErrorBody>(path('SEP00AA00000002'), { username: '3001', password: PASSWORD });
  expect(taken.status).toBe(409);
  expect(taken.body.message).toContain('digest user 3001 belongs to SEP00AA00000001');
  expect((await t.api.get<Summary>(path('SEP00AA00000002'))).body.configured).toBe(false);
});

it('answers 404 for a phone that does not exist, and removes credentials once', async () => {
  expect((await t.api.put(path('SEP00AA0000FFFF'), { password: PASSWORD })).status).toBe(404);
  const removed = await t.api.delete<Summary>(path('SEP00AA00000001'));
  expect(removed.status).toBe(200);
  expect(removed.body).toMatchObject({ configured: false, username: null });
  expect(await t.node.store.credentials.byDevice('SEP00AA00000001')).toBeNull();
  const again = await t.api.delete<ErrorBody>(path('SEP00AA00000001'));
  expect(again.status).toBe(404);
  expect(again.body.message).toContain('has no SIP credentials');
});
