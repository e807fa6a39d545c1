// The imports bench's API or worker (bench/measures/imports.ts), each in a process of its own so
// that its peak RSS is its own: `tsx bench/import.ts api|worker <workflow bundle path>`, with the
// processes' settings as JSON in KAIROS_BENCH_VARS. It answers `reset` and `peak` over IPC with its
// RSS now, its peak since the last reset (sampled every 50 ms) and its CPU time since then.
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { composeApi } from '../src/apps/api';
import { composeWorker } from '../src/apps/worker';
import { loadApiConfig } from '../src/config/api-config';
import { loadWorkerConfig } from '../src/config/worker-config';

const [role, bundlePath] = process.argv.slice(2);
const vars = JSON.parse(process.env.KAIROS_BENCH_VARS ?? '{}') as Record<string, string>;

void (async () => {
  let ready: Record<string, unknown>;
  if (role === 'api') {
    const { app } = await composeApi(loadApiConfig(vars));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    ready = { port: (server.address() as AddressInfo).port };
  } else {
    const { worker } = await composeWorker(loadWorkerConfig(vars), { workflowBundle: { codePath: bundlePath! } });
    void worker.run();
    ready = {};
  }
  let peak = process.memoryUsage().rss;
  let cpu = process.cpuUsage();
  setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50).unref();
  process.on('message', (msg) => {
    if (msg === 'reset') [peak, cpu] = [process.memoryUsage().rss, process.cpuUsage()];
    const used = process.cpuUsage(cpu);
    process.send!({ peak, rss: process.memoryUsage().rss, cpuMs: (used.user + used.system) / 1000 });
  });
  process.send!(ready);
})();
