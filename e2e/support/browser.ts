import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Absolute path of the built web console. */
export const WEB_DIST = fileURLToPath(new URL('../../packages/web/dist/', import.meta.url));

/** Where e2e screenshots go (gitignored; one representative copy lives in docs/images/). */
export const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));

/**
 * Builds packages/web when dist is missing or older than its sources, with the same script
 * `npm start` and `npm test` run first (scripts/ensure-web-build.mjs).
 */
export function ensureWebBuild(): void {
  const script = fileURLToPath(new URL('../../scripts/ensure-web-build.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [script], {
    stdio: ['ignore', 'inherit', 'inherit'],
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
  });
  if (r.status !== 0) throw new Error(`building the web console failed (exit ${r.status})`);
  if (!existsSync(`${WEB_DIST}index.html`)) throw new Error(`no ${WEB_DIST}index.html after the build`);
  mkdirSync(SCREENSHOTS, { recursive: true });
}

/** Headless Chromium from the system (/usr/bin/chromium unless CHROMIUM_PATH says otherwise). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A Control Center page in a fresh context (en-GB, UTC, reduced motion, `height` px tall): page
 * errors and console errors go to `problems`, except failed loads whose status matches
 * `expectedStatus` (Chromium logs every 4xx fetch; tests provoke some on purpose).
 */
export async function openConsolePage(
  browser: Browser,
  problems: string[],
  o: { height: number; timeout: number; expectedStatus: RegExp },
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1360, height: o.height },
    locale: 'en-GB',
    timezoneId: 'UTC',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(o.timeout);
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !o.expectedStatus.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return page;
}
