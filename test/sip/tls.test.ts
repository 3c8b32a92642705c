/**
 * SIP over TLS against a real node: SIPp registers over TLS, openssl s_client sees TLS 1.2+ only
 * and the node's certificate (and a replaced one without a restart).
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import type { TestCertificate } from '../support/tls-identity.js';
import { makeCertificate, TestIdentitySource } from '../support/tls-identity.js';
import { startTlsBridge } from '../support/tls-bridge.js';
import { phones, runSipp } from './helpers/sipp.js';

let t: TestNode;
let certificate: TestCertificate;
let source: TestIdentitySource;

beforeAll(async () => {
  certificate = makeCertificate('openucm-sip-tls-test');
  source = new TestIdentitySource(certificate);
  t = await startTestNode({ tlsIdentity: source });
  expect((await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' })).status).toBe(
    200,
  );
});

afterAll(async () => {
  await t?.destroy();
  fs.rmSync(certificate.dir, { recursive: true, force: true });
});

/** `openssl s_client` with one version flag; what it printed and how it ended. */
function sClient(
  port: number,
  version: '-tls1_1' | '-tls1_2' | '-tls1_3',
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      'openssl',
      ['s_client', '-connect', `127.0.0.1:${port}`, version, '-showcerts', '-servername', 'localhost'],
      { timeout: 15_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          out: stdout + stderr,
        }),
    );
    child.stdin?.end();
  });
}

async function events(device: string): Promise<{ reason: string; remedy: string | null }[]> {
  await t.node.statusWriter.flush();
  return (
    await t.api.get<{ items: { reason: string; remedy: string | null }[] }>(
      `/registration-events?device=${device}`,
    )
  ).body.items;
}

function fingerprintOf(pemText: string): string {
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pemText)?.[0] ?? '';
  return new crypto.X509Certificate(pem).fingerprint256;
}

it('names the SIP TLS port in the "listening" line', () => {
  const line = t.logs.find((l) => l.msg === 'listening') as { ports: Record<string, number> };
  expect(line.ports.sipTls).toBe(t.node.ports.sipTls);
  expect(line.ports.sipTls).toBeGreaterThan(0);
  expect(line.ports.sipTls).not.toBe(line.ports.sip);
});

it('registers SIPp phones over TLS and answers 200', async () => {
  const fleet = phones(3, '00c0de');
  // Debian's SIPp has no TLS (-t l1 answers "you must compile SIPp with OpenSSL"): it speaks TCP to a
  // bridge that holds the TLS connection to the node, verifying the node's certificate.
  const bridge = await startTlsBridge({ port: t.node.ports.sipTls!, ca: certificate.cert });
  const run = await runSipp({
    scenario: 'register',
    port: bridge.port,
    phones: fleet,
    runId: 'tls',
    cseq: 1,
    transport: 'tcp',
  });
  expect(run.errors).toBe('');
  expect(run.code).toBe(0);
  expect(bridge.versions.length).toBeGreaterThan(0);
  expect(bridge.versions.every((v) => v === 'TLSv1.2' || v === 'TLSv1.3')).toBe(true);
  await bridge.close();
  // Auto-registered over the TLS connection; SIPp has exited, so the connection and the registration are gone.
  await eventually(async () => (await events(fleet[2].user))[0]?.reason === 'connection-closed');
  expect((await events(fleet[0].user)).map((e) => e.reason)).toEqual([
    'connection-closed',
    'auto-registered',
  ]);
  expect((await t.api.get<{ protocol: string }>(`/phones/${fleet[0].user}`)).body.protocol).toBe('SIP');
});

