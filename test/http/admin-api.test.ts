import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { ADMIN_PASSWORD, apiClient, eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { signIn } from './helpers/session-client.js';

interface ErrorBody {
  error: string;
  field?: string;
  message: string;
}
interface AuditBody {
  items: {
    user: string;
    via: string;
    action: string;
    target: string;
    targetName: string;
    summary: string;
    changes: { field: string; old: unknown; new: unknown }[];
  }[];
}
interface PhoneBody {
  name: string;
  description: string;
  lines: { index: number; dn: string }[];
  status: string;
}

let t: TestNode;
const stations: SccpStation[] = [];
const base = () => `http://127.0.0.1:${t.node.ports.http}`;

beforeAll(async () => {
  t = await startTestNode();
});
afterAll(async () => {
  for (const s of stations) s.destroy();
  await t.destroy();
});

describe('sign-in and session', () => {
  it('sets an HttpOnly SameSite=Strict cookie and returns the CSRF token', async () => {
    const r = await fetch(`${base()}/api/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'CCMAdministrator', password: ADMIN_PASSWORD }),
    });
    expect(r.status).toBe(200);
    const cookie = r.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^openucm_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const body = (await r.json()) as { user: { name: string; role: string }; csrfToken: string };
    expect(body.user).toEqual({ name: 'CCMAdministrator', role: 'admin' });
    expect(body.csrfToken.length).toBeGreaterThan(30);
  });

  it('refuses a change without the CSRF token, or from another origin, and accepts it with the token', async () => {
    const s = await signIn(t.node.ports.http, 'CCMAdministrator', ADMIN_PASSWORD);
    expect((await s.call('GET', '/me')).body).toMatchObject({
      user: { name: 'CCMAdministrator' },
      via: 'ui',
      csrfToken: s.csrfToken,
    });
    const noToken = await s.call<ErrorBody>(
      'PATCH',
      '/enterprise-parameters',
      { autoRegistrationPhoneProtocol: 'SCCP' },
      { csrf: false },
    );
    expect(noToken.status).toBe(403);
    expect(noToken.body.message).toContain('CSRF token');
    const wrongToken = await s.call<ErrorBody>(
      'PATCH',
      '/enterprise-parameters',
      {},
      { csrf: false, headers: { 'x-csrf-token': 'x'.repeat(43) } },
    );
    expect(wrongToken.status).toBe(403);
    const crossOrigin = await s.call<ErrorBody>(
      'PATCH',
      '/enterprise-parameters',
      {},
      { headers: { origin: 'http://evil.example' } },
    );
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.body.message).toContain('another origin');
    const crossSite = await s.call<ErrorBody>(
      'PATCH',
      '/enterprise-parameters',
      {},
      { headers: { 'sec-fetch-site': 'cross-site' } },
    );
    expect(crossSite.status).toBe(403);
    const ok = await s.call(
      'PATCH',
      '/enterprise-parameters',
      { autoRegistrationPhoneProtocol: 'SCCP' },
      { headers: { origin: base() } },
    );
    expect(ok.status).toBe(200);
  });

  it('ends the session on sign-out; the UI then gets a challenge that does not pop up a Basic box', async () => {
    const s = await signIn(t.node.ports.http, 'CCMAdministrator', ADMIN_PASSWORD);
    expect((await s.call('POST', '/logout')).status).toBe(204);
    const after = await s.call<ErrorBody>('GET', '/phones');
    expect(after.status).toBe(401);
    expect(after.body.message).toContain('session has ended');
    expect(after.headers.get('www-authenticate')).toContain('Bearer');
    const script = await fetch(`${base()}/api/v1/phones`);
    expect(script.headers.get('www-authenticate')).toContain('Basic');
  });

  it('locks a user out from the address of 5 failed sign-ins with a clear message, also for Basic, until an administrator unlocks it', async () => {
    await t.api.post('/users', { name: 'locky', role: 'read-only', password: 'locky-password' });
    const attempt = (password: string) =>
      fetch(`${base()}/api/v1/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'locky', password }),
      });
    const first = await attempt('wrong-1');
    expect(first.status).toBe(401);
    expect(((await first.json()) as ErrorBody).message).toContain(
      '4 more failures from your address lock locky out from it for 5 minutes',
    );
    for (let i = 2; i <= 4; i++) expect((await attempt(`wrong-${i}`)).status).toBe(401);
    const locked = await attempt('wrong-5');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(200);
    const body = (await locked.json()) as ErrorBody & { retryAt: string };
    expect(body.message).toContain(
      'too many failed sign-ins as locky from your address 127.0.0.1: locky is locked out from there until',
    );
    expect(body.message).toContain('User Management > Users');
    expect(Date.parse(body.retryAt) - Date.now()).toBeGreaterThan(200_000);
    expect((await attempt('locky-password')).status).toBe(429);
    expect((await apiClient(t.node.ports.http, 'locky', 'locky-password').get('/phones')).status).toBe(429);
    const users =
      await t.api.get<
        { name: string; lockedUntil: string | null; lockouts: { address: string; failures: number }[] }[]
      >('/users');
    const locky = users.body.find((u) => u.name === 'locky');
    expect(locky?.lockedUntil).toBe(body.retryAt);
    expect(locky?.lockouts).toEqual([{ address: '127.0.0.1', failures: 5, lockedUntil: body.retryAt }]);
    expect((await t.api.patch('/users/locky', { unlock: true })).status).toBe(200);
    expect((await attempt('locky-password')).status).toBe(200);
  });

  it('lets a user change their own password; other sessions end', async () => {
    await t.api.post('/users', { name: 'changer', role: 'read-only', password: 'first-password' });
    const a = await signIn(t.node.ports.http, 'changer', 'first-password');
    const b = await signIn(t.node.ports.http, 'changer', 'first-password');
    const wrong = await a.call<ErrorBody>('PUT', '/me/password', {
      currentPassword: 'nope-nope',
      newPassword: 'second-password',
    });
    expect(wrong.body).toMatchObject({ error: 'validation', field: 'currentPassword' });
    const short = await a.call<ErrorBody>('PUT', '/me/password', {
      currentPassword: 'first-password',
      newPassword: 'short',
    });
    expect(short.body.field).toBe('newPassword');
    expect(
      (
        await a.call('PUT', '/me/password', {
          currentPassword: 'first-password',
          newPassword: 'second-password',
        })
      ).status,
    ).toBe(204);
    expect((await a.call('GET', '/me')).status).toBe(200);
    expect((await b.call('GET', '/me')).status).toBe(401);
    await signIn(t.node.ports.http, 'changer', 'second-password');
  });
});

