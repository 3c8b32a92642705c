import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { SipUdpPeer } from '../registration/support/sip-udp.js';
import { openPage, screenshot, signIn, unlabelledFields } from './support/browser.js';

/**
 * The admin UI in Chromium while a source floods the node with refused REGISTERs: the dashboard
 * names the source with its count, Registration Events shows one line per repeated refusal whose
 * count grows live, and the retention settings are shown and changed on Enterprise Parameters.
 */

const TIMEOUT = 15_000;
let t: TestNode;
let browser: Browser;
let page: Page;
let url: string;
let peer: SipUdpPeer;
let sent = 0;

/** `n` REGISTERs from 127.0.0.2 for one SIP phone the node refuses (the protocol parameter is SCCP). */
async function refused(n: number, mac = '00ff00000001'): Promise<void> {
  for (let i = 0; i < n; i++) {
    const answer = await peer.exchange(
      { user: `SEP${mac.toUpperCase()}`, mac, callId: `ui-${++sent}`, branch: `ui${sent}` },
      t.node.ports.sip!,
    );
    expect(answer?.status).toBe(403);
  }
}

beforeAll(async () => {
  const buildError = inject('webBuildError');
  if (buildError) throw new Error(buildError);
  t = await startTestNode();
  url = `http://127.0.0.1:${t.node.ports.http}`;
  peer = await new SipUdpPeer('127.0.0.2').open();
  ({ browser, page } = await openPage(TIMEOUT));
  await signIn(page, url);
});

afterAll(async () => {
  peer?.close();
  await t?.destroy();
  await browser?.close();
});

it('the dashboard names the source of a flood of refusals, with its count', async () => {
  const panel = page.getByRole('region', { name: /Refused registrations by source/ });
  await expect.poll(() => panel.textContent()).toContain('No registration was refused');
  await refused(30);
  await refused(1, '00ff00000002');
  await expect
    .poll(() => panel.getByRole('link').first().textContent(), { timeout: TIMEOUT })
    .toBe(
      '31 refused registrations from 127.0.0.2 in the last 5 minutes, mostly auto-registration-protocol-mismatch',
    );
  await screenshot(page, 'dashboard-refused-sources');
});

it('Registration Events shows a repeated refusal as one line whose count grows live', async () => {
  await page
    .getByRole('region', { name: /Refused registrations by source/ })
    .getByRole('link')
    .first()
    .click();
  await page.getByRole('heading', { level: 1, name: 'Registration Events' }).waitFor();
  expect(page.url()).toContain('address=127.0.0.2');
  const rows = page.getByRole('table').locator('tbody tr');
  await expect.poll(() => rows.count()).toBe(2);
  const repeated = rows.filter({ hasText: 'SEP00FF00000001' });
  await expect.poll(() => repeated.locator('td.repeats').textContent()).toMatch(/^30 times, last /);
  // Ten more, without a reload: the same line counts them.
  await refused(10);
  await expect
    .poll(() => repeated.locator('td.repeats').textContent(), { timeout: TIMEOUT })
    .toMatch(/^40 times, last /);
  expect(await rows.count()).toBe(2);
  await screenshot(page, 'registration-events-repeated');
});

it('shows and changes the retention of registration events and the audit log', async () => {
  await page.goto(`${url}/enterprise-parameters`);
  const form = page.getByRole('form', { name: 'Retention Parameters' });
  const days = form.getByLabel('Registration Event Retention (days)');
  await expect.poll(() => days.inputValue()).toBe('30');
  expect(await form.getByLabel('Audit Log Retention (days)').inputValue()).toBe('365');
  expect(await form.getByLabel('Registration Event Maximum').inputValue()).toBe('1000000');
  expect(await unlabelledFields(page)).toEqual([]);

  // The browser's own range check is bypassed to see the server's answer beside the field.
  await days.evaluate((input) => input.removeAttribute('min'));
  await days.fill('0');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect
    .poll(() => form.getByRole('alert').textContent())
    .toBe('Registration Event Retention (days) must be a whole number from 1 to 3,650');

  await days.fill('14');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect.poll(() => form.textContent()).toContain('Saved. Registration events are kept 14 days');
  expect((await t.api.get<{ registrationEventRetentionDays: number }>('/admin-settings')).body).toMatchObject(
    {
      registrationEventRetentionDays: 14,
    },
  );
  await screenshot(page, 'enterprise-parameters-retention');
});
