import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFirmware } from '../support/firmware.js';
import type { TestNode } from '../support/node.js';
import { ADMIN_PASSWORD, eventually, startTestNode } from '../support/node.js';

const LIMIT = 64 * 1024;
const FILE = 'P00308010200.bin';
const BASIC = `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`;

let t: TestNode;
const good = randomBytes(40 * 1024);

beforeAll(async () => {
  t = await startTestNode({ config: { firmwareMaxFileBytes: LIMIT } });
});
afterAll(async () => {
  await t.destroy();
});

async function upload(content: Buffer): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await uploadFirmware(t.node.ports.http, { [FILE]: content });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

/** What a phone downloading the file gets (HTTP provisioning, port 6970). */
async function served(name = FILE): Promise<Buffer> {
  const r = await fetch(`http://127.0.0.1:${t.node.ports.provisioningHttp}/${name}`);
  expect(r.status).toBe(200);
  return Buffer.from(await r.arrayBuffer());
}

const leftovers = () =>
  fs.readdirSync(path.join(t.database.dataDir, 'loads')).filter((f) => f.startsWith('.'));

describe('a firmware upload replaces the stored file only when it arrived whole and within the limit', () => {
  it('stores a good file', async () => {
    expect((await upload(good)).status).toBe(201);
    expect((await served()).equals(good)).toBe(true);
  });

  it('refuses an oversized upload with 413 and keeps the good file, counting the refusal', async () => {
    const r = await upload(randomBytes(LIMIT + 1));
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ error: 'too-large', field: 'file' });
    expect(r.body.message).toContain(`larger than the firmware file limit of ${LIMIT} bytes`);
    expect((await served()).equals(good)).toBe(true);
    expect(leftovers()).toEqual([]);
    const metrics = await fetch(`http://127.0.0.1:${t.node.ports.http}/metrics`, {
      headers: { authorization: BASIC },
    });
    expect(await metrics.text()).toContain('openucm_limit_refusals_total{limit="firmwareMaxFileBytes"} 1');
    expect(t.logs.some((l) => l.limit === 'firmwareMaxFileBytes' && l.address === '127.0.0.1')).toBe(true);
  });

  it('keeps the good file when the upload is cut off half way (client gone)', async () => {
    const boundary = 'openucm-test-boundary';
    const head = Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${FILE}"\r\n` +
        'content-type: application/octet-stream\r\n\r\n',
    );
    const whole = Buffer.concat([head, randomBytes(50 * 1024), Buffer.from(`\r\n--${boundary}--\r\n`)]);
    const socket = net.connect(t.node.ports.http, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /api/v1/firmware-loads HTTP/1.1\r\nhost: 127.0.0.1\r\n' +
        `authorization: ${BASIC}\r\ncontent-type: multipart/form-data; boundary=${boundary}\r\n` +
        `content-length: ${whole.length}\r\n\r\n`,
    );
    // Half the body, then the connection drops.
    await new Promise<void>((resolve) => socket.write(whole.subarray(0, whole.length / 2), () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.destroy();
    await eventually(() => leftovers().length === 0);
    expect((await served()).equals(good)).toBe(true);
  });

  it('keeps the good file when the body ends before the part does (no closing boundary)', async () => {
    const boundary = 'openucm-test-boundary';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${FILE}"\r\n` +
          'content-type: application/octet-stream\r\n\r\n',
      ),
      randomBytes(20 * 1024),
    ]);
    const r = await fetch(`http://127.0.0.1:${t.node.ports.http}/api/v1/firmware-loads`, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { message: string }).message).toContain('incomplete or malformed');
    expect((await served()).equals(good)).toBe(true);
    expect(leftovers()).toEqual([]);
  });
});