it('refuses TLS 1.1 and shows the configured certificate over TLS 1.2, then the replaced one', async () => {
  const port = t.node.ports.sipTls!;
  const old = await sClient(port, '-tls1_1');
  expect(old.out).not.toContain('BEGIN CERTIFICATE');
  expect(old.out).toMatch(/alert|no protocols available|wrong version|handshake failure/i);

  const current = await sClient(port, '-tls1_2');
  expect(current.out).toContain('Protocol  : TLSv1.2');
  expect(current.out).toContain('CN = openucm-sip-tls-test');
  expect(fingerprintOf(current.out)).toBe(certificate.fingerprint);

  const replacement = makeCertificate('openucm-replaced');
  try {
    source.replace(replacement);
    const after = await sClient(port, '-tls1_3');
    expect(after.out).toContain('CN = openucm-replaced');
    expect(fingerprintOf(after.out)).toBe(replacement.fingerprint);
  } finally {
    source.replace(certificate);
    fs.rmSync(replacement.dir, { recursive: true, force: true });
  }
});

it('validates phone security profiles: TLS for secure modes, known values, the default kept', async () => {
  const bad = await t.api.post<{ field: string; message: string }>('/phone-security-profiles', {
    name: 'Encrypted over UDP',
    deviceSecurityMode: 'encrypted',
    transportType: 'udp',
  });
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({
    field: 'transportType',
    message: expect.stringContaining('needs transport type tls'),
  });
  expect((await t.api.post('/phone-security-profiles', { name: 'x', transportType: 'sctp' })).status).toBe(
    400,
  );
  const blank = await t.api.post<{ field: string }>('/phone-security-profiles', { name: ' ' });
  expect(blank).toMatchObject({ status: 400, body: { field: 'name' } });

  const made = await t.api.post('/phone-security-profiles', {
    name: 'Encrypted SIP',
    description: 'TLS and SRTP',
    deviceSecurityMode: 'encrypted',
    mediaEncryptionFallback: 'rtp',
  });
  expect(made).toMatchObject({
    status: 201,
    body: {
      deviceSecurityMode: 'encrypted',
      transportType: 'tls',
      mediaEncryptionFallback: 'rtp',
      devices: 0,
    },
  });
  expect((await t.api.post('/phone-security-profiles', { name: 'Encrypted SIP' })).status).toBe(409);
  const standard = await t.api.delete<{ message: string }>(
    `/phone-security-profiles/${encodeURIComponent('Standard Non-Secure Profile')}`,
  );
  expect(standard).toMatchObject({
    status: 400,
    body: { message: expect.stringContaining("every phone's default") },
  });
  const list = await t.api.get<{ name: string }[]>('/phone-security-profiles');
  expect(list.body.map((p) => p.name)).toEqual(['Encrypted SIP', 'Standard Non-Secure Profile']);
});

it('refuses a device whose profile asks for TLS over UDP (403, Warning, event, troubleshooter) and accepts it over TLS', async () => {
  const [device] = phones(1, '00e5c0');
  const added = await t.api.post('/phones', {
    name: device.user,
    model: '7961',
    protocol: 'SIP',
    lines: [{ index: 1, dn: '4001' }],
    securityProfile: 'Encrypted SIP',
  });
  expect(added).toMatchObject({ status: 201, body: { securityProfile: 'Encrypted SIP' } });
  expect(await t.node.securityProfiles.mediaEncryptionOf(device.user)).toBe('preferred');
  const unknown = await t.api.patch<{ field: string }>(`/phones/${device.user}`, { securityProfile: 'Nope' });
  expect(unknown).toMatchObject({ status: 400, body: { field: 'securityProfile' } });

  const refused = await runSipp({
    scenario: 'refused-without-tls',
    port: t.node.ports.sip!,
    phones: [device],
    runId: 'udp',
    cseq: 1,
    model: 30018,
  });
  expect(refused.errors).toBe('');
  expect(refused.code).toBe(0);
  const [event] = await events(device.user);
  expect(event).toMatchObject({
    reason: 'security-profile-requires-tls',
    remedy: expect.stringContaining('register over TLS to port 5061'),
  });
  // The troubleshooter names the profile among its problems (a test phone has no firmware uploaded, too).
  const diagnosis = await t.api.get<{
    checks: { id: string; status: string; detail: string; fix?: string }[];
  }>(`/phones/${device.user}/diagnosis`);
  expect(diagnosis.body.checks.find((c) => c.id === 'security-profile')).toMatchObject({
    status: 'problem',
    detail: expect.stringContaining(
      'registered over UDP, but its Phone Security Profile "Encrypted SIP" asks for TLS',
    ),
    fix: expect.stringContaining('give SEP00E5C0000001 a profile whose transport is not TLS'),
  });

  const bridge = await startTlsBridge({ port: t.node.ports.sipTls!, ca: certificate.cert });
  const accepted = await runSipp({
    scenario: 'register',
    port: bridge.port,
    phones: [device],
    runId: 'tls2',
    cseq: 1,
    transport: 'tcp',
    model: 30018,
  });
  await bridge.close();
  expect(accepted.errors).toBe('');
  expect(accepted.code).toBe(0);
  await eventually(async () => (await events(device.user)).some((e) => e.reason === 'configured-device'));
});

