// A program's steps and conditions in words, for the flowchart's nodes and edges. Pure: tested
// in test/console/describe.test.ts.
import type { Condition, ProgramDefinition, Step } from '../../../src/contracts/program-language/types';

const OPS: Record<string, string> = {
  eq: 'is',
  neq: 'is not',
  gt: 'is over',
  gte: 'is at least',
  lt: 'is under',
  lte: 'is at most',
  in: 'is one of',
  contains: 'contains',
};

const value = (v: unknown) => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

/** `{ field: 'traits.orderCount', op: 'gte', value: 2 }` gives `traits.orderCount is at least 2`. */
export function conditionInWords(c: Condition): string {
  if ('all' in c) return c.all.map(grouped).join(' and ');
  if ('any' in c) return c.any.map(grouped).join(' or ');
  if ('not' in c) return `not ${grouped(c.not)}`;
  if (c.op === 'exists') return `${c.field} is set`;
  if (c.op === 'in') return `${c.field} is one of ${c.value.map(value).join(', ')}`;
  return `${c.field} ${OPS[c.op]} ${value(c.value)}`;
}

const grouped = (c: Condition) => ('all' in c || 'any' in c ? `(${conditionInWords(c)})` : conditionInWords(c));

const DAYS: Record<string, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

/** The key settings of a step, one short line each. */
export function stepSettings(step: Step, program: Pick<ProgramDefinition, 'timezone'>): string[] {
  switch (step.kind) {
    case 'wait':
      return [`wait ${step.duration}`];
    case 'waitUntil':
      return [
        `until ${step.at}${step.days ? ` on ${step.days.map((d) => DAYS[d]).join(', ')}` : ''}`,
        `in the customer's zone (else ${program.timezone ?? 'UTC'})`,
      ];
    case 'waitPersonalized':
      return step.strategy.type === 'bestHour'
        ? [`at the customer's best hour (else ${step.strategy.defaultHour}:00)`]
        : [
            `purchase cadence × ${step.strategy.factor}`,
            `${step.strategy.min}–${step.strategy.max}, else ${step.strategy.fallback}`,
          ];
    case 'waitForEvent':
      return [
        `wait for ${step.event.type}${step.event.sameKey ? ' (same key)' : ''} up to ${step.timeout}`,
        ...(step.event.where ? [`where ${conditionInWords(step.event.where)}`] : []),
      ];
    case 'branch':
      return step.cases.map((c, i) => `${i + 1}. ${conditionInWords(c.when)}`);
    case 'send':
      return [`${step.channel}: template ${step.template}`, ...(step.url ? [step.url] : [])];
    case 'recommend':
      return [`recommend ${step.count} products`];
    case 'update':
      return [
        ...Object.entries(step.set ?? {}).map(([k, v]) => `set ${k} = ${value(v)}`),
        ...(step.addTags?.length ? [`tag ${step.addTags.join(', ')}`] : []),
        ...(step.removeTags?.length ? [`untag ${step.removeTags.join(', ')}`] : []),
      ];
    case 'exit':
      return ['end of the journey'];
  }
}

/** What an edge out of a step is called: `matched`, `timedOut`, a branch case, `default`, `onFailure`. */
export function edgeLabel(step: Step, at: (string | number)[]): string | undefined {
  if (step.kind === 'waitForEvent') return String(at[1]);
  if (step.kind === 'branch') return at[0] === 'default' ? 'default' : `case ${Number(at[1]) + 1}`;
  if (step.kind === 'send' && at[0] === 'onFailure') return 'onFailure';
  return undefined;
}
