import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { registeredCallPhone } from '../support/call-adapter-fake.js';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { addSccpDevice } from '../support/sccp-device.js';
import { openPage, screenshot, signIn, unlabelledFields } from './support/browser.js';

/**
 * Monitoring > Active Calls and "Why did this call fail?" in Chromium: a call appears, changes and
 * disappears live; the troubleshooter answers for an unknown DN and for an unregistered callee,
 * from two numbers and from a record's Why? button. In-process fakes in place of the SCCP adapter
 * drive the node's call service for really registered SCCP phones, so the test holds each state as
 * long as it looks (support/call-adapter-fake.ts); real phones' calls: call-detail-records.test.ts.
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

it('shows a call appear, ring, connect and disappear live', async () => {
  const a = await registeredCallPhone(t, 'SEP00B100000001', '2501', closers);
  const b = await registeredCallPhone(t, 'SEP00B100000002', '2502', closers);
  await eventually(() => t.node.calls.dialPlan.view().isDirectoryNumber('2502'));
  await page.getByRole('link', { name: 'Active Calls' }).click();
  const table = page.getByRole('table');
  await expect.poll(() => table.textContent()).toContain('No call is active on this node.');
  expect(await unlabelledFields(page)).toEqual([]);

  const { service } = t.node.calls;
  const aLeg = a.dial('2502');
  await eventually(() => b.kinds().includes('ring'));
  const row = page.getByRole('row', { name: /SEP00B100000002/ });
  await expect.poll(() => row.count(), { timeout: TIMEOUT }).toBe(1);
  await expect.poll(() => row.textContent()).toContain('Ringing');
  expect(await row.textContent()).toContain('SEP00B100000002 called, line 1: ringing');

  service.send(b.legs[0], { kind: 'answer' });
  await expect.poll(() => row.textContent()).toContain('Connected');
  expect(await row.textContent()).toContain('G.711 µ-law, 20 ms, not encrypted');
  expect(await row.textContent()).toContain('SEP00B100000001 calling, line 1: connected');
  await screenshot(page, 'active-calls');

  service.send(aLeg, { kind: 'hang-up' });
  await expect.poll(() => row.count(), { timeout: TIMEOUT }).toBe(0);
  expect(await table.textContent()).toContain('No call is active on this node.');
});

it('answers "why did this call fail?" for an unknown DN and for an unregistered callee', async () => {
  const a = await registeredCallPhone(t, 'SEP00B100000003', '2503', closers);
  await addSccpDevice(t.node, 'SEP00B100000004', ['2504']);
  const gone = new SccpStation({ deviceName: 'SEP00B100000004', deviceType: 7 });
  await gone.connect('127.0.0.1', t.node.ports.sccp);
  expect((await gone.register()).kind).toBe('registered');
  gone.destroy();
  await eventually(async () => {
    const { body } = await t.api.get<{ status: string }>('/phones/SEP00B100000004');
    return body.status === 'unregistered';
  });

  // From two numbers: no call recorded, the DN does not exist.
  await page
    .getByRole('navigation', { name: 'Administration menu' })
    .getByRole('link', { name: 'Why did this call fail?' })
    .click();
  expect(await unlabelledFields(page)).toEqual([]);
  await page.getByLabel('Calling number').fill('2503');
  await page.getByLabel('Called number').fill('2999');
  await page.getByRole('button', { name: 'Diagnose' }).click();
  const verdict = page.getByRole('region', { name: /What broke the call/ });
  await expect.poll(() => verdict.textContent()).toContain('no directory number 2999 is configured');
  expect(await verdict.textContent()).toContain('add it to one of the phone');

  // From a record's Why? button: the call to the unregistered phone.
  await eventually(() => t.node.calls.dialPlan.view().isDirectoryNumber('2504'));
  const leg = a.dial('2504');
  await eventually(() => a.commands(leg).some((c) => c.kind === 'reject'));
  t.node.calls.service.send(leg, { kind: 'hang-up' });
  const menu = page.getByRole('navigation', { name: 'Administration menu' });
  await menu.getByRole('link', { name: 'Call Detail Records' }).click();
  const record = page.getByRole('row', { name: /2504/ });
  await expect.poll(() => record.count(), { timeout: TIMEOUT }).toBe(1);
  // Listed (not pushed): its Why? names the record itself.
  await page.reload();
  const why = record.getByRole('link', { name: 'Why?' });
  await expect.poll(() => why.getAttribute('href')).toMatch(/^\/troubleshoot-call\?cdr=\d+$/);
  await why.click();
  await expect.poll(() => verdict.textContent()).toContain('no phone of DN 2504 is registered');
  expect(await verdict.textContent()).toContain('SEP00B100000004: last registration event at');
  const check = page.locator('[data-check="registration"]');
  expect(await check.getByRole('link', { name: "Why isn't SEP00B100000004 registering?" }).count()).toBe(1);
  await screenshot(page, 'troubleshoot-call');

  // The dashboard counts the failed call by its cause, and links to its records.
  await page
    .getByRole('navigation', { name: 'Administration menu' })
    .getByRole('link', { name: 'Dashboard' })
    .click();
  const failures = page.getByRole('region', { name: 'Failed calls by cause, last 24 hours' });
  const cause = failures.getByRole('row', { name: /20 subscriber absent/ });
  await expect.poll(() => cause.textContent()).toContain('1');
  expect(await cause.getByRole('link').getAttribute('href')).toBe('/call-detail-records?cause=20');
  expect(await page.getByRole('link', { name: /calls? active now/ }).textContent()).toBe(
    '0 calls active now',
  );
  await screenshot(page, 'dashboard-calls');
});
