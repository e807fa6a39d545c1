// The console's analytics page in the machine's Chromium, on the real stack: customers, their page
// views, carts and purchases are seeded through the API, and each chart draws the figures they make
// (RACE, trends beside the previous period, the funnel, geography, cohorts by first purchase and
// first seen).
import type { Browser, Page } from 'playwright-core';
import { seedCatalogue } from '../helpers/seed';
import { startWorld, TEST_ADMIN_KEY, type World } from '../helpers/world';
import { listen, type ApiServer } from '../integration/http';
import { launchBrowser, SCREENSHOTS, signIn, until, withPage } from './browser';

const DAY_MS = 86_400_000;

let world: World;
let api: ApiServer;
let browser: Browser;

async function post(type: string, name: string, daysAgo = 0, properties: object = {}): Promise<void> {
  const timestamp = new Date(Date.now() - daysAgo * DAY_MS).toISOString();
  const res = await api.request('POST', '/v1/events', {
    json: { type, customer: { email: `${name}@example.com` }, timestamp, properties },
  });
  expect(res.status).toBe(202);
}

const purchase = (name: string, price: number, daysAgo = 0) =>
  post('purchase', name, daysAgo, {
    orderId: `${name}-${daysAgo}`,
    items: [{ productId: 'dress-linen', quantity: 1, price }],
  });

/** The month of `daysAgo` days ago, YYYY-MM (UTC). */
const monthOf = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY_MS).toISOString().slice(0, 7);

const monthsBetween = (from: string, to: string) =>
  Number(to.slice(0, 4)) * 12 + Number(to.slice(5)) - (Number(from.slice(0, 4)) * 12 + Number(from.slice(5)));

beforeAll(async () => {
  world = await startWorld('dev-server');
  api = await listen(world.api.app);
  browser = await launchBrowser();
  await seedCatalogue(world.database.db);
  const places = { ana: ['FR', 'IDF'], ben: ['FR', 'PACA'], eve: ['FR', 'IDF'], cleo: ['DE', 'BE'], dan: ['DE', 'BY'] };
  for (const [name, [country, region]] of Object.entries(places))
    await api.request('POST', '/v1/customers/identify', {
      json: { customer: { email: `${name}@example.com` }, traits: { country, region } },
    });
  // Ana first bought 75 days ago, Cleo 40 days ago (the period before the last 30 days), Dan today.
  await purchase('ana', 50, 75);
  await purchase('cleo', 30, 40);
  // Today: four look, three put something in the cart, Ana and Dan buy.
  for (const name of ['ana', 'ben', 'cleo', 'dan']) await post('page_view', name);
  for (const name of ['ana', 'ben', 'dan']) await post('add_to_cart', name);
  await purchase('ana', 80);
  await purchase('dan', 70);
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await world?.stop();
});

const figure = (page: Page, label: string) => page.getByRole('group', { name: label }).locator('.figure-value');

