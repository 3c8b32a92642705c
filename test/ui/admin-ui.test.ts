import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { ADMIN_PASSWORD, eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { launchChromium, screenshot, unlabelledFields } from './support/browser.js';

/**
 * The built admin UI in Chromium against a real node: sign-in, live status, the protocol
 * parameter and its rejections, the leading-zero refusal, Reset, roles and CSRF. One node and
 * one browser for the file; the tests run in order and build on each other.
 */

const TIMEOUT = 10_000;
let t: TestNode;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let url: string;
const stations: SccpStation[] = [];
const mac = (n: number) => `SEP00CC${n.toString(16).toUpperCase().padStart(8, '0')}`;

async function sccpPhone(n: number, deviceType = 8): Promise<SccpStation> {
  const s = new SccpStation({ deviceName: mac(n), deviceType });
  stations.push(s);
  await s.connect('127.0.0.1', t.node.ports.sccp);
  return s;
}

async function signIn(name: string, password: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor({ timeout: TIMEOUT });
}

async function openFromMenu(label: string, heading: string | RegExp): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Administration menu' })
    .getByRole('link', { name: label, exact: true })
    .click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: TIMEOUT });
}

beforeAll(async () => {
  const buildError = inject('webBuildError');
  if (buildError) throw new Error(buildError);
  t = await startTestNode();
  url = `http://127.0.0.1:${t.node.ports.http}`;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  context.setDefaultTimeout(TIMEOUT);
  page = await context.newPage();
});

afterAll(async () => {
  for (const s of stations) s.destroy();
  // The node stops while the page still holds its event stream open.
  await t?.destroy();
  await browser?.close();
});

