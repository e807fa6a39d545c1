// The marketer console in the machine's Chromium, on the real stack: the API (which serves the
// console), a worker, the dev server, PostgreSQL and the SendGrid sink.
import type { Browser, Page } from 'playwright-core';
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { seedTemplates } from '../helpers/seed';
import { NO_CONTACT_POLICY } from '../helpers/worker';
import { startWorld, TEST_ADMIN_KEY, type World } from '../helpers/world';
import { listen, type ApiServer } from '../integration/http';
import { confirm, launchBrowser, SCREENSHOTS, signIn as signInAt, until, withPage } from './browser';

/** Welcome, then a day's wait: customers sit on the wait, so its "waiting" count is theirs. */
const welcome = (subjectStep = 'send-welcome'): ProgramDefinitionInput => ({
  name: 'Welcome',
  entry: { event: 'signup' },
  start: subjectStep,
  steps: {
    [subjectStep]: { kind: 'send', channel: 'email', template: 'welcome', next: 'wait-a-day' },
    'wait-a-day': { kind: 'wait', duration: '1d', next: 'done' },
    done: { kind: 'exit' },
  },
});

let world: World;
let api: ApiServer;
let browser: Browser;
let readKey: string;

beforeAll(async () => {
  world = await startWorld('dev-server', { contactPolicy: NO_CONTACT_POLICY });
  api = await listen(world.api.app);
  browser = await launchBrowser();
  await seedTemplates(world.database.db, ['welcome']);
  const created = await api.request('POST', '/v1/api-keys', { json: { name: 'viewer', scopes: ['read'] } });
  readKey = created.body.key;
  expect((await api.request('POST', '/v1/programs', { json: { id: 'welcome', definition: welcome() } })).status).toBe(
    201,
  );
  expect((await api.request('POST', '/v1/programs/welcome/versions', { json: {} })).status).toBe(201);
  expect((await api.request('POST', '/v1/programs/welcome/launch', { json: { version: 1 } })).status).toBe(200);
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await world?.stop();
});

const signIn = (page: Page, key = TEST_ADMIN_KEY) => signInAt(page, api.url, key);

const count = (page: Page, step: string, what: string) =>
  page.locator(`[data-step="${step}"] [data-count="${what}"]`).textContent();

test('a program opens as a flowchart whose counts move when an event arrives', async () => {
  await withPage(browser, 'flowchart-counts', async (page) => {
    await signIn(page);
    await page.getByRole('link', { name: 'Welcome' }).click();
    await page.getByRole('figure', { name: 'Flowchart of Welcome' }).waitFor();
    expect(await count(page, 'wait-a-day', 'waiting')).toBe('0');
    const posted = await api.request('POST', '/v1/events', {
      json: { type: 'signup', customer: { email: 'ana@example.com' }, properties: {} },
    });
    expect(posted.status).toBe(202);
    await until(() => count(page, 'send-welcome', 'sent'), '1', 60_000);
    await until(() => count(page, 'wait-a-day', 'waiting'), '1', 30_000);
  });
});

test('a marketer publishes the draft and launches it from the page', async () => {
  await api.request('PUT', '/v1/programs/welcome/draft', { json: { definition: welcome('send-hello') } });
  await withPage(browser, 'publish-launch', async (page) => {
    await signIn(page);
    await page.goto(`${api.url}/console/programs/welcome`);
    await page.getByRole('button', { name: 'Publish draft' }).click();
    await confirm(page, 'Publish draft');
    await page.getByRole('button', { name: 'Launch' }).click();
    const dialog = page.getByRole('dialog', { name: 'Launch' });
    await dialog.getByLabel('Version').selectOption('2');
    await confirm(page, 'Launch');
    await until(async () => (await api.request('GET', '/v1/programs/welcome')).body.liveVersion, 2);
    // Comparing with v1 marks the renamed first step on the graph.
    await page.getByLabel('Compare with').selectOption('1');
    await page.locator('[data-step="send-hello"] .badge.change-added').waitFor();
    await page.locator('[data-step="send-welcome"] .badge.change-removed').waitFor();
  });
});

