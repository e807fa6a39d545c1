// Bulk import throughput and memory, through the real HTTP route: `npx tsx bench/import.ts`.
// Generates 10k customers, 1k products and 100k purchase lines (then 1M customers) as temp files,
// uploads each to an API server in a child process on a scratch PostgreSQL database, and prints
// rows/s and the server's peak RSS (sampled every 50 ms) per upload.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import type { Client as TemporalClient } from '@temporalio/client';
import { Client } from 'pg';
import { composeApi } from '../src/apps/api';
import { loadApiConfig } from '../src/config/api-config';
import { devPostgres } from '../src/dev/postgres';

const ROOT = resolve(__dirname, '..');
const BIG_IMPORT_LIMIT_MS = 3 * 60_000;
const MB = 1024 * 1024;

if (process.argv[2] === 'server') void serve(process.argv[3]!, process.argv[4]!);
else
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });

/** The API in its own process, so its RSS is the server's alone; it reports the peak since the last reset. */
async function serve(url: string, key: string): Promise<void> {
  // Imports never reach Temporal: no client is needed, so none is connected.
  const config = loadApiConfig({
    LOG_LEVEL: 'silent',
    DATABASE_URL: url,
    KAIROS_BOOTSTRAP_KEY: key,
    KAIROS_SIGNING_SECRET: 'bench-signing-secret-0123456789abcdef',
  });
  const { app } = await composeApi(config, { client: {} as TemporalClient });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  let peak = process.memoryUsage().rss;
  let cpu = process.cpuUsage();
  setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50).unref();
  process.on('message', (msg) => {
    if (msg === 'reset') [peak, cpu] = [process.memoryUsage().rss, process.cpuUsage()];
    const used = process.cpuUsage(cpu);
    process.send!({ peak, rss: process.memoryUsage().rss, cpuMs: (used.user + used.system) / 1000 });
  });
  process.send!({ port: (server.address() as AddressInfo).port });
}

async function main(): Promise<void> {
  const key = `bench-${randomBytes(16).toString('hex')}`;
  const postgres = await devPostgres();
  const base = postgres.url;
  const name = `kairos_bench_${randomBytes(4).toString('hex')}`;
  const dbUrl = withDatabase(base, name);
  const dir = mkdtempSync(join(tmpdir(), 'kairos-bench-'));
  await admin(base, `CREATE DATABASE ${name}`);
  let child: ChildProcess | undefined;
  try {
    execFileSync('bash', [join(ROOT, 'scripts/prisma.sh'), 'migrate', 'deploy'], {
      env: { ...process.env, DATABASE_URL: dbUrl },
      stdio: 'ignore',
    });
    child = fork(__filename, ['server', dbUrl, key], { execArgv: process.execArgv });
    const { port } = (await once(child, 'message'))[0] as { port: number };
    const server = child;
    let asking = Promise.resolve();
    // One question at a time, so each answer is matched to its question.
    const ask = (msg: 'reset' | 'peak') => {
      const answer = asking.then(async () => {
        server.send(msg);
        return (await once(server, 'message'))[0] as { peak: number; rss: number; cpuMs: number };
      });
      asking = answer.then(() => undefined);
      return answer;
    };
    const progress = new Client({ connectionString: dbUrl });
    await progress.connect();
    console.log(`server up, RSS ${mb((await ask('peak')).rss)}; files in ${dir}`);

    const files = {
      customers: await write(
        join(dir, 'customers-10k.csv'),
        'id,email,timezone,firstName\n',
        10_000,
        (i) => `c-${i},c${i}@example.com,Europe/Ljubljana,Name${i}\n`,
      ),
      products: await write(
        join(dir, 'products-1k.csv'),
        'id,name,category,price,stock,targetStock\n',
        1_000,
        (i) => `p-${i},Product ${i},cat-${i % 20},${(5 + (i % 200)).toFixed(2)},${i % 50},20\n`,
      ),
      // 100k lines: orders of two lines each, spread over a year.
      purchases: await write(
        join(dir, 'purchases-100k.csv'),
        'orderId,customerId,productId,quantity,price,orderedAt\n',
        100_000,
        (i) => {
          const order = Math.floor(i / 2);
          const at = new Date(
            Date.UTC(2025, 0, 1) + (order % 365) * 86_400_000 + (order % 86_400) * 1000,
          ).toISOString();
          return `o-${order},c-${order % 10_000},p-${(order * 7 + (i % 2) * 13) % 1_000},${1 + (i % 3)},19.90,${at}\n`;
        },
      ),
      million: await write(
        join(dir, 'customers-1m.csv'),
        'id,email,firstName,city\n',
        1_000_000,
        (i) => `m-${i},m${i}@example.com,Name${i},City${i % 500}\n`,
      ),
    };

    for (const [kind, file] of [
      ['customers', files.customers],
      ['products', files.products],
      ['purchases', files.purchases],
      ['customers', files.million],
    ] as const) {
      await ask('reset');
      const started = Date.now();
      // The RSS over time shows whether memory is flat, not just how high it got.
      const ticker = setInterval(() => {
        void Promise.all([
          ask('peak'),
          progress.query<{ n: number }>(`SELECT rows_ok + rows_failed AS n FROM imports WHERE status = 'running'`),
        ]).then(([m, q]) =>
          console.log(
            `  ${Math.round((Date.now() - started) / 1000)} s: ${q.rows[0]?.n ?? '?'} rows, ` +
              `RSS ${mb(m.rss)} (peak ${mb(m.peak)})`,
          ),
        );
      }, 20_000);
      const result = await upload({ port, key, kind, file, limitMs: BIG_IMPORT_LIMIT_MS }).finally(() =>
        clearInterval(ticker),
      );
      const ms = Date.now() - started;
      const { peak, cpuMs } = await ask('peak');
      const cost = `server peak RSS ${mb(peak)}, server CPU ${(cpuMs / 1000).toFixed(1)} s`;
      if (result === 'timeout') {
        console.log(`${kind} ${file}: stopped after ${ms} ms (over the limit); ${cost}`);
        continue;
      }
      const rows = result.rowsOk + result.rowsFailed;
      console.log(
        `${kind.padEnd(9)} ${String(rows).padStart(7)} rows (${result.rowsFailed} failed) ` +
          `in ${(ms / 1000).toFixed(1)} s = ${Math.round(rows / (ms / 1000))} rows/s; ${cost}`,
      );
    }
    await progress.end();
  } finally {
    child?.kill();
    rmSync(dir, { recursive: true, force: true });
    await admin(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await postgres.stop();
  }
}

async function write(path: string, header: string, rows: number, line: (i: number) => string): Promise<string> {
  const out = createWriteStream(path);
  out.write(header);
  for (let i = 0; i < rows; i++) if (!out.write(line(i))) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  return path;
}

function upload({
  port,
  key,
  kind,
  file,
  limitMs,
}: {
  port: number;
  key: string;
  kind: string;
  file: string;
  limitMs: number;
}): Promise<{ rowsOk: number; rowsFailed: number } | 'timeout'> {
  return new Promise((done, fail) => {
    const req = request(
      {
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: `/v1/imports/${kind}`,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () =>
          res.statusCode === 201 ? done(JSON.parse(body)) : fail(new Error(`${res.statusCode}: ${body}`)),
        );
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done('timeout');
    }, limitMs);
    req.on('close', () => clearTimeout(timer)).on('error', (err) => (req.destroyed ? undefined : fail(err)));
    createReadStream(file).pipe(req);
  });
}

async function admin(base: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(base, 'postgres') });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const mb = (bytes: number) => `${Math.round(bytes / MB)} MB`;
