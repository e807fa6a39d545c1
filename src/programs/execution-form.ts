// The execution form of a program version (src/core/program.ts `Program`) as it is stored: written
// at publish beside the definition (program_versions.compiled), brought up to date by the worker
// at startup, and checked where it is read, so the engine never parses a definition and a
// malformed row is refused by name, not met as a TypeError inside a workflow. During a deploy a
// row may hold no form or another build's format; then this build compiles its own from the
// definition (executionFormOf).
import type { ZodError } from 'zod';
import { sqlRows, type Db } from '../db/prisma';
import { FORMAT_VERSION, type CompiledStep, type Program } from '../core/program';
import { compileProgram } from './compile';
import { programDefinitionSchema } from '../contracts/program-language/schema';
import type { StepKind } from '../contracts/program-language/types';

/** A version's stored execution form is missing or malformed: nothing a retry can mend. */
export class ExecutionFormError extends Error {
  override name = 'ExecutionFormError';
  constructor(programId: string, version: number, problem: string) {
    super(`program ${programId} version ${version}: execution form ${problem}`);
  }
}

/**
 * The stored form as the engine's `Program`, or an ExecutionFormError naming the first problem.
 *
 * How deep: compileProgram is the only writer, from a definition the full schema accepted, so what
 * a row can realistically hold instead is no form (published before forms were stored, and not
 * yet recompiled), an older format, or the wrong shape from a hand edit or a bug (the marketer's
 * form, durations as text). The checks cover those, and what the engine dereferences before a
 * step runs: the format version, the entry, the steps and their kinds, start, and every field
 * compiling produces (the durations in ms). They are written against `Program` and `CompiledStep`,
 * so renaming a field there fails to compile here; they are not a second schema of the form.
 * Conditions, templates and next pointers are not checked: a fault there fails inside its own
 * enrollment with an error step that names it (the engine reports a pointer to no step), and
 * checking them per event would cost a parse of the whole form on the hot path.
 */
export function readExecutionForm(value: unknown, programId: string, version: number): Program {
  const problem = formProblem(value);
  if (problem !== null) throw new ExecutionFormError(programId, version, problem);
  return value as Program;
}

/**
 * This build's form of a version: the stored one when it is in this build's format, else compiled
 * from the definition. A row has none when an API of an older build published it after the
 * workers started, and another format when a newer build's worker rewrote it (recompileStale)
 * while this build's workers still run pinned customers: both only during a deploy, and neither
 * may stop a customer. Readers pass the definition only when they need it (storedFormSql).
 */
export function executionFormOf(
  row: { compiled: unknown; definition?: unknown },
  programId: string,
  version: number,
): Program {
  if (row.definition === undefined || row.definition === null)
    return readExecutionForm(row.compiled, programId, version);
  const compiled = compileDefinition(row.definition);
  if ('error' in compiled)
    throw new ExecutionFormError(programId, version, `cannot be compiled: ${compiled.error.message.slice(0, 300)}`);
  return compiled.program;
}

/** A stored definition compiled, or why it no longer parses. */
function compileDefinition(definition: unknown): { program: Program } | { error: ZodError } {
  const parsed = programDefinitionSchema.safeParse(definition);
  return parsed.success ? { program: compileProgram(parsed.data) } : { error: parsed.error };
}

/**
 * SQL: a version row `v` as `{ compiled, definition }`, the definition only when the stored form
 * is not in this build's format (so the hot path does not read it).
 */
export const storedFormSql = (v: string) =>
  `jsonb_build_object('compiled', ${v}.compiled, 'definition', CASE WHEN (${v}.compiled ->> 'formatVersion') ` +
  `IS DISTINCT FROM '${FORMAT_VERSION}' THEN ${v}.definition END)`;

/** A version's form by (programId, version). Versions are immutable, so callers may cache it anywhere. */
export async function loadExecutionForm(db: Db, programId: string, version: number): Promise<Program> {
  const [row] = await sqlRows<{ form: { compiled: unknown; definition?: unknown } }>(
    db,
    `SELECT ${storedFormSql('v')} AS form FROM program_versions v WHERE v.program_id = $1 AND v.version = $2`,
    [programId, version],
  );
  if (!row) throw new ExecutionFormError(programId, version, 'missing: no such version');
  // The form compiled at publish (or, mid-deploy, compiled here), checked: a malformed one is a
  // named, non-retryable error (src/worker/poison-failures.ts), not a TypeError in a workflow.
  return executionFormOf(row.form, programId, version);
}

/** Every step kind the engine runs: `satisfies` fails to compile when the schema gains or loses one. */
const STEP_KINDS = {
  wait: true,
  waitUntil: true,
  waitPersonalized: true,
  waitForEvent: true,
  branch: true,
  send: true,
  recommend: true,
  update: true,
  exit: true,
} as const satisfies Record<StepKind, true>;

