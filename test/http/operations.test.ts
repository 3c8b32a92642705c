/**
 * GET /healthz and /readyz over real HTTP, without credentials, as a supervisor or a load balancer
 * polls them: live while the process answers; ready only while the database answers and every
 * listener is up, with the reason when not.
 */
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { createPostgresDatabase, postgresAvailable, TEST_POSTGRES_URL } from '../support/databases.js';
import type { TestNode } from '../support/node.js';
import { ADMIN_PASSWORD, eventually, startTestNode } from '../support/node.js';

interface Readiness {
  status: string;
  node: string;
  database: string;
  listeners: Record<string, string>;
  problems: string[];
}

let t: TestNode | null = null;
afterEach(async () => {
  await t?.destroy();
  t = null;
});

async function get(path: string): Promise<{ status: number; body: unknown; text: string }> {
  const response = await fetch(`http://127.0.0.1:${t!.node.ports.http}${path}`);
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as unknown, text };
}

it('answers live and ready without credentials once every listener is up', async () => {
  t = await startTestNode();
  expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'live' } });
  const ready = await get('/readyz');
  expect(ready).toMatchObject({
    status: 200,
    body: {
      status: 'ready',
      node: 'cm1',
      database: 'ok',
      listeners: { http: 'up', sccp: 'up', sip: 'up', tftp: 'up' },
      problems: [],
    },
  });
  // Polled often from one address: never refused, and nothing secret in the answer.
  const answers = await Promise.all(Array.from({ length: 50 }, () => get('/readyz')));
  expect(answers.every((a) => a.status === 200)).toBe(true);
  expect(ready.text).not.toContain(t.database.dataDir);
  expect(ready.text).not.toContain(ADMIN_PASSWORD);
  // Both are in the OpenAPI document.
  const doc = (await get('/api/docs/json')).body as { paths: Record<string, unknown> };
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
});

it('is not ready while its PostgreSQL database refuses connections, and ready again once it accepts them', async (ctx) => {
  if (!(await postgresAvailable())) ctx.skip();
  const database = await createPostgresDatabase();
  t = await startTestNode({ database });
  const name = new URL(database.databaseUrl!).pathname.slice(1);
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    expect((await get('/readyz')).status).toBe(200);
    // The database goes away for this node: no new connection, the open ones ended.
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    const down = await eventually(async () => {
      const r = await get('/readyz');
      return r.status === 503 ? (r.body as Readiness) : null;
    });
    expect(down).toMatchObject({
      status: 'not-ready',
      database: 'unreachable',
      listeners: { http: 'up', sccp: 'up', sip: 'up', tftp: 'up' },
    });
    expect(down.problems).toEqual([
      expect.stringMatching(/cannot reach its database.*check that the database/),
    ]);
    expect(JSON.stringify(down)).not.toContain('postgres://');
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'live' } });
    expect(
      t.logs.some((l) => String(l.msg).startsWith('readiness: node cm1 cannot query its database')),
    ).toBe(true);

    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    await eventually(async () => (await get('/readyz')).status === 200, 20_000);
  } finally {
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin.end();
  }
});