describe('roles, users and API keys', () => {
  it('lets a read-only user see everything and change nothing', async () => {
    expect(
      (await t.api.post('/users', { name: 'viewer', role: 'read-only', password: 'viewer-password' })).status,
    ).toBe(201);
    const s = await signIn(t.node.ports.http, 'viewer', 'viewer-password');
    for (const path of [
      '/phones',
      '/nodes',
      '/enterprise-parameters',
      '/dashboard',
      '/audit-log',
      '/users',
      '/registration-events',
    ])
      expect((await s.call('GET', path)).status, path).toBe(200);
    const refused = await s.call<ErrorBody>('PATCH', '/nodes/cm1', { autoRegistration: { enabled: false } });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('user viewer is read-only and cannot change anything');
    expect(
      (await s.call('POST', '/users', { name: 'x1', role: 'admin', password: 'xxxxxxxxxx' })).status,
    ).toBe(403);
    const basic = apiClient(t.node.ports.http, 'viewer', 'viewer-password');
    expect((await basic.post('/phones/SEP000000000001/reset')).status).toBe(403);
  });

  it('validates users and keeps the last administrator', async () => {
    const bad = await t.api.post<ErrorBody>('/users', {
      name: 'bad name',
      role: 'admin',
      password: 'long-enough',
    });
    expect(bad.body).toMatchObject({ error: 'validation', field: 'name' });
    expect(
      (await t.api.post<ErrorBody>('/users', { name: 'viewer', role: 'admin', password: 'long-enough' }))
        .status,
    ).toBe(409);
    const demote = await t.api.patch<ErrorBody>('/users/CCMAdministrator', { role: 'read-only' });
    expect(demote.body.message).toContain('last administrator');
    expect((await t.api.delete<ErrorBody>('/users/CCMAdministrator')).body.message).toContain(
      'cannot delete the user you are signed in as',
    );
  });

  it('creates an API key shown once, accepts it as Bearer or X-API-Key, and refuses it once revoked', async () => {
    const created = await t.api.post<{ id: string; key: string; userName: string }>('/api-keys', {
      label: 'inventory script',
      user: 'viewer',
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^oucm_[0-9a-f]{16}\./);
    const bearer = await fetch(`${base()}/api/v1/me`, {
      headers: { authorization: `Bearer ${created.body.key}` },
    });
    expect((await bearer.json()) as { user: { name: string }; via: string }).toMatchObject({
      user: { name: 'viewer' },
      via: 'api-key',
    });
    const header = await fetch(`${base()}/api/v1/phones`, { headers: { 'x-api-key': created.body.key } });
    expect(header.status).toBe(200);
    const listed = await t.api.get<{ id: string; lastUsedAt: string | null }[]>('/api-keys');
    expect(listed.body.find((k) => k.id === created.body.id)?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key.split('.')[1]);
    expect((await t.api.delete(`/api-keys/${created.body.id}`)).status).toBe(204);
    const revoked = await fetch(`${base()}/api/v1/phones`, {
      headers: { authorization: `Bearer ${created.body.key}` },
    });
    expect(revoked.status).toBe(401);
  });
});

describe('phones by hand, free DNs, audit', () => {
  it('adds a phone with lines, shares a DN, changes lines, frees DNs, and refuses a protocol change', async () => {
    const add = await t.api.post<PhoneBody>('/phones', {
      name: 'SEP00AA00000001',
      model: '7940',
      protocol: 'SCCP',
      description: 'Lobby',
      lines: [
        { index: 1, dn: '0100' },
        { index: 2, dn: '7001' },
      ],
    });
    expect(add.status).toBe(201);
    expect(add.body).toMatchObject({
      description: 'Lobby',
      status: 'unregistered',
      lines: [
        { index: 1, dn: '0100' },
        { index: 2, dn: '7001' },
      ],
    });
    const shared = await t.api.post<PhoneBody>('/phones', {
      name: 'SEP00AA00000002',
      model: '7960',
      protocol: 'SIP',
      lines: [{ index: 1, dn: '7001' }],
    });
    expect(shared.status).toBe(201);
    expect((await t.api.get('/phones/SEP00AA00000002/shared-lines')).body).toEqual({
      '7001': ['SEP00AA00000001'],
    });
    expect(
      (await t.api.post<ErrorBody>('/phones', { name: 'SEP00AA00000001', model: '7940', protocol: 'SCCP' }))
        .status,
    ).toBe(409);
    const badLine = await t.api.post<ErrorBody>('/phones', {
      name: 'SEP00AA00000003',
      model: '7940',
      protocol: 'SCCP',
      lines: [{ index: 3, dn: '1' }],
    });
    expect(badLine.body).toMatchObject({ field: 'lines.0.index' });
    const lower = await t.api.post<ErrorBody>('/phones', {
      name: 'SEP00aa00000003',
      model: '7940',
      protocol: 'SCCP',
    });
    expect(lower.body.message).toContain('SEP00AA00000003');

    const patched = await t.api.patch<PhoneBody>('/phones/SEP00AA00000001', {
      description: 'Lobby left',
      lines: [{ index: 1, dn: '7002' }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ description: 'Lobby left', lines: [{ index: 1, dn: '7002' }] });
    const dns = await t.api.get<{ items: { dn: string; deviceName: string | null }[] }>(
      '/directory-numbers?pageSize=100',
    );
    const numbers = dns.body.items.map((d) => d.dn);
    expect(numbers).not.toContain('0100');
    expect(numbers).toContain('7001');
    const protocol = await t.api.patch<ErrorBody>('/phones/SEP00AA00000001', { protocol: 'SIP' });
    expect(protocol.body.field).toBe('protocol');
    expect(protocol.body.message).toContain('Migrate Phones');
    expect((await t.api.patch('/phones/SEP00AA00000001', { protocol: 'SCCP', model: '7940' })).status).toBe(
      200,
    );

    const audit = await t.api.get<AuditBody>('/audit-log?target=phone&targetName=SEP00AA00000001');
    expect(audit.body.items[0]).toMatchObject({ user: 'CCMAdministrator', via: 'basic', action: 'update' });
    expect(audit.body.items.find((e) => e.changes.some((c) => c.field === 'lines'))?.changes).toEqual(
      expect.arrayContaining([
        { field: 'description', old: 'Lobby', new: 'Lobby left' },
        { field: 'lines', old: '1:0100, 2:7001', new: '1:7002' },
      ]),
    );
    expect(audit.body.items.at(-1)).toMatchObject({ action: 'create' });
  });

  it('audits node, parameter and user changes with old and new values, and never a password', async () => {
    const s = await signIn(t.node.ports.http, 'CCMAdministrator', ADMIN_PASSWORD);
    await s.call('PATCH', '/nodes/cm1', { autoRegistration: { endingDn: '2999' } });
    await t.api.patch('/nodes/cm1', { autoRegistration: { endingDn: '1999' } });
    const { body } = await t.api.get<AuditBody>('/audit-log?target=node&limit=2');
    expect(body.items.map((e) => [e.via, e.summary])).toEqual([
      ['basic', 'update node cm1: autoRegistration.endingDn 2999 → 1999'],
      ['ui', 'update node cm1: autoRegistration.endingDn 1999 → 2999'],
    ]);
    await t.api.patch('/users/viewer', { password: 'viewer-password-2' });
    const user = await t.api.get<AuditBody>('/audit-log?target=user&targetName=viewer&limit=1');
    expect(user.body.items[0].changes).toEqual([{ field: 'password', old: null, new: '(hidden)' }]);
    expect(JSON.stringify(user.body)).not.toContain('viewer-password-2');
  });

  it('lists the free numbers of a node’s range', async () => {
    const station = new SccpStation({ deviceName: 'SEP00BB00000001', deviceType: 8 });
    stations.push(station);
    await station.connect('127.0.0.1', t.node.ports.sccp);
    expect((await station.register()).kind).toBe('registered');
    const { body } = await t.api.get<{ size: number; used: number; free: number; next: string[] }>(
      '/nodes/cm1/free-dns?limit=3',
    );
    expect(body).toMatchObject({ size: 1000, used: 1, free: 999, next: ['1001', '1002', '1003'] });
  });
});

describe('dashboard, live events and metrics', () => {
  it('counts per protocol and node, shows the auto-registration state and the last rejections', async () => {
    await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
    const rejected = new SccpStation({ deviceName: 'SEP00BB00000002', deviceType: 8 });
    stations.push(rejected);
    await rejected.connect('127.0.0.1', t.node.ports.sccp);
    expect((await rejected.register()).kind).toBe('rejected');
    await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SCCP' });
    const { body } = await t.api.get<{
      byProtocol: { protocol: string; registered: number }[];
      byNode: { node: string | null; registered: number }[];
      minutes: { accepted: number; rejected: number }[];
      autoRegistration: { summary: string; warning: string | null }[];
      lastRejections: { deviceName: string; remedy: string }[];
    }>('/dashboard');
    expect(body.byProtocol.find((p) => p.protocol === 'SCCP')?.registered).toBeGreaterThanOrEqual(1);
    expect(body.byNode.find((n) => n.node === 'cm1')?.registered).toBeGreaterThanOrEqual(1);
    expect(body.minutes).toHaveLength(60);
    expect(body.minutes.reduce((n, m) => n + m.rejected, 0)).toBeGreaterThanOrEqual(1);
    expect(body.autoRegistration[0].summary).toMatch(
      /^Auto-registration is ON for cm1: DNs 1000–1999, \d+ used$/,
    );
    expect(body.autoRegistration[0].warning).toBeNull();
    expect(body.lastRejections[0]).toMatchObject({ deviceName: 'SEP00BB00000002' });
    expect(body.lastRejections[0].remedy).toContain('Auto Registration Phone Protocol');
  });

  it('warns when auto-registration has been on longer than the configured days', async () => {
    const bad = await t.api.patch<ErrorBody>('/admin-settings', { autoRegistrationWarningDays: 0 });
    expect(bad.body.field).toBe('autoRegistrationWarningDays');
    await t.node.store.database.db
      .updateTable('nodes')
      .set({ auto_registration_changed_at: new Date(Date.now() - 9 * 86_400_000).toISOString() })
      .execute();
    const dash = await t.api.get<{ autoRegistration: { warning: string | null; onForDays: number }[] }>(
      '/dashboard',
    );
    expect(dash.body.autoRegistration[0].onForDays).toBe(9);
    expect(dash.body.autoRegistration[0].warning).toContain(
      'Auto-registration has been ON for cm1 for 9 days',
    );
    await t.api.patch('/admin-settings', { autoRegistrationWarningDays: 30 });
    expect(
      (await t.api.get<{ autoRegistration: { warning: string | null }[] }>('/dashboard')).body
        .autoRegistration[0].warning,
    ).toBeNull();
  });

  it('pushes registration events and status changes as server-sent events', async () => {
    const controller = new AbortController();
    const auth = `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`;
    const response = await fetch(`${base()}/api/v1/events`, {
      headers: { authorization: auth },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    const station = new SccpStation({ deviceName: 'SEP00BB00000003', deviceType: 8 });
    stations.push(station);
    await station.connect('127.0.0.1', t.node.ports.sccp);
    await station.register();
    await eventually(async () => {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      return text.includes('event: device-status') && text.includes('SEP00BB00000003');
    });
    expect(text).toContain('event: hello');
    expect(text).toMatch(/event: registration-event\ndata: \{.*"deviceName":"SEP00BB00000003"/);
    controller.abort();
  });

  it('serves Prometheus metrics to a signed-in client', async () => {
    expect((await fetch(`${base()}/metrics`)).status).toBe(401);
    const auth = `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`;
    const r = await fetch(`${base()}/metrics`, { headers: { authorization: auth } });
    expect(r.headers.get('content-type')).toContain('text/plain');
    const text = await r.text();
    expect(text).toMatch(/openucm_registered_devices\{node="cm1",protocol="SCCP",model="7940"\} [1-9]/);
    expect(text).toMatch(
      /openucm_registration_attempts_total\{protocol="SCCP",outcome="rejected",reason="auto-registration-protocol-mismatch"\} 1/,
    );
    expect(text).toMatch(
      /openucm_http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/api\/v1\/phones",status="200"\}/,
    );
    expect(text).toContain('process_cpu_seconds_total');
  });
});

describe('web UI serving and the OpenAPI document', () => {
  it('answers page paths with the UI, unknown API paths with the JSON error, and sends security headers', async () => {
    const page = await fetch(`${base()}/phones/SEP00AA00000001`);
    expect([200, 503]).toContain(page.status);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    const api = await fetch(`${base()}/api/v1/no-such-thing`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(((await api.json()) as ErrorBody).error).toBe('not-found');
  });

  it('documents every endpoint the UI uses', async () => {
    const doc = (await (await fetch(`${base()}/api/docs/json`)).json()) as { paths: Record<string, unknown> };
    for (const path of [
      '/api/v1/login',
      '/api/v1/logout',
      '/api/v1/me',
      '/api/v1/me/password',
      '/api/v1/dashboard',
      '/api/v1/events',
      '/api/v1/phones',
      '/api/v1/phones/{name}',
      '/api/v1/phones/{name}/reset',
      '/api/v1/nodes/{name}',
      '/api/v1/nodes/{name}/free-dns',
      '/api/v1/enterprise-parameters',
      '/api/v1/admin-settings',
      '/api/v1/directory-numbers',
      '/api/v1/registration-events',
      '/api/v1/audit-log',
      '/api/v1/users',
      '/api/v1/api-keys',
      '/api/v1/phone-models',
      '/api/v1/active-calls',
      '/api/v1/call-diagnosis',
      '/api/v1/call-detail-records/{id}/diagnosis',
    ])
      expect(doc.paths, path).toHaveProperty([path]);
  });
});
