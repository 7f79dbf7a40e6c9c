/**
 * A real Chromium for the page tests: Debian's package (`apt-get install
 * chromium`; .ci/run installs it) driven by playwright-core, with the flags
 * of a machine without outside network. Every request and console error of
 * a page is recorded, and screenshots go to test-artifacts/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = resolve('test-artifacts/screenshots');
export const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

export function openBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface WatchedPage {
  page: Page;
  /** Every URL the page requested, in order. */
  requests: string[];
  /** Console errors and uncaught page errors (a CSP violation is one). */
  errors: string[];
}

export async function openPage(browser: Browser, url: string, viewport: { width: number; height: number }): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  return { page, requests, errors };
}

/** A full-page screenshot as test-artifacts/screenshots/<name>-<w>x<h>.png. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const size = page.viewportSize();
  const file = join(SCREENSHOTS, `${name}-${size?.width ?? 0}x${size?.height ?? 0}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** data-value of every [data-figure=name] inside the selector's first match, by data-stage of its cell. */
export async function stageFigures(page: Page, grid: string, name: string): Promise<Record<string, string>> {
  if (!/^[a-z_0-9]+$/.test(name)) throw new Error(`figure names are plain words: ${name}`);
  // A string, evaluated in the page: the tests are compiled without the DOM's types.
  return page.evaluate(`(() => {
    const out = {};
    const root = document.querySelector(${JSON.stringify(grid)});
    for (const cell of root ? root.querySelectorAll('td[data-stage]') : []) {
      const value = cell.querySelector('[data-figure="${name}"]');
      if (value) out[cell.getAttribute('data-stage')] = value.getAttribute('data-value');
    }
    return out;
  })()`);
}