test('a marketer starts a staged rollout and aborts it', async () => {
  await withPage(browser, 'rollout', async (page) => {
    await signIn(page);
    await page.goto(`${api.url}/console/programs/welcome`);
    await page.getByRole('button', { name: 'Start rollout' }).click();
    const dialog = page.getByRole('dialog', { name: 'Start rollout' });
    await dialog.getByLabel('To version').selectOption('1');
    await confirm(page, 'Start rollout');
    await page.getByRole('link', { name: 'v2 → v1' }).click();
    await page.getByRole('button', { name: 'Abort' }).click();
    await confirm(page, 'Abort');
    await page.getByText('aborted', { exact: true }).first().waitFor();
  });
});

test('a customer is found by email and her trace says what happened', async () => {
  await api.request('POST', '/v1/customers/identify', {
    json: { customer: { email: 'simona@example.com', loyaltyId: 'LOYAL-7' }, traits: { firstName: 'Simona' } },
  });
  await api.request('POST', '/v1/events', {
    json: { type: 'signup', customer: { email: 'simona@example.com' }, properties: {} },
  });
  await withPage(browser, 'customer-trace', async (page) => {
    await signIn(page);
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByLabel('Identifier').fill('simona@example.com');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('heading', { name: /^Customer / }).waitFor();
    await until(() => page.getByRole('region', { name: 'Trace' }).textContent(), /welcome/i, 60_000);
  });
});

test('editing a template changes its preview', async () => {
  const ana = await api.request('GET', '/v1/customers?email=ana@example.com');
  await withPage(browser, 'template-preview', async (page) => {
    await signIn(page);
    await page.goto(`${api.url}/console/templates/welcome`);
    await page.getByLabel('Preview for customer id').fill(ana.body.id);
    const subject = page.getByTestId('preview-subject');
    await until(() => subject.textContent(), 'welcome for you');
    await page.getByLabel('Subject').fill('Hello {{ customer.email }}');
    await until(() => subject.textContent(), 'Hello ana@example.com');
  });
});

test('a read-only key sees no actions, and the API refuses what it forges', async () => {
  await withPage(
    browser,
    'read-only',
    async (page) => {
      await signIn(page, readKey);
      await page.goto(`${api.url}/console/programs/welcome`);
      await page.getByRole('figure', { name: 'Flowchart of Welcome' }).waitFor();
      expect(await page.getByRole('toolbar', { name: 'Release actions' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
      const forged = await page.evaluate(async (key) => {
        const res = await fetch('/v1/programs/welcome/pause', {
          method: 'POST',
          headers: { authorization: `Bearer ${key}` },
        });
        return { status: res.status, body: (await res.json()) as { requiredScope?: string } };
      }, readKey);
      expect(forged.status).toBe(403);
      expect(forged.body.requiredScope).toBe('admin');
    },
    { allowConsoleErrors: /^403 POST \/v1\/programs\/welcome\/pause$/ },
  );
});

test('the main pages, as the README shows them', async () => {
  // Written beside the failure screenshots; `npm run screenshots` copies them to docs/screenshots.
  const simona = await api.request('POST', '/v1/customers/identify', {
    json: { customer: { email: 'simona@example.com', loyaltyId: 'LOYAL-7' }, traits: { firstName: 'Simona' } },
  });
  await api.request('POST', '/v1/events', {
    json: { type: 'signup', customer: { email: 'simona@example.com' }, properties: {} },
  });
  const id = simona.body.customerId as string;
  await withPage(browser, 'pages', async (page) => {
    const shoot = async (name: string) => {
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: `${SCREENSHOTS}/pages/${name}.png` });
    };
    await signIn(page);
    await page.getByRole('heading', { name: 'Programs' }).waitFor();
    await shoot('programs');
    await page.goto(`${api.url}/console/programs/welcome`);
    await page.getByRole('figure', { name: 'Flowchart of Welcome' }).waitFor();
    await shoot('program');
    await page.goto(`${api.url}/console/customers/${id}`);
    await page.locator('.timeline li').first().waitFor({ timeout: 60_000 });
    await shoot('customer');
    await page.goto(`${api.url}/console/templates/welcome`);
    await page.getByLabel('Preview for customer id').fill(id);
    await page.getByTestId('preview-subject').waitFor();
    await shoot('template');
  });
});
