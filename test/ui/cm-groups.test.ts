import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { openPage, screenshot, signIn, unlabelledFields } from './support/browser.js';

/**
 * Issue #16 in Chromium: a Cisco Unified CM Group created on System > Cisco Unified CM Group (a
 * refusal shown beside its field), a Device Pool on System > Device Pool that uses it, and a phone
 * moved into that pool from its page.
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
  await t.node.store.nodes.ensure('cm2', { enabled: false, startingDn: '1', endingDn: '2' }, new Date());
  await t.api.post('/phones', { name: 'SEP00D200000001', model: '7960', protocol: 'SCCP' });
  url = `http://127.0.0.1:${t.node.ports.http}`;
  ({ browser, page } = await openPage(TIMEOUT));
  await signIn(page, url);
});

afterAll(async () => {
  await t?.destroy();
  await browser?.close();
});

it('creates a group of two nodes in priority order from the menu; a nameless one is refused beside its field', async () => {
  await page.getByRole('link', { name: 'Cisco Unified CM Group' }).click();
  await page.getByRole('heading', { level: 1, name: 'Cisco Unified CM Group' }).waitFor();
  await expect.poll(() => page.locator('tr[data-name="Default"]').textContent()).toContain('1. cm1, 2. cm2');

  await page.getByLabel('Name', { exact: true }).fill('G-East');
  await page.getByRole('button', { name: 'Add Cisco Unified CM Group' }).click();
  await expect
    .poll(() => page.locator('.field-invalid').getByRole('alert').textContent())
    .toContain('needs at least one node');

  await page.getByLabel('Primary node').selectOption('cm2');
  await page.getByLabel('Secondary node').selectOption('cm1');
  await page.getByLabel('Description', { exact: true }).fill('east wing');
  expect(await unlabelledFields(page)).toEqual([]);
  await page.getByRole('button', { name: 'Add Cisco Unified CM Group' }).click();
  await expect.poll(() => page.locator('.banner-ok').textContent()).toContain('Group G-East added');
  await expect.poll(() => page.locator('tr[data-name="G-East"]').textContent()).toContain('1. cm2, 2. cm1');
  await screenshot(page, 'cm-groups');
  expect((await t.api.get<{ members: string[] }>('/cm-groups/G-East')).body.members).toEqual(['cm2', 'cm1']);
});

it('creates a device pool with that group and moves a phone into it', async () => {
  await page.getByRole('link', { name: 'Device Pool' }).click();
  await page.getByRole('heading', { level: 1, name: 'Device Pool' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill('East');
  await page.getByLabel('Cisco Unified CM Group').selectOption('G-East');
  expect(await unlabelledFields(page)).toEqual([]);
  await page.getByRole('button', { name: 'Add device pool' }).click();
  await expect.poll(() => page.locator('tr[data-name="East"]').textContent()).toContain('G-East');
  await screenshot(page, 'device-pools');

  await page.goto(`${url}/phones/SEP00D200000001`);
  const select = page.getByLabel('Device Pool');
  await expect.poll(() => select.inputValue()).toBe('Default');
  await select.selectOption('East');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect.poll(() => page.locator('.banner-ok').textContent()).toContain('Saved');
  expect((await t.api.get<{ devicePool: string }>('/phones/SEP00D200000001')).body.devicePool).toBe('East');

  await page.goto(`${url}/device-pools`);
  await expect.poll(() => page.locator('tr[data-name="East"] td').nth(2).textContent()).toBe('1');
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Delete East' }).click();
  await expect.poll(() => page.locator('.banner-error').textContent()).toContain('used by 1 phone');
});
