/**
 * The CLI against a node that serves HTTPS with its own certificate (docs/https.md): trusted by
 * the fingerprint the node logged, or by a CA file; refused, with what to do, otherwise.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiCallError, apiTarget, callApi } from '../../src/cli/api-client.js';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { presentedCertificate, workDir } from '../support/tls-tools.js';

const root = path.resolve(import.meta.dirname, '../..');
let t: TestNode;
let dir: string;
let fingerprint: string;
let https: string;

beforeAll(async () => {
  dir = workDir();
  // No plain network: the CLI on 127.0.0.1 stands for an administrator on another machine.
  t = await startTestNode({ config: { httpMode: 'redirect', httpsPort: 0, httpPlainNetworks: 'none' } });
  fingerprint = String(t.logs.find((l) => l.msg === 'listening')?.fingerprintSha256);
  https = `https://127.0.0.1:${t.node.ports.https}`;
  fs.writeFileSync(path.join(dir, 'node.crt'), await presentedCertificate(t.node.ports.https!));
}, 60_000);

afterAll(async () => {
  await t?.destroy();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const call = async (opts: { url: string; fingerprint?: string; caFile?: string }) => {
  try {
    const target = apiTarget({ user: 'CCMAdministrator', password: ADMIN_PASSWORD, ...opts });
    return await callApi<{ fingerprintSha256: string }>(target, 'GET', '/certificate');
  } catch (error) {
    if (error instanceof ApiCallError) return error.message;
    throw error;
  }
};

it('trusts the node by its fingerprint (with or without colons, any case) or by a CA file', async () => {
  expect(await call({ url: https, fingerprint })).toMatchObject({ fingerprintSha256: fingerprint });
  const bare = fingerprint.replace(/:/g, '').toLowerCase();
  expect(await call({ url: https, fingerprint: bare })).toMatchObject({ fingerprintSha256: fingerprint });
  expect(await call({ url: https, caFile: path.join(dir, 'node.crt') })).toMatchObject({
    fingerprintSha256: fingerprint,
  });
});

it('refuses a node it cannot verify, a fingerprint that differs, and says what to do', async () => {
  expect(await call({ url: https })).toMatch(/--fingerprint .* OPENUCM_TLS_FINGERPRINT, or --ca-file/);
  const wrong = `${'AB:'.repeat(31)}AB`;
  const refused = await call({ url: https, fingerprint: wrong });
  expect(refused).toContain(`presented a certificate with SHA-256 fingerprint ${fingerprint}, not ${wrong}`);
  expect(await call({ url: https, fingerprint: 'abc' })).toContain('is not a SHA-256 fingerprint');
  expect(await call({ url: `http://127.0.0.1:${t.node.ports.http}`, fingerprint })).toContain(
    `redirects to HTTPS: use --url ${https}`,
  );
});

it('openucm diagnose takes --fingerprint', async () => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/main.ts',
      'diagnose',
      'SEP00AA00000001',
      '--json',
      '--url',
      https,
      '--fingerprint',
      fingerprint,
    ],
    {
      cwd: root,
      env: { ...process.env, OPENUCM_PASSWORD: ADMIN_PASSWORD },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  expect(stderr).toBe('');
  expect(JSON.parse(stdout)).toHaveProperty('firstProblem');
}, 60_000);
