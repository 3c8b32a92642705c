import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import fs from 'node:fs';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { enableAutoRegistration, startFleet } from '../bulk/support/fleet.js';
import type { ScriptedPhone } from '../bulk/support/scripted-phone.js';
import { openPage, screenshot } from './support/browser.js';

/**
 * The phone page's SIP Credentials and the parameter that requires them, in Chromium against a
 * real node: a refusal beside its field, a password set and never shown back, a generated one,
 * removal; the dashboard's warning and the Enterprise Parameter.
 */

const TIMEOUT = 10_000;
const NAME = 'SEP0055EE000001';
let t: TestNode;
let browser: Browser;
let page: Page;
let url: string;
let phones: ScriptedPhone[] = [];

interface Summary {
  configured: boolean;
  username: string | null;
}

beforeAll(async () => {
  const buildError = inject('webBuildError');
  if (buildError) throw new Error(buildError);
  t = await startTestNode();
  url = `http://127.0.0.1:${t.node.ports.http}`;
  await t.api.post('/phones', {
    name: NAME,
    model: '7961',
    protocol: 'SIP',
    description: 'Reception',
    lines: [{ index: 1, dn: '8001' }],
  });
  ({ browser, page } = await openPage(TIMEOUT));
  await page.goto(`${url}/`);
  await page.getByLabel('User name').fill('CCMAdministrator');
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
});

afterAll(async () => {
  await Promise.all(phones.map((p) => p.stop()));
  await t?.destroy();
  await browser?.close();
});

const panel = () => page.locator('form', { hasText: 'SIP Credentials' });

it('warns on the dashboard that SIP devices register without a password', async () => {
  await page.getByText('1 SIP device registers without a password').waitFor({ timeout: TIMEOUT });
});

it('refuses a short password beside the field, then sets one with a digest user and never shows it back', async () => {
  await page.goto(`${url}/phones/${NAME}`);
  await page.getByText('No SIP credentials').waitFor();
  await panel().getByLabel('Password').fill('short');
  await panel().getByRole('button', { name: 'Set Credentials' }).click();
  const field = panel().getByLabel('Password');
  await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
  const describedBy = (await field.getAttribute('aria-describedby'))!.split(' ')[0];
  expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain('8 to 64');
  expect((await t.api.get<Summary>(`/phones/${NAME}/sip-credentials`)).body.configured).toBe(false);

  await panel().getByLabel('Digest User').fill('8001');
  await field.fill('reception-secret-1');
  await panel().getByRole('button', { name: 'Set Credentials' }).click();
  await panel().getByText('Saved: digest user 8001').waitFor();
  await panel().getByText('Digest user 8001, password set').waitFor();
  expect(await field.inputValue()).toBe('');
  expect(await page.content()).not.toContain('reception-secret-1');
  await screenshot(page, 'phone-sip-credentials');
  expect((await t.api.get<Summary>(`/phones/${NAME}/sip-credentials`)).body).toMatchObject({
    configured: true,
    username: '8001',
  });
  const audit = await t.api.get<{ items: { via: string; action: string }[] }>(
    '/audit-log?target=phone-sip-credentials',
  );
  expect(audit.body.items[0]).toMatchObject({ via: 'ui', action: 'create' });
});

it('generates a password the administrator can read before saving, and removes credentials', async () => {
  await panel().getByRole('button', { name: 'Generate Password' }).click();
  const field = panel().getByLabel('Password');
  expect(await field.getAttribute('type')).toBe('text');
  const generated = await field.inputValue();
  expect(generated).toMatch(/^[A-Za-z2-9]{20}$/);
  await panel().getByRole('button', { name: 'Set Credentials' }).click();
  await panel().getByText('Saved: digest user 8001').waitFor();
  page.once('dialog', (d) => void d.accept());
  await panel().getByRole('button', { name: 'Remove Credentials' }).click();
  await panel().getByText('No SIP credentials').waitFor();
  expect((await t.api.get<Summary>(`/phones/${NAME}/sip-credentials`)).body.configured).toBe(false);
});

it('refuses SIP devices without credentials from System > Enterprise Parameters', async () => {
  await page.goto(`${url}/enterprise-parameters`);
  await page.getByLabel('SIP Devices Without Credentials').selectOption('refused');
  await page.locator('form', { hasText: 'CCM Parameters' }).getByRole('button', { name: 'Save' }).click();
  await page.getByText('SIP devices without credentials are refused').waitFor();
  expect(
    (await t.api.get<{ sipDevicesWithoutCredentials: string }>('/enterprise-parameters')).body
      .sipDevicesWithoutCredentials,
  ).toBe('refused');
  await page.goto(`${url}/`);
  await page.getByRole('heading', { name: 'Phones' }).waitFor();
  expect(await page.getByText('register without a password').count()).toBe(0);
});

it('migrates a phone to SIP with generated credentials, and hands its password out once from the job page', async () => {
  await enableAutoRegistration(t);
  await t.api.patch('/enterprise-parameters', { sipDevicesWithoutCredentials: 'allowed' });
  phones = await startFleet(t, 1, { load: 'P00308010200', first: 1, prefix: '0066' });
  const name = phones[0].deviceName;
  await page.goto(`${url}/migrate-phones?devices=${name}`);
  await page.getByLabel('Create SIP credentials for migrated phones that have none').check();
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByText(`gets SIP credentials when it is switched: digest user ${name}`).waitFor();
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Run now' }).click();
  await page.getByTestId('job-status').getByText('Completed').waitFor({ timeout: 30_000 });
  const button = page.getByRole('button', { name: 'Download SIP passwords (once)' });
  await page.getByText('1 password(s) wait to be collected').waitFor();
  await screenshot(page, 'bulk-job-sip-passwords');
  page.once('dialog', (d) => void d.accept());
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const rows = fs
    .readFileSync((await download.path())!, 'utf8')
    .trim()
    .split('\n');
  expect(rows[0]).toBe('Device Name,Digest User,SIP Password');
  expect(rows[1]).toMatch(new RegExp(`^${name},${name},[A-Za-z2-9]{20}$`));
  await page.getByText('No generated password waits').waitFor();
  expect(await button.isDisabled()).toBe(true);
});