it('writes the profile into configuration files: SEP<MAC>.cnf.xml says TLS; a 7940 SIP<MAC>.cnf says it cannot', async () => {
  const base = `http://127.0.0.1:${t.node.ports.provisioningHttp!}`;
  const secure = await (await fetch(`${base}/SEP00E5C0000001.cnf.xml`)).text();
  expect(secure).toContain('<deviceSecurityMode>3</deviceSecurityMode>');
  expect(secure).toContain('<transportLayerProtocol>3</transportLayerProtocol>');
  const tlsPort = t.node.ports.sipTls!;
  expect(secure).toContain(`<securedSipPort>${tlsPort}</securedSipPort>`);
  expect(secure).toMatch(new RegExp(`<proxy>USECALLMANAGER</proxy>\\s*<port>${tlsPort}</port>`));

  // A phone of the Standard Non-Secure Profile keeps the file it had: mode 1, no transport named.
  const plain = await (await fetch(`${base}/SEP00C0DE000001.cnf.xml`)).text();
  expect(plain).toContain('<deviceSecurityMode>1</deviceSecurityMode>');
  expect(plain).not.toContain('transportLayerProtocol');

  const legacy = 'SEP00E5C0000040';
  expect(
    (
      await t.api.post('/phones', {
        name: legacy,
        model: '7940',
        protocol: 'SIP',
        lines: [{ index: 1, dn: '4040' }],
        securityProfile: 'Encrypted SIP',
      })
    ).status,
  ).toBe(201);
  const cnf = await (await fetch(`${base}/SIP00E5C0000040.cnf`)).text();
  expect(cnf.split('\n')[0]).toBe(
    '# openucm: Phone Security Profile "Encrypted SIP" asks for TLS, which SIP firmware on 7940/7960 does not do; this phone is refused until it has a profile without TLS',
  );
  expect(cnf).toContain('line1_name: "4040"');
});

it('unregisters a phone registered over UDP once its profile asks for TLS; its refresh is then refused', async () => {
  const [device] = phones(1, '00e5c1');
  expect(
    (
      await t.api.post('/phones', {
        name: device.user,
        model: '7961',
        protocol: 'SIP',
        lines: [{ index: 1, dn: '4101' }],
      })
    ).status,
  ).toBe(201);
  const port = t.node.ports.sip!;
  const first = await runSipp({
    scenario: 'register',
    port,
    phones: [device],
    runId: 'move',
    cseq: 1,
    model: 30018,
  });
  expect(first.code).toBe(0);
  await eventually(async () => (await events(device.user))[0]?.reason === 'configured-device');

  expect((await t.api.patch(`/phones/${device.user}`, { securityProfile: 'Encrypted SIP' })).status).toBe(
    200,
  );
  await eventually(async () => (await events(device.user))[0]?.reason === 'security-profile-changed');
  expect((await t.api.get<{ status: string }>(`/phones/${device.user}`)).body.status).toBe('unregistered');

  // The same registration refreshed (same Call-ID, next CSeq) is decided anew: 403 with the Warning.
  const refresh = await runSipp({
    scenario: 'refused-without-tls',
    port,
    phones: [device],
    runId: 'move',
    cseq: 2,
    model: 30018,
  });
  expect(refresh.errors).toBe('');
  expect(refresh.code).toBe(0);
});
