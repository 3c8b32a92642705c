import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { CallStateCode } from '../../src/protocols/sccp/codec/index.js';
import { startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { sccpCallPhone } from '../support/sccp-call-phones.js';
import { openPage, screenshot, signIn, unlabelledFields } from './support/browser.js';

/**
 * Monitoring > Call Detail Records in Chromium: empty at first, a finished call appears live,
 * filters by device, and links its CSV export. The call is between two simulated SCCP phones.
 */

const TIMEOUT = 15_000;
let t: TestNode;
let browser: Browser;
let page: Page;
let url: string;
const closers: Array<() => void> = [];

beforeAll(async () => {
  const buildError = inject('webBuildError');
  if (buildError) throw new Error(buildError);
  t = await startTestNode();
  url = `http://127.0.0.1:${t.node.ports.http}`;
  ({ browser, page } = await openPage(TIMEOUT));
  await signIn(page, url);
});

afterAll(async () => {
  for (const close of closers.splice(0)) close();
  await t?.destroy();
  await browser?.close();
});

it('shows a finished call live, filters by device and links the CSV export', async () => {
  await page.getByRole('link', { name: 'Call Detail Records' }).click();
  await expect
    .poll(() => page.getByRole('table').textContent())
    .toContain('No call has ended on this cluster yet.');
  expect(await unlabelledFields(page)).toEqual([]);

  const a = await sccpCallPhone(t, 'SEP00AE00000001', ['2201'], closers);
  await sccpCallPhone(t, 'SEP00AE00000002', ['2202'], closers, { autoAnswer: true });
  await a.calls.dial('2202');
  await a.calls.waitFor((c) => c.state === CallStateCode.Connected);
  a.calls.hangUp();

  const row = page.getByRole('row', { name: /SEP00AE00000002/ });
  await expect.poll(() => row.count(), { timeout: TIMEOUT }).toBe(1);
  expect(await row.textContent()).toContain('16 normal call clearing (calling side)');
  await screenshot(page, 'call-detail-records');

  await page.getByLabel('Device Name').fill('SEP00AE00000009');
  await page.getByRole('button', { name: 'Find' }).click();
  await expect.poll(() => page.getByRole('table').textContent()).toContain('No call detail record matches.');
  const exportLink = page.getByRole('link', { name: 'Export CSV' });
  expect(await exportLink.getAttribute('href')).toBe(
    '/api/v1/call-detail-records.csv?device=SEP00AE00000009',
  );
});
