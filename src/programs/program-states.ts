// A program's lifecycle. What each state means for customers (docs/ARCHITECTURE.md, "Program
// states"): live takes entrants; paused takes none and holds in-flight customers before their
// next send; stopped makes in-flight customers exit at their next step; archived is stopped, filed.
import type { StateAction } from '../contracts/program-language/program-schema';
import { ConflictError } from '../core/errors';

export const PROGRAM_STATUSES = ['draft', 'live', 'paused', 'stopped', 'archived'] as const;
export type ProgramStatus = (typeof PROGRAM_STATUSES)[number];

const TRANSITIONS: Record<StateAction, { from: ProgramStatus[]; to: ProgramStatus }> = {
  pause: { from: ['live'], to: 'paused' },
  resume: { from: ['paused'], to: 'live' },
  stop: { from: ['live', 'paused'], to: 'stopped' },
  archive: { from: ['stopped'], to: 'archived' },
};

export const STATE_ACTIONS = Object.keys(TRANSITIONS) as StateAction[];

/** The state changes a program in `status` allows (the console offers just these). */
export const actionsFrom = (status: string): StateAction[] =>
  STATE_ACTIONS.filter((action) => (TRANSITIONS[action].from as string[]).includes(status));

/** The state `action` leads to from `current`, or a 409 naming the states it is allowed from. */
export function nextStatus(current: string, action: StateAction): ProgramStatus {
  const t = TRANSITIONS[action];
  if (!t.from.includes(current as ProgramStatus)) {
    throw new ConflictError(
      `cannot ${action} ${article(current)} ${current} program: only from ${t.from.join(' or ')}`,
    );
  }
  return t.to;
}

/** Launching a version: from draft (the first launch) or live (a new version for new entrants). */
export function assertLaunchable(current: string): void {
  if (current !== 'draft' && current !== 'live') {
    throw new ConflictError(
      `cannot launch a version of a ${current} program: ${current === 'paused' ? 'resume it first' : 'it has ended'}`,
    );
  }
}

const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');
