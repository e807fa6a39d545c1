// `kairos replay` run in-process on files: committed histories replay cleanly against the current
// workflow code, and a nondeterministic change is reported with the workflow id, the event where
// replay diverged and Core's error.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installQuietRuntime } from '../../src/cli/cli-context';
import { run } from '../../src/cli/kairos';
import { historyFromAnyJson } from '../../src/temporal/workflow-histories';
import { INTERPRETER_VERSION } from '../../workflows/search-attributes';
import { captureIo } from './cli-io';

const committed = join(__dirname, `../replay/histories/v${INTERPRETER_VERSION}`);
const simona = join(committed, 'simona-1.json');
const nondeterministic = join(__dirname, '../replay/fixtures/nondeterministic-workflows.ts');
const bundle = () => process.env.KAIROS_TEST_WORKFLOW_BUNDLE!;
let scratch: string;

beforeAll(() => {
  installQuietRuntime();
  scratch = mkdtempSync(join(tmpdir(), 'kairos-replay-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test('the committed histories replay against the current workflow code: exit 0 and a summary line', async () => {
  const count = readdirSync(committed).filter((f) => f.endsWith('.json')).length;
  const io = captureIo();
  expect(await run(['replay', '--file', committed], io)).toBe(0);
  expect(io.text()).toContain(`replayed ${count} histories: ${count} ok, 0 nondeterministic, 0 failed`);
});

test('a nondeterministic change exits 1 and names the workflow, the diverging event and the error', async () => {
  // Named like `kairos history export` names files, so the workflow id comes back from the name.
  const file = join(scratch, `${encodeURIComponent('customer:simona')}@run-1.json`);
  copyFileSync(simona, file);
  const events = JSON.parse(readFileSync(simona, 'utf8')).events as { eventId: string; eventType: string }[];
  // The broken code starts a timer first, so the first command the history recorded disagrees.
  const firstTask = events.findIndex((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED');
  const firstCommand = events[firstTask + 1]!;

  const io = captureIo();
  expect(await run(['replay', '--file', file, '--workflows-path', nondeterministic], io)).toBe(1);
  const text = io.text();
  expect(text).toContain('NONDETERMINISTIC  customer:simona');
  expect(text).toContain(
    `diverged at event ${firstCommand.eventId}: ${firstCommand.eventType.replace('EVENT_TYPE_', '')}`,
  );
  expect(text).toContain(`in the workflow task completed at event ${events[firstTask]!.eventId}`);
  expect(text).toContain('[TMPRL1100] Nondeterminism error');
  expect(text).toContain('replayed 1 history: 0 ok, 1 nondeterministic, 0 failed');
});

test('histories as a bare event array or an API response replay like `temporal workflow show` output', async () => {
  const { events } = JSON.parse(readFileSync(simona, 'utf8')) as { events: unknown[] };
  writeFileSync(join(scratch, 'bare.json'), JSON.stringify(events));
  writeFileSync(join(scratch, 'response.json'), JSON.stringify({ history: { events } }));
  expect(historyFromAnyJson(events).events).toHaveLength(events.length);

  const io = captureIo();
  expect(
    await run(
      ['replay', '--file', join(scratch, 'bare.json'), join(scratch, 'response.json'), '--bundle', bundle()],
      io,
    ),
  ).toBe(0);
  expect(io.text()).toContain('replayed 2 histories: 2 ok');
});

test('replay without a history source is a usage error (exit 2)', async () => {
  const io = captureIo();
  expect(await run(['replay'], io)).toBe(2);
  expect(io.text()).toContain('give one of --workflow-id, --file or --query');
});

test('a file that is not a history fails with its name (exit 1)', async () => {
  const file = join(scratch, 'not-a-history.json');
  writeFileSync(file, '{"hello": "world"}');
  const io = captureIo();
  expect(await run(['replay', '--file', file, '--bundle', bundle()], io)).toBe(1);
  expect(io.text()).toContain(`${file}: not a workflow history`);
});
