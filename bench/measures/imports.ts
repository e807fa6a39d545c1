// Bulk imports as jobs (issue 19): `npm run bench -- imports`. The API and a worker run in child
// processes of their own (bench/import.ts) on the bench's PostgreSQL and Temporal, on a task queue
// of their own. Generated files: BENCH_IMPORT_CUSTOMERS customers (1M) uploaded over HTTP, 10k
// products and BENCH_IMPORT_PURCHASES purchase lines (10M) named by file:// URLs. Each import is
// timed from the POST until GET /v1/imports/:id says completed; rows/s is over that time, and each
// process's peak RSS and CPU is over it too.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TEST_PAYLOAD_KEYS } from '../../test/helpers/config';
import { loadNow, log, round, sleep } from '../lib/stats';
import { ADMIN_KEY, type BenchWorld } from '../lib/world';

const CUSTOMERS = Number(process.env.BENCH_IMPORT_CUSTOMERS ?? 1_000_000);
const PRODUCTS = 10_000;
const PURCHASES = Number(process.env.BENCH_IMPORT_PURCHASES ?? 10_000_000);
const MB = 1024 * 1024;

interface Usage {
  peak: number;
  rss: number;
  cpuMs: number;
}

export interface ImportRow {
  kind: string;
  source: 'upload' | 'file';
  rows: number;
  fileMb: number;
  seconds: number;
  rowsPerSecond: number;
  apiPeakRssMb: number;
  workerPeakRssMb: number;
  apiCpuSeconds: number;
  workerCpuSeconds: number;
  load: number;
}

/** A child process of bench/import.ts, asked one question at a time so each answer meets its question. */
async function startChild(role: 'api' | 'worker', vars: Record<string, string>, bundlePath: string) {
  const child: ChildProcess = fork(resolve(__dirname, '../import.ts'), [role, bundlePath], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, KAIROS_BENCH_VARS: JSON.stringify(vars) },
  });
  const ready = (await once(child, 'message'))[0] as { port?: number };
  let asking = Promise.resolve();
  const ask = (msg: 'reset' | 'peak') => {
    const answer = asking.then(async () => {
      child.send(msg);
      return (await once(child, 'message'))[0] as Usage;
    });
    asking = answer.then(() => undefined);
    return answer;
  };
  return { port: ready.port, ask, stop: () => child.kill('SIGKILL') };
}

async function write(path: string, header: string, rows: number, line: (i: number) => string): Promise<string> {
  const out = createWriteStream(path);
  out.write(header);
  for (let i = 0; i < rows; i++) if (!out.write(line(i))) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  return path;
}

function post(port: number, kind: string, headers: Record<string, string>, body: NodeJS.ReadableStream | string) {
  return new Promise<{ id: string }>((done, fail) => {
    const req = request(
      {
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: `/v1/imports/${kind}`,
        headers: { ...headers, authorization: `Bearer ${ADMIN_KEY}` },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () =>
          res.statusCode === 202 ? done(JSON.parse(text)) : fail(new Error(`${res.statusCode}: ${text}`)),
        );
      },
    );
    req.on('error', fail);
    if (typeof body === 'string') req.end(body);
    else body.pipe(req);
  });
}

