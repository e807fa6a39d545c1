// The machine's Chromium (Debian's `chromium`) driven by playwright-core, which never downloads a
// browser. A page fails its test on any error in the browser console, and leaves a screenshot in
// .data/test/screenshots when its test fails.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const SCREENSHOTS = resolve(__dirname, '../../.data/test/screenshots');

function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error("No chromium on PATH: install Debian's package (apt-get install chromium), as .ci/run does");
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A fresh page in a 1280x800 window, collecting what the browser console reports as errors and
 * every answer of 400 or more by its URL (the console's own "Failed to load resource" names none).
 */
export async function openPage(browser: Browser): Promise<{ page: Page; consoleErrors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400) consoleErrors.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  return { page, consoleErrors };
}

/** Runs `body` on a page; on failure saves the page as `<name>.png` before failing. */
export async function withPage(
  browser: Browser,
  name: string,
  body: (page: Page) => Promise<void>,
  options: { allowConsoleErrors?: RegExp } = {},
): Promise<void> {
  const { page, consoleErrors } = await openPage(browser);
  try {
    await body(page);
    expect(consoleErrors.filter((e) => !options.allowConsoleErrors?.test(e))).toEqual([]);
  } catch (err) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true }).catch(() => undefined);
    throw err;
  } finally {
    await page.context().close();
  }
}