type Fields<T> = { [K in keyof T]?: unknown };

function formProblem(value: unknown): string | null {
  if (value === null || value === undefined) return 'missing: the worker compiles it at startup';
  if (!isRecord(value)) return 'is not an object';
  const form = value as Fields<Program>;
  if (form.formatVersion !== FORMAT_VERSION)
    return `has format ${JSON.stringify(form.formatVersion)}; this worker runs format ${FORMAT_VERSION}`;
  const entry = form.entry as Fields<Program['entry']> | undefined;
  if (!isRecord(entry) || typeof entry.event !== 'string' || !isRecord(entry.reentry)) return 'has no valid entry';
  const reentry = entry.reentry as Fields<Extract<Program['entry']['reentry'], { mode: 'cooldown' }>>;
  if (reentry.mode === 'cooldown' && !isMs(reentry.cooldownMs)) return 'has no entry.reentry.cooldownMs';
  if (
    form.goal !== undefined &&
    !(isRecord(form.goal) && isMs((form.goal as Fields<NonNullable<Program['goal']>>).windowMs))
  )
    return 'has no goal.windowMs';
  const { steps, start } = form;
  if (!isRecord(steps)) return 'has no steps';
  if (typeof start !== 'string' || !Object.hasOwn(steps, start))
    return `has a start that is no step: ${JSON.stringify(start)}`;
  for (const [id, step] of Object.entries(steps)) {
    if (!isRecord(step) || typeof step.kind !== 'string' || !Object.hasOwn(STEP_KINDS, step.kind))
      return `has an unknown kind of step at steps.${id}`;
    const missing = Object.entries(msFields(step as CompiledStep)).find(([, ms]) => !isMs(ms));
    if (missing) return `has no steps.${id}.${missing[0]}`;
  }
  return null;
}

/** The duration fields compiling gives a step, by name. */
function msFields(step: CompiledStep): Record<string, unknown> {
  switch (step.kind) {
    case 'wait':
      return { durationMs: step.durationMs };
    case 'waitForEvent':
      return { timeoutMs: step.timeoutMs };
    case 'waitPersonalized': {
      const strategy: unknown = step.strategy;
      if (!isRecord(strategy)) return { strategy: undefined };
      if (strategy.type !== 'purchaseCadence') return {};
      const { minMs, maxMs, fallbackMs } = strategy as Fields<
        Extract<typeof step.strategy, { type: 'purchaseCadence' }>
      >;
      return { 'strategy.minMs': minMs, 'strategy.maxMs': maxMs, 'strategy.fallbackMs': fallbackMs };
    }
    default:
      return {};
  }
}

const isRecord = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
const isMs = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0;

/** What recompileStale logs through (pino's Logger is one). */
export interface StartupLog {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

/**
 * Compiles, from its stored definition, every version whose execution form is missing or of an
 * older format: versions published before forms were stored, or before FORMAT_VERSION was last
 * bumped. Run by the worker before it polls, so no manual step follows an upgrade: readers would
 * compile such a row themselves (executionFormOf), but on every read. Idempotent,
 * and safe to run from several workers at once (they write the same form). A newer format is left
 * alone: during a deploy the old build's workers must not undo the new build's work. A version
 * whose definition no longer parses keeps no form and is logged by name; its entrants are refused
 * (ExecutionFormError) until it is fixed, and the startup goes on.
 */
export async function recompileStale(db: Db, logger: StartupLog): Promise<{ compiled: string[]; broken: string[] }> {
  const stale = await db.$queryRaw<{ program_id: string; version: number; definition: unknown }[]>`
    SELECT program_id, version, definition FROM program_versions
     WHERE CASE WHEN jsonb_typeof(compiled -> 'formatVersion') = 'number'
                THEN (compiled ->> 'formatVersion')::numeric < ${FORMAT_VERSION}
                ELSE true END
     ORDER BY program_id, version`;
  const compiled: string[] = [];
  const broken: string[] = [];
  for (const row of stale) {
    const name = `${row.program_id} v${row.version}`;
    const form = compileDefinition(row.definition);
    if ('error' in form) {
      broken.push(name);
      logger.error(
        { programId: row.program_id, version: row.version, issues: form.error.issues.slice(0, 5) },
        `program ${name} does not compile: its definition no longer parses; it takes no entrants until fixed`,
      );
      continue;
    }
    await db.programVersion.update({
      where: { programId_version: { programId: row.program_id, version: row.version } },
      data: { compiled: form.program as object },
    });
    compiled.push(name);
  }
  if (compiled.length)
    logger.info(
      { versions: compiled },
      `compiled ${compiled.length} program version(s) to execution format ${FORMAT_VERSION}`,
    );
  return { compiled, broken };
}
