// Validation of a program definition at the edge: the schema, then the step graph, then templates.
import type { z } from 'zod';
import { cyclesWithoutWait, pointers, reachableFrom } from './graph';
import { programDefinitionSchema } from '../contracts/program-language/schema';
import { TRAIT_FIELDS, UNKNOWN_TRAIT_MESSAGE } from '../contracts/program-language/segment-schema';
import type { Condition, ProgramDefinition, StepOf } from '../contracts/program-language/types';

/** One problem, located by a JSON path such as `$.steps.wait-visit.next.matched`. */
export interface ProgramIssue {
  path: string;
  message: string;
}

export interface ValidateOptions {
  /** Which of `ids` exist; called once per validation with every template the program sends. */
  templateExists: (ids: string[]) => Promise<Set<string>>;
}

export type ValidationResult = { ok: true; definition: ProgramDefinition } | { ok: false; issues: ProgramIssue[] };

type Segment = PropertyKey;
type ZodIssue = z.core.$ZodIssue;

/** Parses and checks a program, reporting every issue found rather than the first. */
export async function validateProgram(input: unknown, options: ValidateOptions): Promise<ValidationResult> {
  const parsed = programDefinitionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.flatMap((i) => describe(i, [], input)) };
  const definition = parsed.data;
  const issues = [
    ...graphIssues(definition),
    ...traitIssues(definition),
    ...(await templateIssues(definition, options)),
  ];
  return issues.length === 0 ? { ok: true, definition } : { ok: false, issues };
}

/** A schema's failure on `input` as located problems, each union narrowed to the branch meant (segments too). */
export function schemaIssues(error: z.ZodError, input: unknown): ProgramIssue[] {
  return error.issues.flatMap((i) => describe(i, [], input));
}

/** `$.steps.check.cases[1].when`; keys that are not plain tokens use `["a b"]`. */
export function formatPath(path: readonly Segment[]): string {
  return path.reduce<string>((out, seg) => {
    if (typeof seg === 'number') return `${out}[${seg}]`;
    if (typeof seg === 'string' && /^[A-Za-z0-9_$-]+$/.test(seg)) return `${out}.${seg}`;
    return `${out}[${JSON.stringify(String(seg))}]`;
  }, '$');
}

const issueAt = (path: readonly Segment[], message: string): ProgramIssue => ({ path: formatPath(path), message });

function graphIssues(def: ProgramDefinition): ProgramIssue[] {
  const { steps, start } = def;
  const exists = (id: string) => Object.hasOwn(steps, id);
  const issues: ProgramIssue[] = [];
  if (!exists(start)) issues.push(issueAt(['start'], `start must name a step: no step "${start}"`));
  for (const [id, step] of Object.entries(steps)) {
    for (const p of pointers(step)) {
      if (!exists(p.to)) issues.push(issueAt(['steps', id, ...p.at], `dangling next pointer: no step "${p.to}"`));
    }
  }
  // Without a valid start every step would be "unreachable"; the start issue says it all.
  if (exists(start)) {
    const reachable = reachableFrom(steps, start);
    for (const id of Object.keys(steps)) {
      if (!reachable.has(id)) issues.push(issueAt(['steps', id], 'unreachable step'));
    }
    if (![...reachable].some((id) => steps[id]?.kind === 'exit')) {
      issues.push(issueAt(['steps'], 'no path ends: add an exit step reachable from start'));
    }
  }
  for (const cycle of cyclesWithoutWait(steps)) {
    issues.push(issueAt(['steps', cycle[0] as string], `cycle with no wait: ${cycle.join(' -> ')}`));
  }
  if (def.entry.key === undefined) {
    const sameKey = 'sameKey needs entry.key: without it there is no key to compare events by';
    if (def.goal?.event.sameKey) issues.push(issueAt(['goal', 'event', 'sameKey'], sameKey));
    for (const [id, step] of Object.entries(steps)) {
      if (step.kind === 'waitForEvent' && step.event.sameKey) {
        issues.push(issueAt(['steps', id, 'event', 'sameKey'], sameKey));
      }
    }
  }
  issues.push(...eventOnlyIssues(def));
  for (const [id, step] of Object.entries(def.steps)) {
    if (step.kind !== 'send') continue;
    if (step.channel === 'webhook' && !step.url)
      issues.push(issueAt(['steps', id, 'url'], 'the webhook channel needs a url'));
    if (step.channel === 'email' && step.url)
      issues.push(issueAt(['steps', id, 'url'], 'only the webhook channel takes a url'));
  }
  return issues;
}

// Goal and waitForEvent filters judge the incoming event alone: the workflow has no profile
// loaded when an event arrives, so a profile or traits path there could never match.
function eventOnlyIssues(def: ProgramDefinition): ProgramIssue[] {
  const filters: [Segment[], Condition | undefined][] = [[['goal', 'event', 'where'], def.goal?.event.where]];
  for (const [id, step] of Object.entries(def.steps)) {
    if (step.kind === 'waitForEvent') filters.push([['steps', id, 'event', 'where'], step.event.where]);
  }
  return filters.flatMap(([path, where]) =>
    fieldsOf(where)
      .filter((f) => !f.startsWith('event.'))
      .map((f) => issueAt(path, `"${f}": an event filter can only read event.* fields`)),
  );
}

