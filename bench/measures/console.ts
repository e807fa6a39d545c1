// Issue 16's quality bar: a 50-step program with 100,000 customers stays responsive, because its
// counts come from aggregate queries. Times the three reads the console makes of it over HTTP,
// then the program page in Chromium until all 50 steps show their counts, and the page's JS heap;
// and what keeping the counts costs a write: one turn's step records into the busy program.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { launchBrowser, openPage } from '../../test/console/browser';
import { writeStepRecords } from '../../src/trace/step-records';
import { CHAIN, CONSOLE_PROGRAM, CUSTOMERS, seedConsoleProgram } from '../lib/console-seed';
import { loadNow, log, percentiles, round } from '../lib/stats';
import { ADMIN_KEY, type BenchWorld } from '../lib/world';

const ROOT = resolve(__dirname, '../..');
const RUNS = 10;

interface Timing {
  p50: number;
  p95: number;
  runs: number;
  load: number;
}
export interface ConsoleResult {
  customers: number;
  stepRecords: number;
  messages: number;
  seedSeconds: number;
  programsList: Timing & { bytes: number };
  analytics: Timing & { bytes: number };
  messagesList: Timing & { bytes: number };
  /** writeStepRecords of an entry and a completed wait, counters included. */
  stepWrite: Timing;
  /** From `page.goto` of /console/programs/<id> until the 50 steps show the analytics' counts. */
  programPage: Timing & { jsHeapMb: number; jsHeapTotalMb: number };
}

/** Warm-up, then RUNS timed runs; median and p95 in ms. */
async function timed(f: () => Promise<unknown>): Promise<Timing> {
  await f();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  const p = percentiles(ms);
  return { p50: round(p.p50, 1), p95: round(p.p95, 1), runs: RUNS, load: loadNow() };
}

async function get(world: BenchWorld, path: string): Promise<number> {
  const res = await fetch(`${world.apiUrl}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 200)}`);
  return body.length;
}

async function timedGet(world: BenchWorld, path: string) {
  const bytes = await get(world, path);
  return { ...(await timed(() => get(world, path))), bytes };
}

/** Every step node is on the page and the start step shows every customer as entered. */
function countsShown(page: Page) {
  // An expression the page evaluates (its `document`, not this process's types).
  return page.waitForFunction(
    `document.querySelectorAll('[data-step]').length === ${CHAIN + 1} &&
     document.querySelector('[data-step="s01"] [data-count="entered"]')?.textContent === '${CUSTOMERS}'`,
    undefined,
    { timeout: 120_000 },
  );
}

/** A new customer's first turn in the busy program: its entry, and its first wait done. */
function writeTurn(world: BenchWorld, n: number) {
  const customerId = `bench-write-${n}`;
  const enrollmentId = `${customerId}/${CONSOLE_PROGRAM}`;
  const ref = { customerId, enrollmentId, programId: CONSOLE_PROGRAM, version: 1, variant: null, stepId: 's01' };
  return writeStepRecords(world.db, [
    { ...ref, id: `${enrollmentId}/0`, kind: 'enter', outcome: 'entered', detail: {}, at: Date.now() },
    { ...ref, id: `${enrollmentId}/1`, kind: 'wait', outcome: 'waited', detail: { next: 's02' }, at: Date.now() },
  ]);
}

export async function benchConsole(world: BenchWorld): Promise<ConsoleResult> {
  const t = performance.now();
  const seeded = await seedConsoleProgram(world);
  const seedSeconds = round((performance.now() - t) / 1000, 1);
  log(`console: seeded ${seeded.stepRecords} step records, ${seeded.messages} messages in ${seedSeconds} s`);

  const programsList = await timedGet(world, '/v1/programs');
  const analytics = await timedGet(world, `/v1/programs/${CONSOLE_PROGRAM}/analytics`);
  const messagesList = await timedGet(world, `/v1/messages?programId=${CONSOLE_PROGRAM}`);
  log(`console: list ${programsList.p50} ms, analytics ${analytics.p50} ms, messages ${messagesList.p50} ms`);

  execFileSync('bash', [`${ROOT}/scripts/build-console.sh`], { stdio: 'ignore' }); // skipped when up to date
  const browser = await launchBrowser();
  try {
    const { page, consoleErrors } = await openPage(browser);
    await page.goto(`${world.apiUrl}/console/`);
    await page.getByLabel('API key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
    const url = `${world.apiUrl}/console/programs/${CONSOLE_PROGRAM}`;
    // A fresh load each run (the session key survives it): the API reads, the bundle from cache, the layout.
    const pageTiming = await timed(async () => {
      await page.goto(url);
      await countsShown(page);
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    if (consoleErrors.length) throw new Error(`console errors: ${consoleErrors.join('; ')}`);
    const mb = (bytes: number) => round(bytes / 2 ** 20, 1);
    const programPage = { ...pageTiming, jsHeapMb: mb(heap.usedSize), jsHeapTotalMb: mb(heap.totalSize) };
    log(`console: program page ${programPage.p50} ms, JS heap ${programPage.jsHeapMb} MB`);
    // After the page, whose check counts exactly CUSTOMERS entries.
    let turn = 0;
    const stepWrite = await timed(() => writeTurn(world, ++turn));
    log(`console: a turn's step records written in ${stepWrite.p50} ms`);

    return {
      customers: CUSTOMERS,
      ...seeded,
      seedSeconds,
      programsList,
      analytics,
      messagesList,
      stepWrite,
      programPage,
    };
  } finally {
    await browser.close();
  }
}

export function printConsole(r: { console?: ConsoleResult }): void {
  const c = r.console;
  if (!c) return;
  const row = (what: string, x: Timing, extra: string) =>
    console.log(`| ${what} | ${x.p50} | ${x.p95} | ${extra}load ${x.load} |`);
  console.log(
    `\nConsole, a 50-step program with ${c.customers} customers (${c.stepRecords} step records, ` +
      `${c.messages} messages; seeded in ${c.seedSeconds} s), ${c.programPage.runs} runs after a warm-up:\n`,
  );
  console.log('| Read | p50 ms | p95 ms | |');
  console.log('|---|---|---|---|');
  row('GET /v1/programs', c.programsList, `${c.programsList.bytes} B; `);
  row(`GET /v1/programs/${CONSOLE_PROGRAM}/analytics`, c.analytics, `${c.analytics.bytes} B; `);
  row(`GET /v1/messages?programId=${CONSOLE_PROGRAM}`, c.messagesList, `${c.messagesList.bytes} B; `);
  row("A turn's step records written (2 rows, counters included)", c.stepWrite, '');
  row(
    'Program page in Chromium, until 50 steps show counts',
    c.programPage,
    `JS heap ${c.programPage.jsHeapMb} MB used of ${c.programPage.jsHeapTotalMb}; `,
  );
}
