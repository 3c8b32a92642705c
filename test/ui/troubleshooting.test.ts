import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SccpStation } from '../../src/sim/sccp-station.js';
import { startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import { launchChromium, screenshot, signIn, unlabelledFields } from './support/browser.js';

/**
 * The troubleshooter, Device Defaults, Firmware Loads and Migrate Phones pages of the built UI
 * in Chromium against a real node and scripted SCCP phones. One node and one browser for the
 * file; the tests run in order and build on each other.
 */

const TIMEOUT = 10_000;
let t: TestNode;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let url: string;
const stations: SccpStation[] = [];
const mac = (n: number) => `SEP00DD${n.toString(16).toUpperCase().padStart(8, '0')}`;
const SIP_LOAD = 'P0S3-8-11-00';

async function sccpPhone(n: number, deviceType: number, loadInfo?: string): Promise<SccpStation> {
  const s = new SccpStation({ deviceName: mac(n), deviceType, loadInfo });
  stations.push(s);
  await s.connect('127.0.0.1', t.node.ports.sccp);
  return s;
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
  await signIn(page, url);
});

afterAll(async () => {
  for (const s of stations) s.destroy();
  await t?.destroy();
  await browser?.close();
});

describe('troubleshooting and firmware pages in Chromium', () => {
  it('links the phone page\'s "Why isn\'t it registered?" to the troubleshooter', async () => {
    await t.api.post('/phones', {
      name: mac(9),
      model: '7960',
      protocol: 'SIP',
      description: 'Lobby',
      lines: [{ index: 1, dn: '2009' }],
    });
    await page.goto(`${url}/phones/${mac(9)}`);
    await page.getByRole('link', { name: "Why isn't it registered?" }).click();
    await page.getByRole('heading', { level: 1, name: "Why isn't this phone registering?" }).waitFor();
    expect(await page.getByLabel('Device name or MAC address').inputValue()).toBe(mac(9));
    await page
      .locator('li[data-check="registration"]')
      .getByText(`${mac(9)} is unregistered`)
      .waitFor();
    expect(await page.locator('section.verdict').textContent()).toContain(mac(9));
  });

  it('names the protocol problem of a rejected SCCP phone with its fix, and re-runs live once fixed', async () => {
    await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' });
    const rejected = await sccpPhone(2, 8);
    expect((await rejected.register()).kind).toBe('rejected');

    await openFromMenu("Why isn't this phone registering?", "Why isn't this phone registering?");
    // A MAC with separators, lower case, typed and submitted from the keyboard.
    await page.getByLabel('Device name or MAC address').fill('00:dd:00:00:00:02');
    await page.keyboard.press('Enter');
    const verdict = page.locator('section.verdict');
    await verdict.getByText('Broken link found').waitFor();
    expect(await verdict.textContent()).toContain('but the auto-registration protocol is SIP');
    const protocol = page.locator('li[data-check="protocol"]');
    expect(await protocol.locator('.check-status').textContent()).toBe('Problem');
    expect(await protocol.textContent()).toContain(
      'Fix: Set Enterprise Parameter Auto Registration Phone Protocol to SCCP',
    );
    expect(await protocol.getByRole('link', { name: 'Enterprise Parameters' }).getAttribute('href')).toBe(
      '/enterprise-parameters',
    );
    expect(await unlabelledFields(page)).toEqual([]);
    await screenshot(page, 'troubleshoot-protocol-problem');

    // Fixed elsewhere (a script, another tab): the page runs the diagnosis again by itself.
    await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SCCP' });
    await verdict.getByText(`${mac(2)}: no broken link found`).waitFor();
    expect(await protocol.locator('.check-status').textContent()).toBe('OK');
    expect(await page.locator('li[data-check="registration"]').textContent()).toContain(
      'the cause looks fixed now',
    );
    await screenshot(page, 'troubleshoot-fixed');

    // The phone tries again and registers: the registration event re-runs it once more.
    const station = await sccpPhone(2, 8);
    expect((await station.register()).kind).toBe('registered');
    await expect
      .poll(() => page.locator('li[data-check="registration"]').textContent())
      .toContain('registered on cm1');
  });

  it('edits a Device Default inline: a refusal beside the field, the not-uploaded warning beside the row', async () => {
    await openFromMenu('Device Defaults', 'Device Defaults Configuration');
    const row = page.locator('tr[data-default="7940/SIP"]');
    await row.getByRole('button', { name: 'Edit Cisco 7940 SIP' }).click();
    const load = page.getByLabel('Load ID for Cisco 7940 SIP');
    await load.fill('bad load!');
    await load.press('Enter');
    await expect.poll(() => load.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await load.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain(
      'load id "bad load!" must be 1–64 letters',
    );
    await load.fill(SIP_LOAD);
    await load.press('Enter');
    await row.getByText(`no uploaded firmware provides load ${SIP_LOAD}`).waitFor();
    // Saved from the keyboard, the focus is back on the row's Edit button.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Edit Cisco 7940 SIP',
    );
    expect(await row.textContent()).toContain('Warning:');
    expect(await row.locator('td').nth(1).textContent()).toBe(SIP_LOAD);
    expect(await unlabelledFields(page)).toEqual([]);
    await screenshot(page, 'device-defaults-warning');
  });

  it('uploads firmware files, lists them with their sizes, and deletes one after confirmation', async () => {
    await openFromMenu('Firmware Loads', 'Firmware Loads');
    await page.getByText('No firmware uploaded yet.').waitFor();
    await page.getByLabel('Firmware files').setInputFiles([
      { name: `${SIP_LOAD}.loads`, mimeType: 'application/octet-stream', buffer: Buffer.from('load index') },
      { name: `${SIP_LOAD}.sb2`, mimeType: 'application/octet-stream', buffer: Buffer.alloc(300 * 1024, 7) },
      { name: 'unused.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(2048, 1) },
    ]);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByText(`Uploaded ${SIP_LOAD}.loads`).waitFor();
    const sb2 = page.locator(`tr[data-file="${SIP_LOAD}.sb2"]`);
    await sb2.waitFor();
    expect(await sb2.textContent()).toContain('300 KB');
    expect(await page.locator(`tr[data-file="${SIP_LOAD}.loads"]`).textContent()).toContain('7940 SIP');
    await screenshot(page, 'firmware-loads');

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete unused.bin' }).click();
    await page.getByText('Deleted unused.bin.').waitFor();
    await expect.poll(() => page.locator('tr[data-file="unused.bin"]').count()).toBe(0);
    expect(await unlabelledFields(page)).toEqual([]);

    await openFromMenu('Device Defaults', 'Device Defaults Configuration');
    expect(await page.locator('tr[data-default="7940/SIP"]').textContent()).toContain('Yes');
  });

  it('previews Migrate Phones: target load, lines, intermediate upgrade, what cannot migrate, the protocol warning', async () => {
    // SEP…02 (7940) is registered from the test above; an old-SCCP 7940 and an SCCP-only 7910 join it.
    expect((await (await sccpPhone(3, 8, 'P00305000600')).register()).kind).toBe('registered');
    expect((await (await sccpPhone(4, 6)).register()).kind).toBe('registered');

    await openFromMenu('Migrate Phones', 'Migrate Phones');
    // By a list: a bad name is refused beside the list; a CSV file's first column fills it.
    await page.getByLabel('By a list of device names').check();
    const names = page.getByLabel('Device names', { exact: true });
    await names.fill(`${mac(2)}\nSEP12`);
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => names.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#mp-names-error').textContent()).toContain('(item 2 of the list)');
    await page.getByLabel('…or read them from a CSV file').setInputFiles({
      name: 'phones.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`Device Name,Description\n${mac(2)},Auto 1000\n`),
    });
    await expect.poll(() => names.inputValue()).toBe(mac(2));
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByText('1 phone(s) selected').waitFor();

    await page.getByLabel('By query').check();
    await page.getByLabel('Directory number from').fill('1000');
    await page.getByLabel('Directory number to').fill('1999');
    await page.getByRole('button', { name: 'Preview' }).click();
    const phone = page.locator(`tr[data-phone="${mac(2)}"]`);
    await phone.waitFor();
    const text = await phone.textContent();
    expect(text).toContain(SIP_LOAD);
    expect(text).toContain('1: 1000');
    expect(text).toContain('Migrates');
    expect(await page.locator(`tr[data-phone="${mac(3)}"]`).textContent()).toContain('P00308010200 first');
    expect(await page.locator(`tr[data-phone="${mac(4)}"]`).textContent()).toContain(
      'Cannot migrateCisco 7910 has no SIP firmware',
    );
    const warning = page.locator('[data-warning="auto-registration-protocol"]');
    expect(await warning.textContent()).toContain('Auto Registration Phone Protocol is SCCP');
    await page
      .getByLabel('Switch Auto Registration Phone Protocol to SIP when the job starts')
      .waitFor({ state: 'visible' });
    expect(await unlabelledFields(page)).toEqual([]);
    await screenshot(page, 'migrate-phones-preview');

    // Run it: the job page follows it (its end is not awaited: the scripted phones do not speak SIP).
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByRole('heading', { level: 1, name: /^Migrate Phones job / }).waitFor();
    await page.getByRole('progressbar', { name: 'Job progress' }).waitFor();
    await page.locator(`.job-items tr[data-phone="${mac(2)}"]`).waitFor();
    expect(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toMatch(
      /^\/api\/v1\/bulk-jobs\/[^/]+\/report\.csv$/,
    );
    expect(await unlabelledFields(page)).toEqual([]);
    await screenshot(page, 'bulk-job');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.getByTestId('job-status').getByText('Cancelled', { exact: true }).waitFor();

    await openFromMenu('Job Scheduler', 'Job Scheduler');
    await page.locator('tr[data-job]').getByText('Cancelled', { exact: true }).waitFor();
    expect(await unlabelledFields(page)).toEqual([]);
    await screenshot(page, 'bulk-jobs');
  });
});
