/**
 * HTTPS administration (docs/https.md): curl and openssl against a node that made its own
 * certificate, trusted by the fingerprint it logged; an uploaded certificate and chain; the plain
 * port's redirect; cookie flags and HSTS; TLS 1.1 refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import {
  fingerprintOf,
  opensslLeaf,
  opensslSelfSigned,
  presentedCertificate,
  tool,
  workDir,
} from '../support/tls-tools.js';

let t: TestNode;
let dir: string;
let cacert: string;
const USER = `CCMAdministrator:${ADMIN_PASSWORD}`;

const httpsPort = () => t.node.ports.https!;
const url = (p: string) => `https://127.0.0.1:${httpsPort()}${p}`;

/** curl trusting `ca`, answering with headers (-i); -w adds the status on the last line. */
async function curl(args: string[], ca = cacert) {
  const r = await tool('curl', ['-sS', '-i', '--cacert', ca, ...args]);
  return r;
}

beforeAll(async () => {
  dir = workDir();
  // The plain port serves 127.0.0.2 only: 127.0.0.1 stands for a client on another machine.
  t = await startTestNode({
    config: { httpMode: 'redirect', httpsPort: 0, httpPlainNetworks: '127.0.0.2/32' },
  });
  // Trust by fingerprint: take what the port presents, and keep it only if it is what the node logged.
  const pem = await presentedCertificate(httpsPort());
  cacert = path.join(dir, 'node.crt');
  fs.writeFileSync(cacert, pem);
}, 60_000);

