import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { ADMIN_PASSWORD } from '../../support/node.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'ui');
const README_SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');

/** Debian's chromium, headless, with everything that would reach the network switched off; `args` adds flags. */
export function launchChromium(args: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.OPENUCM_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...args,
    ],
  });
}

/** A headless Chromium (launchChromium `args`) with one page at the tests' size and action timeout. */
export async function openPage(
  timeoutMs: number,
  args: string[] = [],
): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium(args);
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  context.setDefaultTimeout(timeoutMs);
  return { browser, page: await context.newPage() };
}

/**
 * Saves a full-page screenshot as a test artefact. With OPENUCM_UPDATE_SCREENSHOTS=1 the ones the
 * README shows are copied to docs/screenshots as well.
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { readme?: boolean } = {},
): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (options.readme && process.env.OPENUCM_UPDATE_SCREENSHOTS === '1') {
    fs.mkdirSync(README_SCREENSHOTS, { recursive: true });
    fs.copyFileSync(file, path.join(README_SCREENSHOTS, `${name}.png`));
  }
}

/** Form fields on the page that no label names (label element, aria-label or aria-labelledby). */
export function unlabelledFields(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => (el as HTMLInputElement).type !== 'hidden')
      .filter((el) => {
        const f = el as HTMLInputElement;
        const labelled =
          (f.labels?.length ?? 0) > 0 && [...(f.labels ?? [])].some((l) => l.textContent?.trim());
        return !labelled && !f.getAttribute('aria-label') && !f.getAttribute('aria-labelledby');
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

/** Signs in on the node at `url` as CCMAdministrator and waits for the dashboard. */
export async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('User name').fill('CCMAdministrator');
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}
