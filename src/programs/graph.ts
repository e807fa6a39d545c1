// The step graph of a program: pointers between steps, reachability and cycles that never wait.
// Pure and type-only in its imports, so validation, traces and workflow code can all share it.
import type { Step, StepKind } from '../contracts/program-language/types';

export type Steps = Readonly<Record<string, Step>>;

/** One next pointer: the step it names and where it sits inside its step (e.g. ['next', 'matched']). */
export interface StepPointer {
  to: string;
  at: (string | number)[];
}

/** Kinds that park the enrollment for a positive time, so a loop through one cannot spin. */
const WAIT_KINDS: ReadonlySet<StepKind> = new Set(['wait', 'waitUntil', 'waitPersonalized', 'waitForEvent']);

const isWait = (step: Step): boolean => WAIT_KINDS.has(step.kind);

/** Every next pointer of a step, in declaration order (duplicates kept: each has its own place). */
export function pointers(step: Step): StepPointer[] {
  switch (step.kind) {
    case 'waitForEvent':
      return [
        { to: step.next.matched, at: ['next', 'matched'] },
        { to: step.next.timedOut, at: ['next', 'timedOut'] },
      ];
    case 'branch':
      return [
        ...step.cases.map((c, i) => ({ to: c.next, at: ['cases', i, 'next'] })),
        { to: step.default, at: ['default'] },
      ];
    case 'send':
      return step.onFailure === undefined
        ? [{ to: step.next, at: ['next'] }]
        : [
            { to: step.next, at: ['next'] },
            { to: step.onFailure, at: ['onFailure'] },
          ];
    case 'exit':
      return [];
    default:
      return [{ to: step.next, at: ['next'] }];
  }
}

/** The distinct step ids a step can move to. */
export const successors = (step: Step): string[] => [...new Set(pointers(step).map((p) => p.to))];

/** Ids of the steps reachable from `start` (itself included when it exists); dangling pointers are skipped. */
export function reachableFrom(steps: Steps, start: string): Set<string> {
  const seen = new Set<string>();
  const queue = Object.hasOwn(steps, start) ? [start] : [];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (seen.has(id)) continue;
    seen.add(id);
    for (const to of successors(steps[id] as Step)) if (Object.hasOwn(steps, to) && !seen.has(to)) queue.push(to);
  }
  return seen;
}

/**
 * One concrete cycle per strongly connected group of non-wait steps, as ids from a step back to
 * itself (e.g. ['a', 'b', 'a']). Such a loop would run forever without ever parking.
 */
export function cyclesWithoutWait(steps: Steps): string[][] {
  const next = (id: string): string[] => {
    const step = steps[id] as Step;
    return isWait(step) ? [] : successors(step).filter((to) => Object.hasOwn(steps, to) && !isWait(steps[to] as Step));
  };
  const cycles: string[][] = [];
  for (const group of stronglyConnected(Object.keys(steps), next)) {
    const first = group[0] as string;
    if (group.length > 1 || next(first).includes(first)) cycles.push(cycleThrough(first, new Set(group), next));
  }
  return cycles;
}

/** Tarjan's algorithm, iterative so a long program cannot overflow the stack. Groups keep `ids` order. */
function stronglyConnected(ids: string[], next: (id: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const order = new Map(ids.map((id, i) => [id, i]));

  for (const root of ids) {
    if (index.has(root)) continue;
    const frames: { id: string; targets: string[]; i: number }[] = [];
    const enter = (id: string) => {
      index.set(id, index.size);
      low.set(id, index.get(id) as number);
      stack.push(id);
      onStack.add(id);
      frames.push({ id, targets: next(id), i: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as (typeof frames)[number];
      const to = frame.targets[frame.i++];
      if (to !== undefined) {
        if (!index.has(to)) enter(to);
        else if (onStack.has(to)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(to)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) !== index.get(frame.id)) continue;
      const group: string[] = [];
      for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
        onStack.delete(id);
        group.push(id);
        if (id === frame.id) break;
      }
      groups.push(group.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)));
    }
  }
  return groups;
}

// A shortest way from `start` back to itself inside its group (BFS), so the message stays readable.
function cycleThrough(start: string, group: Set<string>, next: (id: string) => string[]): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const to of next(id)) {
      if (!group.has(to)) continue;
      if (to === start) {
        const back: string[] = [];
        for (let at = id; at !== start; at = parent.get(at) as string) back.push(at);
        return [start, ...back.reverse(), start];
      }
      if (!parent.has(to)) {
        parent.set(to, id);
        queue.push(to);
      }
    }
  }
  return [start, start];
}