// Conditions read computed traits as `traits.<name>` (src/customers/profile-scope.ts), as segments
// do: a name that is none of them reads nothing, and the condition would silently never hold (or
// always, negated). Only where traits are loaded: the entry filter and branches; goal and wait
// filters refuse every path but event.* above.
function traitIssues(def: ProgramDefinition): ProgramIssue[] {
  const conditions: [Segment[], Condition | undefined][] = [[['entry', 'where'], def.entry.where]];
  for (const [id, step] of Object.entries(def.steps)) {
    if (step.kind === 'branch')
      step.cases.forEach((c, i) => conditions.push([['steps', id, 'cases', i, 'when'], c.when]));
  }
  return conditions.flatMap(([path, condition]) =>
    comparisonsOf(condition, path)
      .filter(([, field]) => field.startsWith('traits.') && !TRAIT_FIELDS.has(field))
      .map(([at]) => issueAt([...at, 'field'], UNKNOWN_TRAIT_MESSAGE)),
  );
}

/** Each comparison's field with the path to the comparison, through all / any / not. */
function comparisonsOf(c: Condition | undefined, path: Segment[]): [Segment[], string][] {
  if (!c) return [];
  if ('all' in c) return c.all.flatMap((x, i) => comparisonsOf(x, [...path, 'all', i]));
  if ('any' in c) return c.any.flatMap((x, i) => comparisonsOf(x, [...path, 'any', i]));
  if ('not' in c) return comparisonsOf(c.not, [...path, 'not']);
  return [[path, c.field]];
}

function fieldsOf(c: Condition | undefined): string[] {
  return comparisonsOf(c, []).map(([, field]) => field);
}

async function templateIssues(def: ProgramDefinition, options: ValidateOptions): Promise<ProgramIssue[]> {
  const sends = Object.entries(def.steps).filter((e): e is [string, StepOf<'send'>] => e[1].kind === 'send');
  if (sends.length === 0) return [];
  const known = await options.templateExists([...new Set(sends.map(([, s]) => s.template))].sort());
  return sends
    .filter(([, s]) => !known.has(s.template))
    .map(([id, s]) => issueAt(['steps', id, 'template'], `unknown template "${s.template}"`));
}

// --- zod issues -> ProgramIssues. Nested union issues carry paths relative to the union, hence `base`.

function describe(issue: ZodIssue, base: readonly Segment[], input: unknown): ProgramIssue[] {
  const path = [...base, ...issue.path];
  switch (issue.code) {
    case 'invalid_union': {
      if (issue.discriminator !== undefined && issue.errors.length === 0) {
        const value = valueAt(input, path);
        const options = 'options' in issue ? (issue.options ?? []) : [];
        const allowed = `expected one of ${options.join(', ')}`;
        const what =
          value === undefined
            ? `missing ${issue.discriminator}`
            : `unknown ${issue.discriminator} ${JSON.stringify(value)}`;
        return [issueAt(path, `${what}: ${allowed}`)];
      }
      const branch = bestBranch(issue.errors, path, input);
      if (branch) return branch.flatMap((i) => describe(i, path, input));
      return [issueAt(path, unionMismatch(issue.errors, valueAt(input, path)) ?? issue.message)];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => issueAt([...path, key], `unknown field "${key}"`));
    case 'invalid_key': {
      const why = issue.issues.map((i) => i.message).join('; ');
      return [issueAt(path, `invalid key ${JSON.stringify(String(path[path.length - 1]))}: ${why}`)];
    }
    case 'invalid_type':
      if (valueAt(input, path) === undefined) return [issueAt(path, `required: expected ${issue.expected}`)];
      return [issueAt(path, issue.message.replace(/^Invalid input: /, ''))];
    default:
      return [issueAt(path, issue.message)];
  }
}

/**
 * The union branch that best fits the input: the input is the right type, has fewest keys the
 * branch does not know, fewest missing fields, then the deepest issue. Null when two tie, since
 * guessing between them would point the author at the wrong fix.
 */
function bestBranch(branches: ZodIssue[][], base: readonly Segment[], input: unknown): ZodIssue[] | null {
  const ranked = branches.map((issues) => ({ issues, rank: rank(issues, base, input) }));
  ranked.sort((a, b) => compare(a.rank, b.rank));
  const [first, second] = ranked;
  if (!first || first.rank[0] === 1) return null;
  return second && compare(first.rank, second.rank) === 0 ? null : first.issues;
}

function rank(issues: ZodIssue[], base: readonly Segment[], input: unknown): number[] {
  let wrongType = 0;
  let unknownKeys = 0;
  let missing = 0;
  let depth = 0;
  for (const i of issues) {
    if (i.path.length === 0 && i.code === 'invalid_type') wrongType = 1;
    else if (i.path.length === 0 && i.code === 'unrecognized_keys') unknownKeys += i.keys.length;
    else if (valueAt(input, [...base, ...i.path]) === undefined) missing++;
    depth = Math.max(depth, i.path.length);
  }
  return [wrongType, unknownKeys, missing, -depth, issues.length];
}

const compare = (a: number[], b: number[]): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
};

// When no branch fits: conditions get a description of their two shapes, scalars their types.
function unionMismatch(branches: ZodIssue[][], value: unknown): string | null {
  const roots = branches.map((b) =>
    b.length === 1 && b[0]?.code === 'invalid_type' && b[0].path.length === 0 ? b[0] : null,
  );
  const isCondition =
    branches.some((b) => b.some((i) => ['all', 'any', 'not'].includes(String(i.path[0])))) ||
    (roots.length > 1 && roots.every((r) => r?.expected === 'object'));
  if (isCondition) return 'not a valid condition: expected {field, op[, value]} or {all|any|not}';
  if (!roots.every((r) => r !== null)) return null;
  const expected = [...new Set(roots.map((r) => r?.expected))].join(' | ');
  return value === undefined ? `required: expected ${expected}` : `expected ${expected}, received ${typeName(value)}`;
}

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let at = root;
  for (const seg of path) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, seg)) return undefined;
    at = (at as Record<PropertyKey, unknown>)[seg];
  }
  return at;
}
