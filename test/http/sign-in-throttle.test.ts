import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { basic, requestFrom } from './helpers/from-address.js';

/**
 * Failed authentication is throttled per source address, on every door (sign-in, Basic, API
 * keys), before any password is hashed; a user is locked out only from the address that failed.
 * Each "attacker" is another loopback address; the administrator stays on 127.0.0.1.
 */

let t: TestNode;
let port: number;
let apiKey: string;

/** Passwords hashed so far that were wrong (openucm_password_checks_total), read with an API key (no hashing). */
async function wrongChecks(): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${port}/metrics`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  const m = /openucm_password_checks_total\{result="wrong"\} (\d+)/.exec(await r.text());
  if (!m) throw new Error('no openucm_password_checks_total in /metrics');
  return Number(m[1]);
}

const asAdmin = (from: string, password: string) =>
  requestFrom(from, port, {
    path: '/api/v1/phones',
    headers: { authorization: basic('CCMAdministrator', password) },
  });

const signIn = (from: string, name: string, password: string) =>
  requestFrom(from, port, {
    method: 'POST',
    path: '/api/v1/login',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });

beforeAll(async () => {
  t = await startTestNode();
  port = t.node.ports.http;
  const created = await t.api.post<{ key: string }>('/api-keys', { label: 'metrics reader' });
  apiKey = created.body.key;
});
afterAll(async () => {
  await t.destroy();
});

describe('nobody can lock the administrator out from elsewhere', () => {
  it('50 wrong Basic passwords from 127.0.0.2 leave the administrator signing in from 127.0.0.1 at once', async () => {
    const before = await wrongChecks();
    const answers = [];
    for (let i = 0; i < 50; i++) answers.push(await asAdmin('127.0.0.2', `wrong-password-${i}`));
    expect(answers.slice(0, 4).map((a) => a.status)).toEqual([401, 401, 401, 401]);
    expect(answers.slice(4).every((a) => a.status === 429)).toBe(true);
    const last = answers[49];
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(60);
    const body = JSON.parse(last.body) as { error: string; message: string; retryAt: string };
    expect(body.error).toBe('too-many-requests');
    expect(body.message).toMatch(
      /^too many failed sign-ins as CCMAdministrator from your address 127\.0\.0\.2: CCMAdministrator is locked out from there until \d\d:\d\d:\d\d UTC \(in 5 minutes\); other addresses are not affected/,
    );
    // Only the five attempts before the lock-out were hashed; the 45 after it cost nothing.
    expect((await wrongChecks()) - before).toBe(5);
    // The right password from the attacker's address is refused too, unhashed…
    expect((await asAdmin('127.0.0.2', ADMIN_PASSWORD)).status).toBe(429);
    // …while the administrator, from their own address, signs in at once, by either door.
    const started = Date.now();
    expect((await signIn('127.0.0.1', 'CCMAdministrator', ADMIN_PASSWORD)).status).toBe(200);
    expect((await asAdmin('127.0.0.1', ADMIN_PASSWORD)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    const users =
      await t.api.get<{ name: string; lockouts: { address: string; failures: number }[] }[]>('/users');
    expect(users.body.find((u) => u.name === 'CCMAdministrator')?.lockouts).toEqual([
      { address: '127.0.0.2', failures: 5, lockedUntil: body.retryAt },
    ]);
  });

  it('makes an address that fails as anyone wait, on every door, without hashing a password for it', async () => {
    const before = await wrongChecks();
    const answers = [];
    for (let i = 0; i < 30; i++)
      answers.push(
        await requestFrom('127.0.0.3', port, {
          path: '/api/v1/nodes',
          headers: { authorization: basic(`intruder${i}`, 'guess') },
        }),
      );
    const refused = answers.filter((a) => a.status === 401).length;
    expect(refused).toBeGreaterThanOrEqual(10);
    expect(refused).toBeLessThan(14);
    // Every attempt that was not refused at the door was hashed (unknown users cost the same as
    // known ones, so that timing does not tell them apart); the refused ones were not.
    expect((await wrongChecks()) - before).toBe(refused);
    const throttled = answers.at(-1)!;
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(throttled.body).message).toMatch(
      /^too many failed sign-ins from your address 127\.0\.0\.3: try again at \d\d:\d\d:\d\d UTC \(in \d+ seconds?\)$/,
    );
    // The other doors of the same address wait as well, even with the right secret.
    expect((await signIn('127.0.0.3', 'CCMAdministrator', ADMIN_PASSWORD)).status).toBe(429);
    const bearer = await requestFrom('127.0.0.3', port, {
      path: '/api/v1/nodes',
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(bearer.status).toBe(429);
    expect((await wrongChecks()) - before).toBe(refused);
    expect((await signIn('127.0.0.1', 'CCMAdministrator', ADMIN_PASSWORD)).status).toBe(200);
  });

  it('counts wrong API keys, as Bearer or X-API-Key, against their address', async () => {
    const wrongKey = `oucm_${'0'.repeat(16)}.${'A'.repeat(43)}`;
    const statuses = [];
    for (let i = 0; i < 12; i++) {
      const header: Record<string, string> =
        i % 2 === 0 ? { authorization: `Bearer ${wrongKey}` } : { 'x-api-key': wrongKey };
      statuses.push(
        (await requestFrom('127.0.0.4', port, { path: '/api/v1/nodes', headers: header })).status,
      );
    }
    // --auth-failures-per-address 10: the tenth failure starts the wait.
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    const right = (from: string) =>
      requestFrom(from, port, { path: '/api/v1/nodes', headers: { 'x-api-key': apiKey } });
    expect((await right('127.0.0.4')).status).toBe(429);
    expect((await right('127.0.0.1')).status).toBe(200);
  });

  it('does not let requests sent all at once pass the throttle together', async () => {
    const before = await wrongChecks();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        requestFrom('127.0.0.5', port, {
          path: '/api/v1/nodes',
          headers: { authorization: basic(`burst${i}`, 'guess') },
        }),
      ),
    );
    const hashed = (await wrongChecks()) - before;
    // At most the free failures plus the checks allowed at once (4) were hashed, not all 40.
    expect(hashed).toBeLessThanOrEqual(10 + 4);
    expect(answers.filter((a) => a.status === 429).length).toBe(40 - hashed);
    const busy = answers.find((a) => a.body.includes('at once'));
    expect(JSON.parse(busy!.body).message).toBe(
      'too many sign-ins at once from your address 127.0.0.5 (at most 4 password checks at a time): try again in a second',
    );
  });
});
