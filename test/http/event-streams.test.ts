import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { basic } from './helpers/from-address.js';
import { signIn } from './helpers/session-client.js';

/**
 * GET /api/v1/events: capped per user and in all, and closed as soon as what opened it (a
 * session, an API key, a password, a user) goes away, not at the next heartbeat (15 s).
 */

let t: TestNode;
const base = () => `http://127.0.0.1:${t.node.ports.http}`;

interface Stream {
  status: number;
  body: string;
  /** Resolves when the node ends the stream. */
  ended: Promise<void>;
  abort(): void;
}

const open: Stream[] = [];

async function openStream(headers: Record<string, string>): Promise<Stream> {
  const controller = new AbortController();
  const response = await fetch(`${base()}/api/v1/events`, { headers, signal: controller.signal });
  if (response.status !== 200) {
    return {
      status: response.status,
      body: await response.text(),
      ended: Promise.resolve(),
      abort: () => {},
    };
  }
  const reader = response.body!.getReader();
  let text = '';
  let resolveHello!: () => void;
  const hello = new Promise<void>((resolve) => (resolveHello = resolve));
  const ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
        if (text.includes('event: hello')) resolveHello();
      }
    } catch {
      // aborted by the test
    }
  })();
  await hello;
  const stream = { status: 200, body: '', ended, abort: () => controller.abort() };
  open.push(stream);
  return stream;
}

/** Resolves true if the stream ended within `ms`, false if it is still open. */
const endsWithin = (stream: Stream, ms: number) =>
  Promise.race([stream.ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

beforeAll(async () => {
  t = await startTestNode({ config: { httpMaxEventStreamsPerUser: 2, httpMaxEventStreams: 4 } });
  for (const name of ['watcher', 'other', 'third'])
    await t.api.post('/users', { name, role: 'read-only', password: `${name}-password` });
});
afterAll(async () => {
  for (const s of open) s.abort();
  await t.destroy();
});

describe('event streams', () => {
  it('caps the streams of one user and of the node, with a message and a counted refusal', async () => {
    const watcher = { authorization: basic('watcher', 'watcher-password') };
    const a = await openStream(watcher);
    const b = await openStream(watcher);
    const third = await openStream(watcher);
    expect(third.status).toBe(429);
    expect(JSON.parse(third.body).message).toBe(
      'watcher has 2 event streams open already (--http-max-event-streams-per-user): close browser tabs or scripts that watch the node, then try again',
    );
    await openStream({ authorization: basic('other', 'other-password') });
    await openStream({ authorization: basic('other', 'other-password') });
    const overall = await openStream({ authorization: basic('third', 'third-password') });
    expect(overall.status).toBe(429);
    expect(JSON.parse(overall.body).message).toContain('the node has 4 event streams open in all');
    const metrics = await (
      await fetch(`${base()}/metrics`, { headers: { authorization: basic('other', 'other-password') } })
    ).text();
    expect(metrics).toContain('openucm_limit_refusals_total{limit="httpMaxEventStreamsPerUser"} 1');
    expect(metrics).toContain('openucm_limit_refusals_total{limit="httpMaxEventStreams"} 1');
    expect(metrics).toContain('openucm_http_open{what="event-streams"} 4');
    // A stream that ends frees its place.
    a.abort();
    b.abort();
    await eventually(
      async () => (await openStream({ authorization: basic('third', 'third-password') })).status === 200,
    );
    for (const s of open.splice(0)) s.abort();
  });

  it('closes a stream at once when its API key is revoked', async () => {
    const key = await t.api.post<{ id: string; key: string }>('/api-keys', {
      label: 'watch',
      user: 'watcher',
    });
    const stream = await openStream({ 'x-api-key': key.body.key });
    const other = await openStream({ authorization: basic('watcher', 'watcher-password') });
    expect((await t.api.delete(`/api-keys/${key.body.id}`)).status).toBe(204);
    expect(await endsWithin(stream, 5000)).toBe(true);
    expect(await endsWithin(other, 500)).toBe(false);
    other.abort();
  });

  it('closes the streams of a user who is deleted, and those a password change ends', async () => {
    await t.api.post('/users', { name: 'leaver', role: 'read-only', password: 'leaver-password' });
    const session = await signIn(t.node.ports.http, 'leaver', 'leaver-password');
    const byBasic = await openStream({ authorization: basic('leaver', 'leaver-password') });
    const bySession = await openStream({ cookie: session.cookie });

    // A new role changes nothing a stream shows (a read-only user sees everything).
    await t.api.patch('/users/leaver', { role: 'admin' });
    expect(await endsWithin(bySession, 500)).toBe(false);

    // The user changes their password: its other credentials end, the session it used stays.
    expect(
      (
        await session.call('PUT', '/me/password', {
          currentPassword: 'leaver-password',
          newPassword: 'leaver-password-2',
        })
      ).status,
    ).toBe(204);
    expect(await endsWithin(byBasic, 5000)).toBe(true);
    expect(await endsWithin(bySession, 500)).toBe(false);

    const again = await openStream({ authorization: basic('leaver', 'leaver-password-2') });
    expect((await t.api.delete('/users/leaver')).status).toBe(204);
    expect(await endsWithin(again, 5000)).toBe(true);
    expect(await endsWithin(bySession, 5000)).toBe(true);
  });

  it('closes the stream of a session that signs out, or that an administrator’s password change ends', async () => {
    const session = await signIn(t.node.ports.http, 'watcher', 'watcher-password');
    const stream = await openStream({ cookie: session.cookie });
    expect((await session.call('POST', '/logout')).status).toBe(204);
    expect(await endsWithin(stream, 5000)).toBe(true);

    const second = await signIn(t.node.ports.http, 'watcher', 'watcher-password');
    const watching = await openStream({ cookie: second.cookie });
    await apiClient(t.node.ports.http).patch('/users/watcher', { password: 'watcher-password-2' });
    expect(await endsWithin(watching, 5000)).toBe(true);
  });
});
