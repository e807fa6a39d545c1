// What the flowchart highlights when two versions are compared: steps added, changed and removed
// (a removed step is drawn from the other version, so the reader sees what went away).
import type { ProgramDefinition, Step } from '../../../src/contracts/program-language/types';
import type { Change } from './layout';

export function changesOf(
  diff: { steps: { added: string[]; removed: string[]; changed: string[] } },
  other: ProgramDefinition,
): { changes: Record<string, Change>; removed: Record<string, Step> } {
  const changes: Record<string, Change> = {};
  for (const id of diff.steps.added) changes[id] = 'added';
  for (const id of diff.steps.changed) changes[id] = 'changed';
  const removed: Record<string, Step> = {};
  for (const id of diff.steps.removed) {
    changes[id] = 'removed';
    const step = other.steps[id];
    if (step) removed[id] = step;
  }
  return { changes, removed };
}
