// The console's imports in the machine's Chromium, on the real stack (API, worker, dev server,
// PostgreSQL): a file chosen in the browser is uploaded, its import runs as a job whose progress
// the page follows to the end, and the rows it refused are listed by row.
import type { Browser } from 'playwright-core';
import { startWorld, TEST_ADMIN_KEY, type World } from '../helpers/world';
import { listen, type ApiServer } from '../integration/http';
import { launchBrowser, signIn, until, withPage } from './browser';

let world: World;
let api: ApiServer;
let browser: Browser;

beforeAll(async () => {
  world = await startWorld('dev-server');
  api = await listen(world.api.app);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await world?.stop();
});

/** 30 customers with a country, and one row (line 5 of the file, after the header) whose email is not one. */
function customersCsv(): string {
  const rows = Array.from({ length: 30 }, (_, i) => `imp-${i},imp-${i}@example.com,FR`);
  rows.splice(3, 0, 'imp-x,not-an-email,FR');
  return ['id,email,country', ...rows].join('\n');
}

test('a CSV uploaded from the console is imported as a job whose page follows it to the end', async () => {
  await withPage(browser, 'import-upload', async (page) => {
    await signIn(page, api.url, TEST_ADMIN_KEY);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Imports' }).click();
    const form = page.getByRole('form', { name: 'Start an import' });
    await form.getByLabel('Kind').selectOption('customers');
    await form.getByLabel('File (CSV, NDJSON)').setInputFiles({
      name: 'customers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(customersCsv()),
    });
    await form.getByRole('button', { name: 'Start import' }).click();
    await page.getByRole('heading', { name: /^Import / }).waitFor();
    await until(() => page.locator('h1 .status').textContent(), 'completed', 90_000);
    expect(await page.getByRole('group', { name: 'Rows imported' }).locator('.figure-value').textContent()).toBe('30');
    expect(await page.getByRole('group', { name: 'Rows failed' }).locator('.figure-value').textContent()).toBe('1');
    const error = page.getByRole('region', { name: 'Row errors' }).locator('tbody tr');
    expect(await error.count()).toBe(1);
    expect(await error.locator('td').first().textContent()).toBe('5');
    expect(await error.locator('code').textContent()).toMatch(/email/);
    // The progress bar is full once the import has completed.
    expect(await page.getByRole('progressbar').getAttribute('value')).toBe('1');

    // The list shows it with its counts, and the customers are in the database.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Imports' }).click();
    const row = page.getByRole('table', { name: 'Imports' }).locator('tbody tr').first();
    await until(() => row.locator('[data-count="ok"]').textContent(), '30');
    expect(await row.locator('.status').textContent()).toBe('completed');
  });
  expect(await world.database.db.customer.count({ where: { id: { startsWith: 'imp-' } } })).toBe(30);
});

test('a file:// URL outside the import directories is refused naming the url, and nothing starts', async () => {
  await withPage(
    browser,
    'import-bad-url',
    async (page) => {
      await signIn(page, api.url, TEST_ADMIN_KEY);
      await page.goto(`${api.url}/console/imports`);
      const form = page.getByRole('form', { name: 'Start an import' });
      await form.getByLabel('File URL on the server').fill('file:///etc/passwd');
      await form.getByRole('button', { name: 'Start import' }).click();
      await form.getByRole('alert').waitFor();
      expect(await form.getByRole('alert').textContent()).toMatch(/url/);
      expect(await page.getByRole('heading', { name: 'Imports' }).count()).toBe(1);
    },
    { allowConsoleErrors: /^400 POST \/v1\/imports\/customers$/ },
  );
  expect((await api.request('GET', '/v1/imports')).body.imports).toHaveLength(1);
});
