/**
 * A scanner asking the HTTP provisioning port for names outside the served files: the first
 * request is logged at once with its address, the flood after it as one line with the count.
 */
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

const FLOOD = 200;

let t: TestNode;
beforeAll(async () => {
  t = await startTestNode();
});
afterAll(async () => {
  await t.destroy();
});

/** GET with the path as given (encoded dots, which no client normalises away); resolves to the status. */
function get(agent: http.Agent, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: t.node.ports.provisioningHttp, path, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

it('logs the first refused name at once with its address and folds the flood after it into a count', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const from = t.logs.length;
  const refusals = () =>
    t.logs.slice(from).filter((l) => l.level === 40 && String(l.msg).includes('outside the served files'));

  expect(await get(agent, '/%2e%2e/etc/passwd')).toBe(404);
  expect(refusals()).toEqual([expect.objectContaining({ peer: '127.0.0.1', file: '/../etc/passwd' })]);

  for (let i = 1; i < FLOOD; i++) expect(await get(agent, `/%2e%2e/etc/passwd${i}`)).toBe(404);
  agent.destroy();
  const folded = await eventually(() => refusals().find((l) => typeof l.count === 'number'), 20_000);
  expect(refusals()).toHaveLength(2);
  expect(folded.count).toBe(FLOOD - 1);
  expect(folded.msg).toMatch(
    /^provisioning HTTP: refused 199 more requests for a name outside the served files within 10 s \(answered 404\), e\.g\. 127\.0\.0\.1 \(\/\.\.\/etc\/passwd1\):/,
  );
}, 60_000);
