// The history half of a trace, from a recorded history (no server; a first-engine history, since
// the trace reads whatever histories a cluster holds): what the workflow received,
// its timers, its activities with their program and step, and the timers still open.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromAnyJson, type WorkflowRun } from '../../src/temporal/workflow-histories';
import { formatDuration, historyEntries, openTimers, runClosed } from '../../src/trace/history-entries';

const json = JSON.parse(readFileSync(join(__dirname, 'fixtures/simona-engine-v1.json'), 'utf8')) as {
  events: unknown[];
};
const run = (events: unknown[]): WorkflowRun => ({
  workflowId: 'customer:simona',
  runId: 'run-1',
  history: historyFromAnyJson({ events }),
});

test('a recorded journey reads as events received, timers, and activities with their program and step', () => {
  const entries = historyEntries([run(json.events)]);
  expect(entries.map((e) => [e.kind, e.summary])).toEqual([
    ['run', 'run run-1 started'],
    ['event', 'received purchase purchase-store-order-1'],
    ['localActivity', 'planEnrollments: candidates cross-sell v1'],
    ['localActivity', 'loadProgramVersion'],
    ['timer', 'timer 1 started: fires in 2d, at 2026-11-25T07:54:04.145Z'],
    ['localActivity', 'recordSteps'],
    ['event', expect.stringMatching(/^received site_visit /)],
    ['timer', 'timer 1 canceled'],
    ['localActivity', 'planEnrollments: no program to enter'],
    ['localActivity', 'loadProfile'],
    ['localActivity', 'recordSteps'],
    ['timer', 'timer 2 started: fires in 5h 5m, at 2026-11-24T09:00:00.061Z'],
    ['timer', 'timer 2 fired'],
    ['activity', 'sendMessage scheduled (template cross-sell)'],
    ['localActivity', 'recordSteps'],
    ['activity', 'sendMessage completed: sent'],
    ['localActivity', 'recordSteps'],
    ['localActivity', 'recordSteps'],
  ]);
  const send = entries.find((e) => e.summary === 'sendMessage completed: sent')!;
  expect(send).toMatchObject({
    program: 'cross-sell',
    step: 'send-cross-sell',
    at: '2026-11-24T09:00:00.182Z',
    detail: { runId: 'run-1', historyEventId: 26 },
  });
});

test('timers started and neither fired nor canceled are pending; a run that is still open is not closed', () => {
  const whileWaiting = run(json.events.slice(0, 9)); // up to the first task's commands: the 2-day timer
  expect(openTimers(whileWaiting)).toEqual([
    {
      kind: 'timer',
      wakeAt: '2026-11-25T07:54:04.145Z',
      summary: 'timer 1 fires at 2026-11-25T07:54:04.145Z',
      detail: { runId: 'run-1', timerId: '1', historyEventId: 8 },
    },
  ]);
  expect(openTimers(run(json.events))).toEqual([]);
  expect(runClosed(run(json.events))).toBe(false);
});

test('durations read as the largest unit and the next', () => {
  expect([
    formatDuration(172_800_000),
    formatDuration(18_356_030),
    formatDuration(42_000),
    formatDuration(250),
  ]).toEqual(['2d', '5h 5m', '42s', '250ms']);
});