afterAll(async () => {
  await t?.destroy();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('serves the API over HTTPS with the certificate it made and logged at first start, HSTS on', async () => {
  const listening = t.logs.find((l) => l.msg === 'listening') as {
    ports: Record<string, number>;
    fingerprintSha256: string;
  };
  expect(listening.ports.https).toBe(httpsPort());
  expect(listening.ports.http).toBeGreaterThan(0);
  expect(await fingerprintOf(cacert)).toBe(listening.fingerprintSha256);
  const created = t.logs.find((l) => String(l.msg).startsWith("created the node's self-signed certificate"));
  expect(created?.fingerprintSha256).toBe(listening.fingerprintSha256);

  const r = await curl(['-u', USER, url('/api/v1/certificate')]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^HTTP\/1\.1 200/);
  expect(r.stdout).toMatch(/^strict-transport-security: max-age=31536000\r?$/im);
  const body = JSON.parse(r.stdout.slice(r.stdout.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
  expect(body.fingerprintSha256).toBe(listening.fingerprintSha256);
  expect(body.subject).toContain('CN=cm1');
  expect(body.subjectAltNames).toEqual(expect.arrayContaining(['DNS:localhost', 'IP Address:127.0.0.1']));
  expect(body.selfSigned).toBe(true);
  expect(body.warning).toBeNull();

  // The key sits in the data directory, readable by the node's user only.
  const file = path.join(t.database.dataDir, 'node-identity.pem');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  // Without the node's certificate, curl refuses it.
  expect((await tool('curl', ['-sS', url('/healthz')])).code).not.toBe(0);
});

it('sets the session cookie Secure and HttpOnly over HTTPS', async () => {
  const r = await curl([
    '-H',
    'content-type: application/json',
    '-d',
    JSON.stringify({ name: 'CCMAdministrator', password: ADMIN_PASSWORD }),
    url('/api/v1/login'),
  ]);
  expect(r.stdout).toMatch(/^HTTP\/1\.1 200/);
  const cookie = /^set-cookie: (openucm_session=.*)$/im.exec(r.stdout)?.[1] ?? '';
  expect(cookie).toMatch(/; Secure/);
  expect(cookie).toMatch(/; HttpOnly/);
  expect(cookie).toMatch(/; SameSite=Strict/);
});

it('answers plain HTTP with 308 to the same path on HTTPS, but /healthz and /readyz itself', async () => {
  const plain = `http://127.0.0.1:${t.node.ports.http}`;
  const r = await tool('curl', ['-sS', '-i', `${plain}/api/v1/phones?name=SEP*`]);
  expect(r.stdout).toMatch(/^HTTP\/1\.1 308/);
  expect(r.stdout).toMatch(
    new RegExp(`^location: https://127\\.0\\.0\\.1:${httpsPort()}/api/v1/phones\\?name=SEP\\*\\r?$`, 'im'),
  );
  // curl follows it (its credentials too: the port differs) and, trusting the certificate, gets the API's answer.
  const followed = await tool('curl', [
    '-sS',
    '--location-trusted',
    '--cacert',
    cacert,
    '-u',
    USER,
    `${plain}/api/v1/phones`,
  ]);
  expect(followed.code).toBe(0);
  expect(JSON.parse(followed.stdout)).toHaveProperty('items');
  for (const p of ['/healthz', '/readyz']) {
    const health = await tool('curl', ['-sS', '-i', `${plain}${p}`]);
    expect(health.stdout).toMatch(/^HTTP\/1\.1 200/);
  }
  // A client in --http-plain-networks (by default this machine's loopback) is served in full.
  const local = await tool('curl', [
    '-sS',
    '-i',
    '--interface',
    '127.0.0.2',
    '-u',
    USER,
    `${plain}/api/v1/phones`,
  ]);
  expect(local.stdout).toMatch(/^HTTP\/1\.1 200/);
  expect(local.stdout).not.toMatch(/^strict-transport-security:/im);
});

it('refuses TLS 1.1 and accepts TLS 1.2', async () => {
  const connect = ['s_client', '-connect', `127.0.0.1:${httpsPort()}`];
  // SECLEVEL=0: the client would offer TLS 1.1; the refusal must be the node's.
  const old = await tool('openssl', [...connect, '-tls1_1', '-cipher', 'DEFAULT:@SECLEVEL=0']);
  expect(old.code).not.toBe(0);
  expect(old.stdout).toMatch(/Cipher is \(NONE\)/);
  expect(old.stderr).toMatch(/protocol version/i);
  const ok = await tool('openssl', [...connect, '-tls1_2']);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toMatch(/Protocol\s*:\s*TLSv1\.2/);
});

it('takes SIP over WebSocket on the HTTPS port (WSS), and the plain port only redirects it', async () => {
  const ws = new WebSocket(`wss://127.0.0.1:${httpsPort()}/sip`, ['sip'], { ca: fs.readFileSync(cacert) });
  const opened = await new Promise<string>((resolve, reject) => {
    ws.once('open', () => resolve(ws.protocol));
    ws.once('error', reject);
  });
  expect(opened).toBe('sip');
  // Handed over to the SIP server: the WebSocket leaves the administration's connection count
  // (the one left is this request's own).
  const metrics = await curl(['-u', USER, url('/metrics')]);
  expect(metrics.stdout).toMatch(/^openucm_http_open\{what="connections"\} 1$/m);
  ws.close();
  const plain = new WebSocket(`ws://127.0.0.1:${t.node.ports.http}/sip`, ['sip']);
  const status = await new Promise<number>((resolve) => {
    plain.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    plain.once('error', () => resolve(0));
  });
  expect(status).toBe(308);
  plain.terminate();
});

it('replaces the certificate with an uploaded one (and a chain), refusing a wrong key or order by field', async () => {
  const up = await opensslSelfSigned(dir, 'uploaded', 'uploaded.example');
  const put = (certificate: string, privateKey: string, ca = cacert) =>
    curl(
      [
        '-u',
        USER,
        '-X',
        'PUT',
        '-H',
        'content-type: application/json',
        '-d',
        JSON.stringify({ certificate, privateKey }),
        url('/api/v1/certificate'),
      ],
      ca,
    );
  const read = (f: string) => fs.readFileSync(f, 'utf8');
  const bodyOf = (s: string) => JSON.parse(s.slice(s.indexOf('\r\n\r\n') + 4)) as Record<string, string>;

  // A key that is not the certificate's.
  const other = await opensslSelfSigned(dir, 'other', 'other.example');
  const wrong = await put(read(up.cert), read(other.key));
  expect(wrong.stdout).toMatch(/^HTTP\/1\.1 400/);
  expect(bodyOf(wrong.stdout)).toMatchObject({ field: 'privateKey' });
  expect(bodyOf(wrong.stdout).message).toMatch(/does not match the certificate/);
  const garbage = await put(
    '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n',
    read(up.key),
  );
  expect(bodyOf(garbage.stdout)).toMatchObject({ field: 'certificate' });
  expect(bodyOf(garbage.stdout).message).toMatch(/certificate 1 of 1 cannot be parsed/);

  const replaced = await put(read(up.cert), read(up.key));
  expect(replaced.stdout).toMatch(/^HTTP\/1\.1 200/);
  const uploadedFingerprint = await fingerprintOf(up.cert);
  expect(bodyOf(replaced.stdout).fingerprintSha256).toBe(uploadedFingerprint);
  // The next connection gets it, with no restart: curl now trusts the uploaded certificate only.
  expect((await curl(['-u', USER, url('/api/v1/certificate')], up.cert)).stdout).toMatch(/^HTTP\/1\.1 200/);
  expect((await curl(['-u', USER, url('/api/v1/certificate')], cacert)).code).not.toBe(0);
  // The audit names the certificate, never the key.
  const audit = await curl(['-u', USER, url('/api/v1/audit-log')], up.cert);
  expect(audit.stdout).toContain('certificate');
  expect(audit.stdout).not.toContain('PRIVATE KEY');

  // A chain: a leaf and the CA that issued it, leaf first; the reverse order is refused.
  const ca = await opensslSelfSigned(dir, 'ca', 'openucm test CA', 'DNS:ca.example');
  const leaf = await opensslLeaf(dir, ca, 'chained.example');
  const reversed = await put(read(ca.cert) + read(leaf.cert), read(leaf.key), up.cert);
  expect(bodyOf(reversed.stdout)).toMatchObject({ field: 'privateKey' });
  const misordered = await put(read(leaf.cert) + read(up.cert), read(leaf.key), up.cert);
  expect(bodyOf(misordered.stdout)).toMatchObject({ field: 'certificate' });
  expect(bodyOf(misordered.stdout).message).toMatch(/order the chain leaf first, then each issuer/);
  const chained = await put(read(leaf.cert) + read(ca.cert), read(leaf.key), up.cert);
  expect(chained.stdout).toMatch(/^HTTP\/1\.1 200/);
  expect(bodyOf(chained.stdout)).toMatchObject({ chainLength: 2, subject: 'CN=chained.example' });
  // A client trusting only the CA verifies the node through the chain it now sends.
  expect((await curl(['-u', USER, url('/healthz')], ca.cert)).stdout).toMatch(/^HTTP\/1\.1 200/);

  // Regenerate: a new self-signed certificate of the node's own.
  const regenerated = await curl(['-u', USER, '-X', 'POST', url('/api/v1/certificate/regenerate')], ca.cert);
  expect(regenerated.stdout).toMatch(/^HTTP\/1\.1 200/);
  const fresh = await presentedCertificate(httpsPort());
  fs.writeFileSync(cacert, fresh);
  expect(await fingerprintOf(cacert)).toBe(bodyOf(regenerated.stdout).fingerprintSha256);
  expect(bodyOf(regenerated.stdout)).toMatchObject({ selfSigned: true, subject: 'CN=cm1, O=openucm' });
});

it('keeps its certificate across a restart; --http-mode off opens no plain port', async () => {
  const before = await fingerprintOf(cacert);
  await t.stop();
  t = await startTestNode({ database: t.database, config: { httpMode: 'off', httpsPort: 0 } });
  const listening = t.logs.find((l) => l.msg === 'listening') as { ports: Record<string, number> };
  expect(listening.ports.http).toBeUndefined();
  expect(listening.ports.https).toBe(httpsPort());
  const pem = await presentedCertificate(httpsPort());
  const again = path.join(dir, 'again.crt');
  fs.writeFileSync(again, pem);
  expect(await fingerprintOf(again)).toBe(before);
  expect((await curl(['-u', USER, url('/api/v1/certificate')])).stdout).toMatch(/^HTTP\/1\.1 200/);
}, 60_000);
