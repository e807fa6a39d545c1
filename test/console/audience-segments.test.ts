// The console's segments and broadcasts in the machine's Chromium, on the real stack with the
// outbox relay running: a segment is created, edited and published from the console and gains its
// members as their purchases arrive, with its persona drawn, its size in the list and its members'
// pages; a broadcast created from the console is paused by its Pause button and, resumed, runs to
// the end with its progress on the page.
import type { Browser, Page } from 'playwright-core';
import { startBroadcastWorld, seedSegment, type BroadcastWorld } from '../broadcasts/broadcast-world';
import { seedCatalogue } from '../helpers/seed';
import { TEST_ADMIN_KEY } from '../helpers/world';
import { names } from '../integration/admin';
import { confirm, launchBrowser, signIn, until, withPage } from './browser';

let w: BroadcastWorld;
let browser: Browser;

beforeAll(async () => {
  w = await startBroadcastWorld();
  browser = await launchBrowser();
  await seedCatalogue(w.world.database.db);
});
afterAll(async () => {
  await browser?.close();
  await w?.stop();
});

async function purchase(name: string, orderId: string, price: number): Promise<void> {
  const res = await w.http.request('POST', '/v1/events', {
    json: {
      type: 'purchase',
      customer: { email: `${name}@example.com` },
      properties: { orderId, items: [{ productId: 'dress-linen', quantity: 1, price }] },
    },
  });
  expect(res.status).toBe(202);
}

const figure = (page: Page, label: string) => page.getByRole('group', { name: label }).locator('.figure-value');

test('a segment created and published from the console gains members as they buy, and draws its persona', async () => {
  const buyers = ['ines', 'jonas', 'karin', 'lotte'];
  for (const [i, n] of buyers.entries()) await purchase(n, `first-${n}`, 40 + i * 10);
  await withPage(browser, 'segment-publish', async (page) => {
    await signIn(page, w.http.url, TEST_ADMIN_KEY);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Segments' }).click();
    await page.getByRole('button', { name: 'New segment' }).click();
    const dialog = page.getByRole('dialog', { name: 'New segment' });
    await dialog.getByLabel('Id').fill('repeat-buyers');
    await dialog.getByLabel('Name').fill('Repeat buyers');
    await confirm(page, 'New segment');
    await page.getByRole('heading', { name: /^Repeat buyers/ }).waitFor();
    expect(await page.locator('h1 .status').textContent()).toBe('draft');

    // The draft as JSON: edited to add a description, saved, then published.
    const draft = page.getByLabel('Definition (JSON)');
    const definition = JSON.parse(await draft.inputValue());
    expect(definition.condition).toEqual({ events: { type: 'purchase', within: '30d', count: { gte: 2 } } });
    await draft.fill(JSON.stringify({ ...definition, description: 'Bought twice within 30 days' }, null, 2));
    await page.getByRole('button', { name: 'Save draft' }).click();
    await until(
      async () => (await w.http.request('GET', '/v1/segments/repeat-buyers')).body.draft.description,
      'Bought twice within 30 days',
    );
    await page.getByRole('button', { name: 'Publish' }).click();
    await confirm(page, 'Publish');
    await until(() => page.locator('h1 .status').textContent(), 'live');
    expect(await figure(page, 'Evaluated version').textContent()).toBe('v1');

    // Three of the four buy again: each enters as their event is ingested.
    for (const n of buyers.slice(0, 3)) await purchase(n, `second-${n}`, 100);
    await until(() => figure(page, 'Members now').textContent(), '3', 60_000);
    const persona = page.getByRole('region', { name: 'Persona' });
    await until(() => figure(page, 'Share of customers').textContent(), '75.0%');
    expect(await persona.getByRole('group', { name: 'Share of customers' }).textContent()).toMatch(/3 of 4/);
    // Members spent 140, 150 and 160; every customer 40 + 50 + 60 + 70 + 300.
    await until(() => figure(page, 'Lifetime value (mean)').textContent(), '150');
    await persona.getByRole('figure', { name: 'Size over time' }).locator('.recharts-line-curve').waitFor();
    const categories = persona.getByRole('figure', { name: 'Top categories' });
    expect(await categories.locator('.recharts-bar-rectangle path').count()).toBeGreaterThanOrEqual(2);
    expect(await categories.locator('.recharts-cartesian-axis-tick-value').allTextContents()).toContain('dress');

    // The list shows it live, with its size.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Segments' }).click();
    const row = page.locator('[data-segment="repeat-buyers"]');
    await until(() => row.locator('[data-count="members"]').textContent(), '3');
    expect(await row.locator('.status').textContent()).toBe('live');
    expect(await page.getByRole('figure', { name: 'Segment sizes' }).locator('.recharts-bar-rectangle').count()).toBe(
      1,
    );

    // A member's page lists the segment as one they are in now; lotte, who bought once, is in none.
    const ines = await w.http.request('GET', '/v1/customers?email=ines@example.com');
    await page.goto(`${w.http.url}/console/customers/${ines.body.id}`);
    const spell = page.getByRole('region', { name: 'Segments' }).locator('li[data-segment="repeat-buyers"]');
    expect(await spell.textContent()).toMatch(/^repeat-buyers v1 · entered .* · in it now$/);
    const lotte = await w.http.request('GET', '/v1/customers?email=lotte@example.com');
    await page.goto(`${w.http.url}/console/customers/${lotte.body.id}`);
    await page.getByRole('region', { name: 'Segments' }).getByText('In no segment, now or before.').waitFor();
  });
  const members = await w.world.database.db.segmentMembership.count({
    where: { segmentId: 'repeat-buyers', leftAt: null },
  });
  expect(members).toBe(3);
});

