import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { basic } from './helpers/from-address.js';
import { signIn } from './helpers/session-client.js';

/** What one client may hold through the API besides connections and streams: imports, sessions, API keys. */

let t: TestNode;
const url = (path: string) => `http://127.0.0.1:${t.node.ports.http}/api/v1${path}`;
const header = 'Device Name,Description,Model,Protocol,Phone Load Name,Line 1\n';
const row = (n: number) =>
  `SEP00DD${n.toString(16).toUpperCase().padStart(8, '0')},Row ${n},7940,SCCP,,${4000 + n}\n`;
const total = async () => (await t.api.get<{ total: number }>('/phones?pageSize=1')).body.total;

beforeAll(async () => {
  t = await startTestNode({
    config: { httpMaxImportBytes: 4096, authMaxApiKeysPerUser: 2, authMaxSessionsPerUser: 2 },
  });
});
afterAll(async () => {
  await t.destroy();
});

describe('bounds on what one client may hold', () => {
  it('refuses a CSV import over the size limit, whether it declares its length or not, and writes nothing', async () => {
    const big = header + Array.from({ length: 200 }, (_, i) => row(i)).join('');
    expect(big.length).toBeGreaterThan(4096);
    const before = await total();
    const declared = await fetch(url('/phones/import'), {
      method: 'POST',
      headers: { authorization: basic('CCMAdministrator', ADMIN_PASSWORD), 'content-type': 'text/csv' },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { message: string }).message).toBe(
      'the CSV file is larger than 4096 bytes (--http-max-import-bytes): split it into several imports; nothing was written',
    );
    // Chunked: no Content-Length, the limit is found while the file streams in.
    const chunks = [header, ...Array.from({ length: 200 }, (_, i) => row(i))];
    const streamed = await fetch(url('/phones/import'), {
      method: 'POST',
      headers: { authorization: basic('CCMAdministrator', ADMIN_PASSWORD), 'content-type': 'text/csv' },
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next));
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await total()).toBe(before);
    // A file within the limit is imported.
    const small = await fetch(url('/phones/import'), {
      method: 'POST',
      headers: { authorization: basic('CCMAdministrator', ADMIN_PASSWORD), 'content-type': 'text/csv' },
      body: header + row(1) + row(2),
    });
    expect(small.status).toBe(200);
    expect(await total()).toBe(before + 2);
  });

  it('refuses a third API key for one user, saying what to do', async () => {
    for (const label of ['one', 'two']) expect((await t.api.post('/api-keys', { label })).status).toBe(201);
    const third = await t.api.post<{ field: string; message: string }>('/api-keys', { label: 'three' });
    expect(third.status).toBe(400);
    expect(third.body.message).toBe(
      'user CCMAdministrator already has 2 API keys: revoke the ones no script uses any more (User Management > API Keys), or raise --auth-max-api-keys-per-user',
    );
  });

  it('ends the oldest session of a user who signs in a third time', async () => {
    const first = await signIn(t.node.ports.http, 'CCMAdministrator', ADMIN_PASSWORD);
    const second = await signIn(t.node.ports.http, 'CCMAdministrator', ADMIN_PASSWORD);
    const third = await signIn(t.node.ports.http, 'CCMAdministrator', ADMIN_PASSWORD);
    expect((await first.call('GET', '/me')).status).toBe(401);
    expect((await second.call('GET', '/me')).status).toBe(200);
    expect((await third.call('GET', '/me')).status).toBe(200);
  });
});