test('the analytics page draws RACE, trends, the funnel, geography and cohorts from the seeded data', async () => {
  await withPage(browser, 'analytics', async (page) => {
    await signIn(page, api.url, TEST_ADMIN_KEY);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('heading', { name: 'Analytics' }).waitFor();

    // RACE over the last 30 days: nobody was messaged; four visited, two ordered, Ana twice by now.
    await until(() => figure(page, 'Act').textContent(), '4');
    expect(await figure(page, 'Reach').textContent()).toBe('0');
    expect(await figure(page, 'Convert').textContent()).toBe('2');
    expect(await figure(page, 'Engage').textContent()).toBe('1');

    // Trends: revenue 80 + 70 now, Cleo's 30 in the period before, drawn dashed beside it.
    const trends = page.getByRole('region', { name: 'Trends' });
    await until(() => figure(page, 'Total revenue').textContent(), '150');
    expect(await trends.getByRole('group', { name: 'Total revenue' }).textContent()).toMatch(/previous period 30/);
    const lines = trends.getByRole('figure', { name: 'Trend of revenue' }).locator('path.recharts-line-curve');
    expect(await lines.count()).toBe(2);
    expect(await lines.nth(1).getAttribute('stroke-dasharray')).toBe('6 4');
    expect(await lines.nth(0).getAttribute('stroke-dasharray')).toBeNull();
    await trends.getByLabel('Measure').selectOption('orders');
    await until(() => figure(page, 'Total orders').textContent(), '2');

    // The funnel: 4 viewed, 3 carted, 2 bought; then the steps changed to skip the cart.
    const funnel = page.getByRole('region', { name: 'Funnel' });
    const reached = (step: string) => funnel.locator(`[data-step="${step}"] [data-count="customers"]`).textContent();
    await until(() => reached('purchase'), '2');
    expect(await reached('page_view')).toBe('4');
    expect(await reached('add_to_cart')).toBe('3');
    expect(await funnel.locator('.recharts-bar-rectangle').count()).toBeGreaterThanOrEqual(3);
    await funnel.getByLabel('Steps (event types, in order)').fill('page_view,purchase');
    await funnel.getByRole('button', { name: 'Show funnel' }).click();
    await until(() => funnel.locator('tbody tr').count(), 2);
    expect(await funnel.locator('tbody tr').last().textContent()).toMatch(/50\.0%/);

    // Geography: three in France (Ana bought in the period), two in Germany (Dan did).
    const geography = page.getByRole('region', { name: 'Geography' });
    const byCountry = geography.getByRole('figure', { name: 'By country' });
    await until(() => byCountry.locator('[data-place="FR"]').textContent(), /3 customers.*1 ordered.*33\.3%/);
    expect(await byCountry.locator('[data-place="DE"]').textContent()).toMatch(/2 customers.*1 ordered.*50\.0%/);
    expect(await byCountry.locator('.recharts-bar-rectangle').count()).toBe(4);
    await geography.getByLabel('Show regions of').selectOption('DE');
    const regions = geography.getByRole('figure', { name: 'Regions of DE' });
    expect((await regions.locator('[data-place]').allTextContents()).length).toBe(2);

    // Cohorts: Ana's month, Cleo's and this one (Dan's), each bought by all its customers in month 0.
    const grid = page.getByRole('table', { name: 'Retention by cohort' });
    const cohorts = [...new Set([monthOf(75), monthOf(40), monthOf(0)])];
    await until(() => grid.locator('tbody tr').count(), cohorts.length);
    for (const month of cohorts)
      expect(await grid.locator(`[data-cohort="${month}"] [data-offset="0"]`).textContent()).toBe('100.0%');
    // Ana came back this month: her cohort's last cell, this month's, is full too.
    const anaBack = grid.locator(`[data-cohort="${monthOf(75)}"] td.cell`).last();
    expect(await anaBack.getAttribute('data-offset')).toBe(String(monthsBetween(monthOf(75), monthOf(0))));
    expect(await anaBack.textContent()).toBe('100.0%');
    const revenue = page.getByRole('figure', { name: 'Revenue by cohort' });
    expect(await revenue.locator('.recharts-bar-rectangle').count()).toBeGreaterThanOrEqual(3);

    // First seen: all five profiles are this month's, but Ana and Cleo were seen first at their
    // earlier purchases. This month's cohort is Ben, Eve and Dan, and only Dan bought.
    await page.getByLabel('Customers by').selectOption('first_seen');
    await page.getByRole('heading', { name: 'Cohorts by first seen' }).waitFor();
    const now = grid.locator(`[data-cohort="${monthOf(0)}"]`);
    await until(() => now.locator('td').first().textContent(), '3');
    expect(await now.locator('[data-offset="0"]').textContent()).toBe('33.3%');
    expect(
      await grid
        .locator(`[data-cohort="${monthOf(75)}"] td`)
        .first()
        .textContent(),
    ).toBe('1');
  });
});

test("a customer's page shows her computed traits, with her RFM quintiles as bars", async () => {
  const ana = await api.request('GET', '/v1/customers?email=ana@example.com');
  await withPage(browser, 'customer-traits', async (page) => {
    await signIn(page, api.url, TEST_ADMIN_KEY);
    await page.goto(`${api.url}/console/customers/${ana.body.id}`);
    const traits = page.getByRole('region', { name: 'Computed traits' });
    await traits.waitFor();
    // Two orders, 75 days apart: 50 then 80.
    expect(await figure(page, 'Orders').textContent()).toBe('2');
    expect(await figure(page, 'Total spent').textContent()).toBe('130');
    expect(await figure(page, 'Average order value').textContent()).toBe('65');
    expect(await figure(page, 'Buys every').textContent()).toBe('75 days');
    expect(await figure(page, 'Favourite category').textContent()).toBe('dress');
    expect(await figure(page, 'Place').textContent()).toBe('FR');
    expect(await traits.getByRole('group', { name: 'Last purchase' }).textContent()).toMatch(/0 days ago/);
    expect(
      await traits
        .getByRole('figure', { name: 'RFM quintiles' })
        .locator('.recharts-cartesian-axis-tick-value')
        .allTextContents(),
    ).toEqual(expect.arrayContaining(['Recency', 'Frequency', 'Monetary']));
  });
});

test('the main pages of the audience, as the README shows them', async () => {
  // Written beside the failure screenshots; `npm run screenshots` copies them to docs/screenshots.
  const definition = { name: 'Buyers', condition: { events: { type: 'purchase', within: '90d', count: { gte: 1 } } } };
  await api.request('POST', '/v1/segments', { json: { id: 'buyers', definition } });
  await api.request('POST', '/v1/segments/buyers/versions');
  // Ana and Dan buy again today, so they enter it as their purchases are ingested.
  await purchase('ana', 20, 0.01);
  await purchase('dan', 25, 0.01);
  const ana = await api.request('GET', '/v1/customers?email=ana@example.com');
  await withPage(browser, 'audience-pages', async (page) => {
    const shoot = async (name: string) => {
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: `${SCREENSHOTS}/pages/${name}.png`, fullPage: true });
    };
    await signIn(page, api.url, TEST_ADMIN_KEY);
    await page.goto(`${api.url}/console/analytics`);
    await page.getByRole('table', { name: 'Retention by cohort' }).waitFor();
    await shoot('analytics');
    await page.goto(`${api.url}/console/segments/buyers`);
    await until(() => figure(page, 'Members now').textContent(), '2');
    await page.getByRole('region', { name: 'Persona' }).waitFor();
    await shoot('segment');
    await page.goto(`${api.url}/console/customers/${ana.body.id}`);
    await page.getByRole('region', { name: 'Computed traits' }).waitFor();
    await shoot('customer-traits');
  });
});