async function report(port: number, id: string) {
  const res = await fetch(`http://127.0.0.1:${port}/v1/imports/${id}`, {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  return (await res.json()) as {
    status: string;
    rowsOk: number;
    rowsFailed: number;
    rowsPerSecond: number | null;
    /** Absent from a problem answer. */
    errors?: unknown[];
  };
}

export async function benchImports(world: BenchWorld): Promise<ImportRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kairos-bench-imports-'));
  const sources = join(dir, 'sources');
  mkdirSync(sources);
  const vars = {
    KAIROS_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: world.databaseUrl,
    TEMPORAL_ADDRESS: world.temporalAddress,
    // A task queue of their own: the bench world's worker in this process takes no import.
    TEMPORAL_TASK_QUEUE: 'kairos-bench-imports',
    KAIROS_SIGNING_SECRET: 'bench-signing-secret-0123456789abcdef',
    KAIROS_BOOTSTRAP_KEY: ADMIN_KEY,
    KAIROS_RATE_LIMIT_PER_MINUTE: '1000000',
    SENDGRID_API_KEY: 'SG.bench-key',
    KAIROS_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    KAIROS_IMPORT_DIR: join(dir, 'uploads'),
    KAIROS_IMPORT_SOURCE_DIRS: sources,
  };
  const bundlePath = join(dir, 'workflows.js');
  writeFileSync(bundlePath, world.workflowCode);
  const api = await startChild('api', vars, bundlePath);
  const worker = await startChild('worker', vars, bundlePath);
  const rows: ImportRow[] = [];
  try {
    log(`imports: writing ${CUSTOMERS} customers, ${PRODUCTS} products, ${PURCHASES} purchase lines in ${dir}`);
    const customers = await write(
      join(dir, 'customers.csv'),
      'id,email,firstName,city\n',
      CUSTOMERS,
      (i) => `m-${i},m${i}@example.com,Name${i},City${i % 500}\n`,
    );
    const products = await write(
      join(sources, 'products.csv'),
      'id,name,category,price,stock,targetStock\n',
      PRODUCTS,
      (i) => `p-${i},Product ${i},cat-${i % 50},${(5 + (i % 200)).toFixed(2)},${i % 50},20\n`,
    );
    // Orders of two lines each, over a year, from every customer in turn.
    const day = 86_400_000;
    const purchases = await write(
      join(sources, 'purchases.csv'),
      'orderId,customerId,productId,quantity,price,orderedAt\n',
      PURCHASES,
      (i) => {
        const order = Math.floor(i / 2);
        const at = new Date(Date.UTC(2025, 0, 1) + (order % 365) * day + (order % 86_400) * 1000).toISOString();
        const product = (order * 7 + (i % 2) * 13) % PRODUCTS;
        return `o-${order},m-${order % CUSTOMERS},p-${product},${1 + (i % 3)},19.90,${at}\n`;
      },
    );
    const runs = [
      { kind: 'customers', source: 'upload' as const, file: customers, count: CUSTOMERS },
      { kind: 'products', source: 'file' as const, file: products, count: PRODUCTS },
      { kind: 'purchases', source: 'file' as const, file: purchases, count: PURCHASES },
    ];
    for (const run of runs) {
      await Promise.all([api.ask('reset'), worker.ask('reset')]);
      const started = Date.now();
      const { id } =
        run.source === 'upload'
          ? await post(api.port!, run.kind, { 'content-type': 'text/csv' }, createReadStream(run.file))
          : await post(
              api.port!,
              run.kind,
              { 'content-type': 'application/json' },
              JSON.stringify({ url: pathToFileURL(run.file).href }),
            );
      let last = Date.now();
      let done;
      for (;;) {
        done = await report(api.port!, id);
        if (done.status !== 'queued' && done.status !== 'running') break;
        if (Date.now() - last > 30_000) {
          last = Date.now();
          const [a, w] = await Promise.all([api.ask('peak'), worker.ask('peak')]);
          log(
            `  ${run.kind}: ${done.rowsOk + done.rowsFailed} rows after ${Math.round((last - started) / 1000)} s, ` +
              `${done.rowsPerSecond ?? '?'} rows/s; RSS api ${Math.round(a.rss / MB)} MB, ` +
              `worker ${Math.round(w.rss / MB)} MB; load ${loadNow()}`,
          );
        }
        await sleep(500);
      }
      const seconds = (Date.now() - started) / 1000;
      const [a, w] = await Promise.all([api.ask('peak'), worker.ask('peak')]);
      if (done.status !== 'completed' || done.rowsOk !== run.count)
        throw new Error(
          `${run.kind} import ended ${done.status} with ${done.rowsOk} of ${run.count}: ` +
            JSON.stringify(done.errors?.slice(-3) ?? done),
        );
      const row: ImportRow = {
        kind: run.kind,
        source: run.source,
        rows: done.rowsOk,
        fileMb: round(statSync(run.file).size / MB, 1),
        seconds: round(seconds, 1),
        rowsPerSecond: Math.round(done.rowsOk / seconds),
        apiPeakRssMb: Math.round(a.peak / MB),
        workerPeakRssMb: Math.round(w.peak / MB),
        apiCpuSeconds: round(a.cpuMs / 1000, 1),
        workerCpuSeconds: round(w.cpuMs / 1000, 1),
        load: loadNow(),
      };
      log(`imports: ${JSON.stringify(row)}`);
      rows.push(row);
    }
    return rows;
  } finally {
    api.stop();
    worker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printImports(result: { imports?: ImportRow[] }): void {
  if (!result.imports) return;
  console.log('\n### Imports (one job each; API and worker in processes of their own)\n');
  console.log(
    '| kind | source | rows | file MB | seconds | rows/s | API peak RSS MB | worker peak RSS MB | ' +
      'API CPU s | worker CPU s | load |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of result.imports)
    console.log(
      `| ${r.kind} | ${r.source} | ${r.rows} | ${r.fileMb} | ${r.seconds} | ${r.rowsPerSecond} | ${r.apiPeakRssMb} | ` +
        `${r.workerPeakRssMb} | ${r.apiCpuSeconds} | ${r.workerCpuSeconds} | ${r.load} |`,
    );
}
