// CPU profile of replaying customer histories: `npx tsx bench/replay-profile.ts <dir>`, where
// <dir> holds history JSON files (npm run bench saves its 200-event histories to
// bench/results/histories-<time>/). Replays in the main thread (debugMode) under the inspector,
// writes bench/results/replay-<time>.cpuprofile (open it in Chrome DevTools) and prints the
// functions with the most self time, and the files they are in.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { basename, join, resolve } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../src/worker/create-worker';
import { testDataConverter } from '../test/helpers/config';
import { printTop, type Profile } from './lib/profile';

const noop = () => undefined;
const quiet = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

async function main(dir: string, rounds = 3): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') }); // one replay worker per history logs its states at INFO
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const histories = files.map((f) => ({
    workflowId: basename(f, '.json'),
    history: historyFromJSON(JSON.parse(readFileSync(join(dir, f), 'utf8'))),
  }));
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet });
  // debugMode runs workflow code in this thread (not a worker thread), where the profiler sees it.
  // The replay options' type leaves it out; the worker honours it.
  // The bench's histories are saved as stored, encrypted with the tests' key (bench/lib/world.ts);
  // older, unencrypted ones pass through the codec.
  const options = {
    workflowBundle: { code },
    dataConverter: testDataConverter(),
    debugMode: true,
  } as Parameters<typeof Worker.runReplayHistories>[0];
  const replay = async () => {
    for await (const r of Worker.runReplayHistories(options, histories)) if (r.error) throw r.error;
  };
  await replay(); // warm-up
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const t = Date.now();
  for (let i = 0; i < rounds; i++) await replay();
  const seconds = (Date.now() - t) / 1000;
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  const out = resolve(__dirname, `results/replay-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  writeFileSync(out, JSON.stringify(profile));
  console.log(
    `${histories.length} histories × ${rounds} in ${seconds.toFixed(1)} s ` +
      `(${((histories.length * rounds) / seconds).toFixed(2)} histories/s, profiler on); profile: ${out}\n`,
  );
  printTop(profile);
}

if (require.main === module)
  main(process.argv[2] ?? join(__dirname, 'results/histories'), Number(process.argv[3] ?? 3)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
