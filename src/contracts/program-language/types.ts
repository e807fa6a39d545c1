// Types derived from the program schema. Type-only, so workflow code may import them: the zod
// schema itself never reaches the workflow bundle.
import type { z } from 'zod';
import type { ConditionInput, programDefinitionSchema } from './schema';

export type ProgramDefinition = z.output<typeof programDefinitionSchema>;
export type ProgramDefinitionInput = z.input<typeof programDefinitionSchema>;
export type Step = ProgramDefinition['steps'][string];
export type StepKind = Step['kind'];
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;
export type Condition = ConditionInput;
export type EventMatch = StepOf<'waitForEvent'>['event'];
export type Weekday = NonNullable<StepOf<'waitUntil'>['days']>[number];
