/**
 * An error that escapes every handler inside an SCCP worker process reaches the node's process
 * guard: counted in the node's /metrics (openucm_unexpected_errors_total) and logged once by the
 * node, saying which worker, while the phones keep registering. The bug is injected into the
 * workers through NODE_OPTIONS: each connection a worker accepts throws once, outside any handler.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { ADMIN_PASSWORD, eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';

const INJECTED = 'fault injected by the test into an SCCP worker';

let t: TestNode;
let dir: string;
const saved = process.env.NODE_OPTIONS;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-worker-fault-'));
  const fault = path.join(dir, 'fault.mjs');
  fs.writeFileSync(
    fault,
    `import net from 'node:net';
if (process.env.OPENUCM_SCCP_WORKER) {
  const emit = net.Server.prototype.emit;
  net.Server.prototype.emit = function (event, ...args) {
    const handled = emit.call(this, event, ...args);
    if (event === 'connection') setImmediate(() => { throw new Error(${JSON.stringify(INJECTED)}); });
    return handled;
  };
}
`,
  );
  process.env.NODE_OPTIONS = `${saved ?? ''} --import ${fault}`.trim();
  try {
    t = await startTestNode({ config: { sccpWorkers: 2 } });
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
});
afterAll(async () => {
  await t?.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function unexpectedErrors(): Promise<number> {
  const auth = `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`;
  const text = await (
    await fetch(`http://127.0.0.1:${t.node.ports.http}/metrics`, { headers: { authorization: auth } })
  ).text();
  const line = text.split('\n').find((l) => l.startsWith('openucm_unexpected_errors_total'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

it("counts a worker's unexpected error in the node's metrics and logs it with the worker, while phones register", async () => {
  const before = await unexpectedErrors();
  const station = new SccpStation({ deviceName: 'SEP00AB0000F005', deviceType: 8 });
  try {
    await station.connect('127.0.0.1', t.node.ports.sccp);
    expect((await station.register(5000)).kind).toBe('registered');
  } finally {
    station.destroy();
  }
  await eventually(async () => (await unexpectedErrors()) === before + 1);
  const lines = t.logs.filter(
    (l) => String((l.err as { message?: string } | undefined)?.message) === INJECTED,
  );
  expect(lines).toHaveLength(1);
  expect(lines[0].msg).toMatch(/^unexpected error that no handler caught in SCCP worker [12] \(/);
  expect(lines[0].sccpWorker).toBeDefined();
});