describe('admin UI in Chromium', () => {
  it('signs in as CCMAdministrator with the keyboard alone', async () => {
    await page.goto(`${url}/`);
    await page.getByRole('heading', { name: /openucm/ }).waitFor();
    await screenshot(page, 'login');
    // The user name field has the focus; Tab moves to the password; Enter submits.
    await page.keyboard.type('CCMAdministrator');
    await page.keyboard.press('Tab');
    await page.keyboard.type('wrong password');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('user name or password is wrong');
    await page.getByLabel('Password').focus();
    await page.keyboard.type(ADMIN_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'openucm_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
    // The first Tab reaches the skip link, and it jumps to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
  });

  it('shows a scripted SCCP phone as registered without a reload', async () => {
    await openFromMenu('Phone', 'Find and List Phones');
    await page.getByText('No phone matches.').waitFor();
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    const station = await sccpPhone(1);
    expect((await station.register()).kind).toBe('registered');
    const row = page.locator(`tr[data-phone="${mac(1)}"]`);
    await row.getByText('Registered').waitFor();
    await expect.poll(() => row.textContent()).toContain('1000');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
  });

  it('switches the protocol parameter to SIP; the next SCCP phone is rejected with its remedy, live', async () => {
    await openFromMenu('Enterprise Parameters', 'Enterprise Parameters Configuration');
    await page.getByLabel('Auto Registration Phone Protocol').selectOption('SIP');
    await page.locator('form', { hasText: 'CCM Parameters' }).getByRole('button', { name: 'Save' }).click();
    await page.getByText('the change applies to the next registration, with no restart').waitFor();
    await screenshot(page, 'enterprise-parameters-sip');

    await openFromMenu('Registration Events', 'Registration Events');
    const station = await sccpPhone(2);
    expect((await station.register()).kind).toBe('rejected');
    const row = page.locator('tr.row-rejected', { hasText: mac(2) });
    await row.waitFor();
    expect(await row.textContent()).toContain(
      'set Enterprise Parameter Auto Registration Phone Protocol to SCCP (applies to the next registration, no restart)',
    );
    await screenshot(page, 'registration-events-rejected');
    await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SCCP' });
  });

  it('refuses a starting DN with a leading zero and says why beside the field', async () => {
    await openFromMenu('Cisco Unified CM', 'Find and List Cisco Unified CMs');
    await page.getByRole('link', { name: 'cm1' }).click();
    await page.getByLabel('Starting Directory Number').fill('0100');
    await page.getByLabel('Ending Directory Number').fill('0199');
    await page.getByRole('button', { name: 'Save' }).click();
    const starting = page.getByLabel('Starting Directory Number');
    await expect.poll(() => starting.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await starting.getAttribute('aria-describedby'))!.split(' ')[0];
    const message = await page.locator(`[id="${describedBy}"]`).textContent();
    expect(message).toContain('Starting Directory Number "0100" starts with 0');
    expect(message).toContain('CUCM strips it silently');
    await screenshot(page, 'node-leading-zero');
    expect(
      (await t.api.get<{ autoRegistration: { startingDn: string } }>('/nodes/cm1')).body.autoRegistration
        .startingDn,
    ).toBe('1000');
  });

  it('resets a registered phone, and says so when a phone is not registered', async () => {
    await t.api.post('/phones', {
      name: mac(9),
      model: '7960',
      protocol: 'SIP',
      description: 'Reception',
      lines: [{ index: 1, dn: '2000' }],
    });
    await page.goto(`${url}/phones/${mac(9)}`);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Restart' }).click();
    await page.getByText(`phone ${mac(9)} is not registered`).waitFor();

    const station = stations[0];
    const reset = new Promise<number>((resolve) => station.once('reset', resolve));
    await page.goto(`${url}/phones/${mac(1)}`);
    await page.getByText('Registered with cm1').waitFor();
    await screenshot(page, 'phone-registered');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await page.getByText(`reset sent to ${mac(1)}`).waitFor();
    expect(await reset).toBe(1);
  });

  it('adds a phone with its lines by hand', async () => {
    await page.goto(`${url}/phones/new`);
    await page.getByLabel('Device Name').fill(mac(10));
    await page.getByLabel('Phone Type (model)').selectOption('7940');
    await page.getByLabel('Description').fill('Conference room');
    await page.getByLabel('Line 1').fill('3001');
    await page
      .getByLabel('Line 3')
      .count()
      .then((n) => expect(n).toBe(0));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: `Phone Configuration: ${mac(10)}` }).waitFor();
    await expect.poll(() => page.getByLabel('Line 1').inputValue()).toBe('3001');
  });

  it('sets a line’s label and max calls on the phone page, and shows a refused value at its field', async () => {
    await page.goto(`${url}/phones/${mac(10)}`);
    await page.getByText('Line 1 settings (3001)').click();
    await page.getByLabel('Line Text Label').fill('Room');
    await page.getByLabel('Maximum Number of Calls').fill('9');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'from 1 to 6' }).first().waitFor();
    await page.getByLabel('Maximum Number of Calls').fill('4');
    await page.getByLabel('Do Not Disturb').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    await page.reload();
    await page.getByText('Line 1 settings (3001)').click();
    await expect.poll(() => page.getByLabel('Line Text Label').inputValue()).toBe('Room');
    expect(await page.getByLabel('Maximum Number of Calls').inputValue()).toBe('4');
    expect(await page.getByLabel('Do Not Disturb').isChecked()).toBe(true);
  });

  it('gives a read-only user every page but no change', async () => {
    await openFromMenu('Users', 'Users');
    await page.getByLabel('User name').fill('operator');
    await page.getByLabel('Role', { exact: true }).selectOption('read-only');
    await page.getByLabel('Password', { exact: true }).fill('operator-password');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByText('User operator created (read-only).').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('operator', 'operator-password');
    await page.getByText('You are signed in as a read-only user').waitFor();

    await openFromMenu('Enterprise Parameters', 'Enterprise Parameters Configuration');
    expect(await page.getByLabel('Auto Registration Phone Protocol').isDisabled()).toBe(true);
    await page.goto(`${url}/phones/${mac(1)}`);
    await page.getByText('Registered with cm1').waitFor();
    for (const name of ['Save', 'Reset', 'Restart', 'Delete'])
      expect(await page.getByRole('button', { name, exact: true }).isDisabled(), name).toBe(true);
    // Even a hand-made request with the session's CSRF token is refused.
    const forced = await page.evaluate(async () => {
      const me = (await (await fetch('/api/v1/me')).json()) as { csrfToken: string };
      const r = await fetch('/api/v1/enterprise-parameters', {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({ autoRegistrationPhoneProtocol: 'SIP' }),
      });
      return { status: r.status, body: (await r.json()) as { message: string } };
    });
    expect(forced).toEqual({
      status: 403,
      body: expect.objectContaining({ message: 'user operator is read-only and cannot change anything' }),
    });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
  });

  it('refuses a change that lacks the CSRF token', async () => {
    await signIn('CCMAdministrator', ADMIN_PASSWORD);
    const result = await page.evaluate(async () => {
      const r = await fetch('/api/v1/phones/SEP00CC00000001/reset', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'restart' }),
      });
      return { status: r.status, body: (await r.json()) as { error: string; message: string } };
    });
    expect(result.status).toBe(403);
    expect(result.body.message).toContain('CSRF token');
  });

  it('labels every form field on every page, and shows the dashboard and phone list', async () => {
    // A few more phones in every state, for the screenshots.
    for (let n = 20; n < 26; n++) {
      const s = await sccpPhone(n, n % 2 === 0 ? 115 : 7);
      await s.register();
    }
    for (let n = 30; n < 34; n++)
      await t.api.post('/phones', {
        name: mac(n),
        model: '7962',
        protocol: 'SCCP',
        description: `Office ${n}`,
        lines: [{ index: 1, dn: `40${n}` }],
      });
    const pages: [string, string, string][] = [
      ['/', 'Dashboard', 'dashboard'],
      ['/phones', 'Find and List Phones', 'phones'],
      ['/phones/new', 'Add a New Phone', 'phone-new'],
      [`/phones/${mac(1)}`, `Phone Configuration: ${mac(1)}`, 'phone-page'],
      ['/enterprise-parameters', 'Enterprise Parameters Configuration', 'enterprise-parameters'],
      ['/nodes', 'Find and List Cisco Unified CMs', 'nodes'],
      ['/nodes/cm1', 'Cisco Unified CM Configuration: cm1', 'node'],
      ['/directory-numbers', 'Find and List Directory Numbers', 'directory-numbers'],
      ['/registration-events', 'Registration Events', 'registration-events'],
      ['/audit-log', 'Audit Log', 'audit-log'],
      ['/users', 'Users', 'users'],
      ['/api-keys', 'API Keys', 'api-keys'],
      ['/bulk', 'Bulk Administration: Import/Export Phones', 'bulk'],
      ['/music-on-hold', 'Music On Hold Audio Source', 'music-on-hold'],
      ['/password', 'Change password', 'change-password'],
    ];
    for (const [path, heading, name] of pages) {
      await page.goto(`${url}${path}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await expect.poll(() => page.getByText('Loading…').count()).toBe(0);
      if (name === 'dashboard') await page.getByText('Auto-registration is ON for cm1').waitFor();
      if (name === 'phones') await page.locator(`tr[data-phone="${mac(25)}"]`).waitFor();
      expect(await unlabelledFields(page), path).toEqual([]);
      await screenshot(page, name, { readme: name === 'dashboard' || name === 'phones' });
    }
    await eventually(async () => (await t.api.get<{ items: unknown[] }>('/audit-log')).body.items.length > 0);
  });
});
