import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ADMIN_PASSWORD, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { launchChromium, screenshot } from './support/browser.js';

/**
 * The sign-in page after too many failed sign-ins from the browser's address: the node's reason
 * and its time, the local time to try again, a button that waits; then another administrator
 * sees the lock-out under User Management and unlocks it.
 */

const TIMEOUT = 10_000;
let t: TestNode;
let browser: Browser;
let page: Page;
let url: string;

async function submit(name: string, password: string): Promise<void> {
  // The sign-in form, not another page's password fields while sign-out is still under way.
  const form = page.getByRole('form', { name: 'openucm Administration' });
  await form.getByLabel('User name').fill(name);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
}

beforeAll(async () => {
  const buildError = inject('webBuildError');
  if (buildError) throw new Error(buildError);
  t = await startTestNode();
  await t.api.post('/users', { name: 'second-admin', role: 'admin', password: 'second-password' });
  url = `http://127.0.0.1:${t.node.ports.http}`;
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  context.setDefaultTimeout(TIMEOUT);
  page = await context.newPage();
});

afterAll(async () => {
  await t?.destroy();
  await browser?.close();
});

describe('sign-in page under a throttle', () => {
  it('says why and until when, and waits, after five wrong passwords from this address', async () => {
    await page.goto(`${url}/`);
    const alert = page.getByRole('alert');
    for (let i = 1; i <= 4; i++) {
      await submit('CCMAdministrator', `wrong-password-${i}`);
      await expect.poll(() => alert.textContent()).toContain(`${5 - i} more failure`);
    }
    await submit('CCMAdministrator', 'wrong-password-5');
    await expect
      .poll(() => alert.textContent())
      .toMatch(
        /too many failed sign-ins as CCMAdministrator from your address 127\.0\.0\.1: CCMAdministrator is locked out from there until \d\d:\d\d:\d\d UTC \(in 5 minutes\)/,
      );
    expect(await alert.textContent()).toMatch(
      /You can sign in again from here at .+ your time \(in [45]:\d\d\)/,
    );
    const wait = page.getByRole('button', { name: /^Wait [45]:\d\d$/ });
    expect(await wait.isDisabled()).toBe(true);
    await screenshot(page, 'sign-in-locked-out');
    // Another user name is not locked out: the button is back.
    await page.getByLabel('User name').fill('second-admin');
    expect(await page.getByRole('button', { name: 'Sign in' }).isEnabled()).toBe(true);
  });

  it('lets another administrator see the lock-out by address and unlock it; then the right password works', async () => {
    await submit('second-admin', 'second-password');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page
      .getByRole('navigation', { name: 'Administration menu' })
      .getByRole('link', { name: 'Users', exact: true })
      .click();
    const row = page.getByRole('row', { name: /CCMAdministrator/ });
    await row.getByText('locked out from 127.0.0.1 until').waitFor();
    await row.getByRole('button', { name: 'Unlock' }).click();
    await page.getByText('CCMAdministrator unlocked.').waitFor();
    expect(await row.textContent()).not.toContain('locked out');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await submit('CCMAdministrator', ADMIN_PASSWORD);
    // Signed in, back on the page it left.
    await page.getByText('CCMAdministrator (admin)').waitFor();
  });
});
