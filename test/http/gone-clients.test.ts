/**
 * Requests whose client is gone before the node reads them: a client connects, sends its request
 * and resets the connection while the node is busy, so the node accepts a socket that has no peer
 * address any more but still holds the request. Such requests are dropped quietly: never a 500, an
 * error line in the log, or an unexpected error.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { basic, requestFrom } from './helpers/from-address.js';

let t: TestNode;

beforeAll(async () => {
  t = await startTestNode();
});
afterAll(async () => {
  await t.destroy();
});

/**
 * Runs clients in another process while this one (the node's) is blocked: each connects, sends
 * `request` and resets its connection before the node has accepted it.
 */
function resetBeforeAccept(request: string, clients: number): void {
  const script = `
    const net = require('node:net');
    let left = ${clients};
    for (let i = 0; i < ${clients}; i++) {
      const s = net.connect(${t.node.ports.http}, '127.0.0.1', () => {
        s.write(${JSON.stringify(request)});
        setTimeout(() => { s.resetAndDestroy(); if (--left === 0) setTimeout(() => process.exit(0), 50); }, 50);
      });
      s.on('error', () => undefined);
    }`;
  const run = spawnSync(process.execPath, ['-e', script], { timeout: 10_000 });
  expect(run.status).toBe(0);
}

it('drops requests whose client reset the connection before the node accepted it, without an error', async () => {
  const from = t.logs.length;
  const body = JSON.stringify({ name: 'CCMAdministrator', password: 'wrong' });
  resetBeforeAccept(
    `POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    5,
  );
  resetBeforeAccept(
    `GET /api/v1/phones HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic('CCMAdministrator', 'wrong')}\r\n\r\n`,
    5,
  );
  // The node serves the next client as usual, and has written no error about the gone ones.
  const after = await requestFrom('127.0.0.2', t.node.ports.http, {
    path: '/api/v1/phones',
    headers: { authorization: basic('CCMAdministrator', ADMIN_PASSWORD) },
  });
  expect(after.status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const errors = t.logs.slice(from).filter((l) => (l.level as number) >= 50);
  expect(errors).toEqual([]);
});
