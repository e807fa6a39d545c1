// The program lifecycle's allowed moves, and the 409 that names where a move is allowed from.
import { assertLaunchable, nextStatus } from '../../src/programs/program-states';

test('live ⇄ paused, live or paused → stopped → archived', () => {
  expect(nextStatus('live', 'pause')).toBe('paused');
  expect(nextStatus('paused', 'resume')).toBe('live');
  expect(nextStatus('live', 'stop')).toBe('stopped');
  expect(nextStatus('paused', 'stop')).toBe('stopped');
  expect(nextStatus('stopped', 'archive')).toBe('archived');
});

test('other moves are conflicts that say where they are allowed from', () => {
  expect(() => nextStatus('draft', 'pause')).toThrow('cannot pause a draft program: only from live');
  expect(() => nextStatus('archived', 'stop')).toThrow('cannot stop an archived program: only from live or paused');
  expect(() => nextStatus('live', 'archive')).toThrow('cannot archive a live program: only from stopped');
  expect(() => assertLaunchable('paused')).toThrow('resume it first');
  expect(() => assertLaunchable('stopped')).toThrow('it has ended');
  expect(() => assertLaunchable('live')).not.toThrow();
});
