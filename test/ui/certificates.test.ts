import { X509Certificate } from 'node:crypto';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { opensslSelfSigned, presentedCertificate, workDir } from '../support/tls-tools.js';
import { openPage, screenshot, signIn, unlabelledFields } from './support/browser.js';

/**
 * Issue #17 in Chromium: the administration over HTTPS with the node's own certificate, trusted
 * by its public key (as an operator who checked the fingerprint would), the fingerprint on the
 * dashboard, and a certificate uploaded on System > Certificate Management.
 */

const TIMEOUT = 15_000;
let t: TestNode;
let browser: Browser;
let page: Page;
let dir: string;
let uploaded: { cert: string; key: string };
let nodeFingerprint: string;

/** Base64 SHA-256 of a certificate's public key: what --ignore-certificate-errors-spki-list takes. */
function spkiOf(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

beforeAll(async () => {
  const buildError = inject('webBuildError');
  if (buildError) throw new Error(buildError);
  dir = workDir();
  // No plain network: the browser on 127.0.0.1 stands for an administrator on another machine.
  t = await startTestNode({ config: { httpMode: 'redirect', httpsPort: 0, httpPlainNetworks: 'none' } });
  const pem = await presentedCertificate(t.node.ports.https!);
  nodeFingerprint = new X509Certificate(pem).fingerprint256;
  expect(t.logs.find((l) => l.msg === 'listening')?.fingerprintSha256).toBe(nodeFingerprint);
  uploaded = await opensslSelfSigned(dir, 'ui-uploaded', 'admin.example');
  // Trust the node's key and the one about to be uploaded; nothing else.
  const spkis = [spkiOf(pem), spkiOf(fs.readFileSync(uploaded.cert, 'utf8'))];
  ({ browser, page } = await openPage(TIMEOUT, [`--ignore-certificate-errors-spki-list=${spkis.join(',')}`]));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.destroy();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('follows plain HTTP to HTTPS, signs in and shows the fingerprint on the dashboard', async () => {
  // signIn opens the plain port: the node redirects the browser to HTTPS.
  await signIn(page, `http://127.0.0.1:${t.node.ports.http}`);
  expect(page.url()).toBe(`https://127.0.0.1:${t.node.ports.https}/`);
  // The event stream reaches the page over HTTPS too.
  await page.getByText('Live', { exact: true }).waitFor();
  await expect.poll(() => page.locator('#cert-title').locator('..').textContent()).toContain(nodeFingerprint);
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === 'openucm_session')).toMatchObject({ secure: true, httpOnly: true });
});

it('uploads a certificate on Certificate Management; a key that is not its own is refused beside its field', async () => {
  await page.getByRole('navigation').getByRole('link', { name: 'Certificate Management' }).click();
  await page.getByRole('heading', { level: 1, name: 'Certificate Management' }).waitFor();
  await expect.poll(() => page.locator('.facts').textContent()).toContain(nodeFingerprint);
  expect(await unlabelledFields(page)).toEqual([]);

  const other = await opensslSelfSigned(dir, 'ui-other', 'other.example');
  await page.getByLabel('Certificate (PEM)').fill(fs.readFileSync(uploaded.cert, 'utf8'));
  await page.getByLabel('Private key (PEM)').fill(fs.readFileSync(other.key, 'utf8'));
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect
    .poll(() => page.locator('.field-invalid').getByRole('alert').textContent())
    .toContain('does not match the certificate');

  await page.getByLabel('Private key (PEM)').fill(fs.readFileSync(uploaded.key, 'utf8'));
  await page.getByRole('button', { name: 'Upload' }).click();
  const fingerprint = new X509Certificate(fs.readFileSync(uploaded.cert)).fingerprint256;
  await expect.poll(() => page.locator('.banner-ok').textContent()).toContain(fingerprint);
  await expect.poll(() => page.locator('.facts').textContent()).toContain('CN=admin.example');
  // It was made for 30 days: inside the warning window.
  await expect.poll(() => page.locator('.banner-warn').first().textContent()).toMatch(/expires in \d+ day/);
  await screenshot(page, 'certificate-management');
  // A new connection gets the uploaded certificate.
  expect(new X509Certificate(await presentedCertificate(t.node.ports.https!)).fingerprint256).toBe(
    fingerprint,
  );
});
