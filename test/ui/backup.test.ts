import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { launchChromium, screenshot, unlabelledFields } from './support/browser.js';

const TIMEOUT = 10_000;
let t: TestNode;
let browser: Browser;
let page: Page;
let dir: string;

beforeAll(async () => {
  const buildError = inject('webBuildError');
  if (buildError) throw new Error(buildError);
  t = await startTestNode();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-ui-backups-'));
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  context.setDefaultTimeout(TIMEOUT);
  page = await context.newPage();
});

afterAll(async () => {
  await t?.destroy();
  await browser?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('System > Backup: a refused directory beside its field, back up now, and the last backup shown', async () => {
  await page.goto(`http://127.0.0.1:${t.node.ports.http}/`);
  await page.getByLabel('User name').fill('CCMAdministrator');
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page
    .getByRole('navigation', { name: 'Administration menu' })
    .getByRole('link', { name: 'Backup', exact: true })
    .click();
  await page.getByRole('heading', { level: 1, name: 'Backup' }).waitFor();
  await page.getByText('No backup has been made by a node yet.').waitFor();
  expect(await unlabelledFields(page)).toEqual([]);

  const directory = page.getByLabel('Directory');
  await directory.fill('backups');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toContain('must be an absolute path');
  await directory.fill(dir);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Scheduled backups are off.').waitFor();

  await page.getByRole('button', { name: 'Back up now' }).click();
  await page.getByText(/^Backed up to /).waitFor();
  const [archive] = fs.readdirSync(dir);
  expect(archive).toMatch(/^openucm-backup-cm1-.*\.tar\.gz$/);
  const last = page.getByRole('region', { name: 'Last backup' });
  await last.getByText('Succeeded').waitFor();
  await last.getByText(path.join(dir, archive)).waitFor();
  await page.getByRole('cell', { name: archive }).waitFor();
  expect(await page.getByRole('button', { name: 'Back up now' }).isEnabled()).toBe(true);
  await page.mouse.move(0, 0);
  await screenshot(page, 'backup');
});