test('a broadcast created from the console is paused by its Pause button, and resumed it runs to the end', async () => {
  await seedSegment(w.world, 'newsletter', names('bc', 60));
  await withPage(browser, 'broadcast-pause', async (page) => {
    await signIn(page, w.http.url, TEST_ADMIN_KEY);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Broadcasts' }).click();
    await page.getByRole('button', { name: 'New broadcast' }).click();
    const dialog = page.getByRole('dialog', { name: 'New broadcast' });
    await dialog.getByLabel('Name').fill('Summer news');
    await dialog.getByLabel('Segment').selectOption('newsletter');
    await dialog.getByLabel('Template').selectOption('news');
    await confirm(page, 'New broadcast');
    await page.getByRole('heading', { name: /^Summer news/ }).waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;

    await page.getByRole('button', { name: 'Pause' }).click();
    await confirm(page, 'Pause');
    await until(() => page.locator('h1 .status').textContent(), 'paused');
    const paused = await w.http.request('GET', `/v1/broadcasts/${id}`);
    expect(paused.body.status).toBe('paused');
    expect((await w.http.request('GET', `/v1/programs/${paused.body.programId}`)).body.status).toBe('paused');

    await page.getByRole('button', { name: 'Resume' }).click();
    await confirm(page, 'Resume');
    await until(() => page.locator('h1 .status').textContent(), 'completed', 120_000);
    expect(await figure(page, 'Targeted').textContent()).toBe('60');
    await until(() => figure(page, 'Sent').textContent(), '60');
    const stages = page.getByRole('figure', { name: 'Recipients by stage' });
    expect(await stages.locator('.recharts-bar-rectangle').count()).toBe(6);
    expect(await stages.locator('.recharts-label-list').first().textContent()).toContain('60');
    expect(await page.getByRole('toolbar', { name: 'Broadcast actions' }).count()).toBe(0);

    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Broadcasts' }).click();
    const row = page.getByRole('table', { name: 'Broadcasts' }).getByRole('row', { name: /Summer news/ });
    // The list first shows what it cached when the broadcast was created, then its refetch.
    await until(() => row.locator('.status').textContent(), 'completed');
  });
});

test('a broadcast scheduled from the console waits for its time, and its Cancel button ends it', async () => {
  await seedSegment(w.world, 'later', names('later', 3));
  await withPage(browser, 'broadcast-schedule', async (page) => {
    await signIn(page, w.http.url, TEST_ADMIN_KEY);
    await page.goto(`${w.http.url}/console/broadcasts`);
    await page.getByRole('button', { name: 'New broadcast' }).click();
    const dialog = page.getByRole('dialog', { name: 'New broadcast' });
    await dialog.getByLabel('Name').fill('Tomorrow');
    await dialog.getByLabel('Segment').selectOption('later');
    // A day ahead, in the browser's local time as datetime-local takes it.
    const tomorrow = new Date(Date.now() + 86_400_000);
    const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await dialog.getByLabel('Send at (empty: now)').fill(local);
    await confirm(page, 'New broadcast');
    await page.getByRole('heading', { name: /^Tomorrow/ }).waitFor();
    expect(await page.locator('h1 .status').textContent()).toBe('scheduled');
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const scheduled = await w.http.request('GET', `/v1/broadcasts/${id}`);
    expect(Math.abs(Date.parse(scheduled.body.sendAt) - tomorrow.getTime())).toBeLessThan(60_000);
    expect(scheduled.body.progress.targeted).toBeNull();

    await page.getByRole('button', { name: 'Cancel broadcast' }).click();
    await confirm(page, 'Cancel broadcast');
    await until(() => page.locator('h1 .status').textContent(), 'cancelled');
    expect((await w.http.request('GET', `/v1/broadcasts/${id}`)).body.status).toBe('cancelled');
  });
});
