import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { openPage, screenshot, signIn, unlabelledFields } from './support/browser.js';

/**
 * Issue #17 in Chromium: an Encrypted Phone Security Profile created on System > Phone Security
 * Profile (a secure mode over UDP refused beside its field), and a phone given it from its page.
 */

const TIMEOUT = 15_000;
let t: TestNode;
let browser: Browser;
let page: Page;
let url: string;

beforeAll(async () => {
  const buildError = inject('webBuildError');
  if (buildError) throw new Error(buildError);
  t = await startTestNode();
  await t.api.post('/phones', { name: 'SEP00D200000017', model: '7961', protocol: 'SIP' });
  url = `http://127.0.0.1:${t.node.ports.http}`;
  ({ browser, page } = await openPage(TIMEOUT));
  await signIn(page, url);
});

afterAll(async () => {
  await t?.destroy();
  await browser?.close();
});

it('creates an Encrypted profile (refusing it over UDP beside the field) and gives it to a phone', async () => {
  await page.getByRole('link', { name: 'Phone Security Profile' }).click();
  await page.getByRole('heading', { level: 1, name: 'Phone Security Profile' }).waitFor();
  await expect
    .poll(() => page.locator('tr[data-name="Standard Non-Secure Profile"]').textContent())
    .toContain('Non Secure');

  await page.getByLabel('Name', { exact: true }).fill('Encrypted 79x1');
  await page.getByLabel('Device Security Mode').selectOption('encrypted');
  await page.getByLabel('Transport Type').selectOption('udp');
  await page.getByRole('button', { name: 'Add phone security profile' }).click();
  await expect
    .poll(() => page.locator('.field-invalid').getByRole('alert').textContent())
    .toContain('needs transport type tls');

  await page.getByLabel('Transport Type').selectOption('tls');
  await page.getByLabel('Media Encryption Fallback').selectOption('rtp');
  expect(await unlabelledFields(page)).toEqual([]);
  await page.getByRole('button', { name: 'Add phone security profile' }).click();
  await expect.poll(() => page.locator('.banner-ok').textContent()).toContain('Encrypted 79x1 added');
  await expect
    .poll(() => page.locator('tr[data-name="Encrypted 79x1"]').textContent())
    .toContain('Fall back to RTP');
  await screenshot(page, 'phone-security-profiles');

  await page.goto(`${url}/phones/SEP00D200000017`);
  await page.getByLabel('Device Security Profile').selectOption('Encrypted 79x1');
  await page.getByRole('button', { name: 'Save' }).first().click();
  await expect
    .poll(
      async () =>
        (await t.api.get<{ securityProfile: string }>('/phones/SEP00D200000017')).body.securityProfile,
    )
    .toBe('Encrypted 79x1');
});
