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

/** Signs in to the console at `baseUrl` with `key` and waits for the navigation. */
export async function signIn(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Sections' }).waitFor();
}

/** Confirms the dialog an action opened (its submit button says "Yes, <label>"). */
export async function confirm(page: Page, label: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: label });
  await dialog.getByRole('button', { name: `Yes, ${label.toLowerCase()}` }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** Polls `read` until it gives `expected` (the page refreshes on its own); fails with the last value seen. */
export async function until<T>(read: () => Promise<T>, expected: T | RegExp, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (expected instanceof RegExp ? expected.test(String(value)) : value === expected) return;
    if (Date.now() > deadline) throw new Error(`expected ${String(expected)}, still ${String(value)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
