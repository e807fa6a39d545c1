// The background rebuild of the recommendation lists: one at a time, a burst of requests during a
// rebuild costs one more, and a failed rebuild does not stop later ones.
import pino from 'pino';
import { createRefreshScheduler } from '../../src/recommendations/refresh-scheduler';

const logger = pino({ level: 'silent' });

function controlledRefresh() {
  const finishers: (() => void)[] = [];
  let calls = 0;
  const refresh = () => {
    calls++;
    return new Promise<void>((resolve) => finishers.push(resolve));
  };
  return { refresh, calls: () => calls, finishNext: () => finishers.shift()?.() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('a request starts a rebuild at once and does not wait for it', () => {
  const r = controlledRefresh();
  const scheduler = createRefreshScheduler(r.refresh, logger);
  expect(scheduler.request()).toBeUndefined();
  expect(r.calls()).toBe(1);
});

test('requests during a rebuild queue exactly one more, which runs after it', async () => {
  const r = controlledRefresh();
  const scheduler = createRefreshScheduler(r.refresh, logger);
  scheduler.request();
  for (let i = 0; i < 5; i++) scheduler.request();
  expect(r.calls()).toBe(1);
  r.finishNext();
  await tick();
  expect(r.calls()).toBe(2);
  let idle = false;
  void scheduler.idle().then(() => (idle = true));
  await tick();
  expect(idle).toBe(false);
  r.finishNext();
  await tick();
  expect(idle).toBe(true);
  expect(r.calls()).toBe(2);
  scheduler.request();
  expect(r.calls()).toBe(3);
});

test('a failed rebuild is logged and the next request runs again', async () => {
  let calls = 0;
  const scheduler = createRefreshScheduler(async () => {
    if (++calls === 1) throw new Error('deadlock detected');
  }, logger);
  scheduler.request();
  await scheduler.idle();
  scheduler.request();
  await scheduler.idle();
  expect(calls).toBe(2);
});
