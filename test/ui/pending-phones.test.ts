import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import type { RegisterOutcome } from '../../src/sim/sccp-station.js';
import { startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { openPage, screenshot, signIn, unlabelledFields } from './support/browser.js';

/**
 * The auto-registration guard in Chromium: the guard set on System > Cisco Unified CM (a bad
 * subnet refused beside its field), a new SCCP phone appearing live on Device > Pending Phones,
 * accepted from there, and registering at its next attempt; the dashboard says what the guard does.
 */

const TIMEOUT = 15_000;
let t: TestNode;
let browser: Browser;
let page: Page;
let url: string;

async function attempt(deviceName: string): Promise<RegisterOutcome> {
  const station = new SccpStation({ deviceName, deviceType: 7 });
  try {
    await station.connect('127.0.0.1', t.node.ports.sccp, '127.0.0.5');
    return await station.register();
  } finally {
    station.destroy();
  }
}

beforeAll(async () => {
  const buildError = inject('webBuildError');
  if (buildError) throw new Error(buildError);
  t = await startTestNode();
  url = `http://127.0.0.1:${t.node.ports.http}`;
  ({ browser, page } = await openPage(TIMEOUT));
  await signIn(page, url);
});

afterAll(async () => {
  await t?.destroy();
  await browser?.close();
});

it('the dashboard says the guard is open', async () => {
  const panel = page.getByRole('region', { name: 'Auto-registration' });
  await expect
    .poll(() => panel.textContent())
    .toContain('Auto-registration guard is open on cm1: any subnet, any phone, no rate limit');
});

it('sets the guard on the node page; a refused value shows beside its field', async () => {
  await page.goto(`${url}/nodes/cm1`);
  const subnets = page.getByLabel('Allowed Subnets');
  await subnets.fill('127.0.0.0/33');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect
    .poll(() => page.locator('.field-invalid').getByRole('alert').textContent())
    .toContain('the prefix length of an IPv4 subnet is 0–32');
  expect(await subnets.getAttribute('aria-invalid')).toBe('true');
  await subnets.fill('127.0.0.0/8');
  await page.getByLabel('New Phones Wait for Approval').check();
  expect(await unlabelledFields(page)).toEqual([]);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect
    .poll(() => page.locator('.banner-ok').textContent())
    .toContain(
      'Auto-registration guard on cm1: subnets 127.0.0.0/8, any phone, new phones wait for approval',
    );
  await screenshot(page, 'node-auto-registration-guard');
});

it('a new phone waits on Device > Pending Phones, is accepted there and registers at its next attempt', async () => {
  await page.goto(`${url}/pending-phones`);
  await page.getByRole('heading', { level: 1, name: 'Pending Phones' }).waitFor();
  const name = 'SEP00D100000001';
  expect(await attempt(name)).toEqual({ kind: 'rejected', text: 'Waiting for approval' });
  // It appears without a reload.
  const row = page.locator(`tr[data-pending-phone="${name}"]`);
  await expect.poll(() => row.textContent(), { timeout: TIMEOUT }).toContain('127.0.0.5');
  expect(await row.textContent()).toContain('Waiting for approval');
  expect(await unlabelledFields(page)).toEqual([]);
  await screenshot(page, 'pending-phones');

  await page.goto(`${url}/`);
  await expect.poll(() => page.getByRole('link', { name: '1 phone waits for approval' }).count()).toBe(1);
  await page.getByRole('link', { name: '1 phone waits for approval' }).click();
  await page.getByRole('heading', { level: 1, name: 'Pending Phones' }).waitFor();

  await page.getByRole('button', { name: `Accept ${name}` }).click();
  await expect.poll(() => page.locator('.banner-ok').textContent()).toContain(`${name} accepted`);
  await expect.poll(() => row.count()).toBe(0);
  expect((await attempt(name)).kind).toBe('registered');
  const phone = await t.api.get<{ lines: { dn: string }[] }>(`/phones/${name}`);
  expect(phone.body.lines[0].dn).toMatch(/^1\d{3}$/);
});
