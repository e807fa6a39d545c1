// validateProgram: schema issues with precise paths, graph rules, templates, defaults; and the graph helpers.
import { cyclesWithoutWait, reachableFrom, successors, type Steps } from '../../src/programs/graph';
import type { ProgramDefinitionInput, Step } from '../../src/contracts/program-language/types';
import { formatPath, schemaIssues, validateProgram, type ProgramIssue } from '../../src/programs/validate';
import { SEGMENT_TRAITS, segmentDefinitionSchema } from '../../src/contracts/program-language/segment-schema';
import { abandonedCart, fixtureTemplateIds, postPurchaseCrossSell } from './fixtures';

/** An in-memory template store that remembers what it was asked. */
function templateStore(ids: readonly string[] = fixtureTemplateIds) {
  const calls: string[][] = [];
  return {
    calls,
    templateExists: async (requested: string[]) => {
      calls.push(requested);
      return new Set(requested.filter((id) => ids.includes(id)));
    },
  };
}

async function issuesOf(input: unknown, store = templateStore()): Promise<ProgramIssue[]> {
  const result = await validateProgram(input, store);
  if (result.ok) throw new Error('expected the program to be rejected');
  return result.issues;
}

/** A copy of `base` with some steps replaced or added, and top-level fields overridden. */
const withSteps = (
  base: ProgramDefinitionInput,
  steps: Record<string, unknown>,
  top: Record<string, unknown> = {},
) => ({
  ...structuredClone(base),
  ...top,
  steps: { ...structuredClone(base.steps), ...steps },
});

const exit = { kind: 'exit' };
const send = (template: string, next: string, extra: object = {}) => ({
  kind: 'send',
  channel: 'email',
  template,
  next,
  ...extra,
});

/** A one-branch program for condition tests: check -> done. */
const branchOn = (when: unknown) => ({
  name: 'Branch on a condition',
  entry: { event: 'purchase' },
  start: 'check',
  steps: { check: { kind: 'branch', cases: [{ when, next: 'done' }], default: 'done' }, done: exit },
});

describe('validateProgram on valid programs', () => {
  test.each([
    ['post-purchase cross-sell', postPurchaseCrossSell],
    ['abandoned cart', abandonedCart],
  ])('accepts the %s example', async (_name, program) => {
    const result = await validateProgram(program, templateStore());
    expect(result).toEqual({ ok: true, definition: expect.objectContaining({ name: program.name }) });
  });

  test('asks the template store once, with every distinct template the program sends', async () => {
    const store = templateStore();
    await validateProgram(withSteps(postPurchaseCrossSell, { again: send('cross-sell', 'done') }), store);
    expect(store.calls).toEqual([['cross-sell', 'recommendations']]);
  });

  test('returns the definition with schema defaults applied', async () => {
    const result = await validateProgram(postPurchaseCrossSell, templateStore());
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.definition.entry).toEqual({ event: 'purchase', reentry: { mode: 'always' }, maxInstances: 1 });
    expect(result.definition.steps.recommend).toEqual({ kind: 'recommend', count: 4, next: 'send-recommendations' });
    const cart = await validateProgram(abandonedCart, templateStore());
    expect(cart.ok && cart.definition.timezone).toBe('UTC');
  });
});

describe('validateProgram schema issues', () => {
  test('an unknown step kind names the allowed kinds', async () => {
    const issues = await issuesOf(withSteps(postPurchaseCrossSell, { recommend: { kind: 'sleep', next: 'done' } }));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('$.steps.recommend.kind');
    expect(issues[0]?.message).toContain('unknown kind "sleep"');
    expect(issues[0]?.message).toContain('wait, waitUntil, waitPersonalized, waitForEvent, branch, send');
  });

  test('a step without a kind says the kind is missing', async () => {
    const issues = await issuesOf(withSteps(postPurchaseCrossSell, { recommend: { next: 'done' } }));
    expect(issues).toEqual([
      { path: '$.steps.recommend.kind', message: expect.stringContaining('missing kind: expected one of') },
    ]);
  });

  test.each([
    [
      'an unknown op',
      { field: 'event.properties.total', op: 'is', value: 1 },
      '.when.op',
      'unknown op "is": expected one of eq, neq',
    ],
    ['a missing value', { field: 'event.properties.total', op: 'gt' }, '.when.value', 'required'],
    [
      'a field outside profile/traits/event',
      { field: 'foo.bar', op: 'eq', value: 1 },
      '.when.field',
      'must start with profile., traits. or event.',
    ],
    [
      'a bad field inside all',
      {
        all: [
          { field: 'traits.vip', op: 'exists' },
          { field: 'foo.bar', op: 'exists' },
        ],
      },
      '.when.all[1].field',
      'must start with profile.',
    ],
    [
      'a value on exists, inside not',
      { not: { field: 'traits.vip', op: 'exists', value: true } },
      '.when.not.value',
      'unknown field "value"',
    ],
    ['an empty all', { all: [] }, '.when.all', '>=1'],
    ['a number', 42, '.when', 'not a valid condition: expected {field, op[, value]} or {all|any|not}'],
    ['an empty object', {}, '.when', 'not a valid condition'],
    ['a number inside any', { any: [7] }, '.when.any[0]', 'not a valid condition'],
  ])('a condition with %s is reported at its exact path', async (_name, when, suffix, message) => {
    const issues = await issuesOf(branchOn(when));
    expect(issues).toEqual([{ path: `$.steps.check.cases[0]${suffix}`, message: expect.stringContaining(message) }]);
  });

  test('conditions on the entry are checked too', async () => {
    const issues = await issuesOf({
      ...postPurchaseCrossSell,
      entry: { event: 'purchase', where: { field: 'event.total', op: 'between' } },
    });
    expect(issues).toEqual([{ path: '$.entry.where.op', message: expect.stringContaining('unknown op "between"') }]);
  });

  test('a step id that is not a plain token is reported in bracket form', async () => {
    const issues = await issuesOf(withSteps(postPurchaseCrossSell, { 'new step': exit }));
    expect(issues).toEqual([
      { path: '$.steps["new step"]', message: expect.stringContaining('invalid key "new step": must be 1-64') },
    ]);
  });

  test('a misspelt field is reported as both missing and unknown', async () => {
    const { template: _template, ...rest } = send('cross-sell', 'done');
    const issues = await issuesOf(
      withSteps(postPurchaseCrossSell, { 'send-cross-sell': { ...rest, templateId: 'cross-sell' } }),
    );
    expect(issues).toEqual([
      { path: '$.steps.send-cross-sell.template', message: 'required: expected string' },
      { path: '$.steps.send-cross-sell.templateId', message: 'unknown field "templateId"' },
    ]);
  });

  test('reports every schema issue together, not just the first', async () => {
    const input = withSteps(
      abandonedCart,
      { 'wait-1h': { kind: 'wait', duration: 'soon', next: 'send-reminder-1' }, done: { kind: 'stop' } },
      { timezone: 'Mars/Olympus' },
    );
    const paths = (await issuesOf(input)).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['$.timezone', '$.steps.wait-1h.duration', '$.steps.done.kind']));
    expect(paths).toHaveLength(3);
  });
});

describe('validateProgram graph issues', () => {
  test('start must name a step', async () => {
    const issues = await issuesOf({ ...postPurchaseCrossSell, start: 'begin' });
    expect(issues).toEqual([{ path: '$.start', message: 'start must name a step: no step "begin"' }]);
  });

  const branchy = {
    ...postPurchaseCrossSell,
    start: 'check',
    steps: {
      ...postPurchaseCrossSell.steps,
      check: {
        kind: 'branch',
        cases: [
          { when: { field: 'traits.favouriteCategory', op: 'exists' }, next: 'done' },
          { when: { field: 'traits.rfm.recency', op: 'eq', value: 1 }, next: 'done' },
        ],
        default: 'wait-visit',
      },
    },
  } as ProgramDefinitionInput;

  const visit = postPurchaseCrossSell.steps['wait-visit'];
  const check = branchy.steps.check;
  const vip = { when: { field: 'traits.favouriteCategory', op: 'exists' }, next: 'done' };
  test.each([
    ['next', { 'send-cross-sell': send('cross-sell', 'nowhere') }, '$.steps.send-cross-sell.next'],
    [
      'onFailure',
      { 'send-cross-sell': send('cross-sell', 'done', { onFailure: 'nowhere' }) },
      '$.steps.send-cross-sell.onFailure',
    ],
    [
      'next.matched',
      { 'wait-visit': { ...visit, next: { matched: 'nowhere', timedOut: 'recommend' } } },
      '$.steps.wait-visit.next.matched',
    ],
    [
      'next.timedOut',
      { 'wait-visit': { ...visit, next: { matched: 'done', timedOut: 'nowhere' } } },
      '$.steps.wait-visit.next.timedOut',
    ],
    [
      'cases[i].next',
      { check: { ...check, cases: [vip, { ...vip, next: 'nowhere' }] } },
      '$.steps.check.cases[1].next',
    ],
    ['default', { check: { ...check, default: 'nowhere' } }, '$.steps.check.default'],
  ])('a dangling %s is reported where it points from', async (_name, steps, path) => {
    const issues = await issuesOf(withSteps(branchy, steps));
    expect(issues).toContainEqual({ path, message: 'dangling next pointer: no step "nowhere"' });
  });

  test('a step no path from start reaches is unreachable', async () => {
    const issues = await issuesOf(withSteps(postPurchaseCrossSell, { orphan: send('cross-sell', 'done') }));
    expect(issues).toEqual([{ path: '$.steps.orphan', message: 'unreachable step' }]);
  });

  test('a cycle with no wait in it is reported with its steps', async () => {
    const issues = await issuesOf(
      withSteps(branchy, {
        check: { ...branchy.steps.check, default: 'nag' },
        nag: send('cross-sell', 'check'),
        'wait-visit': exit,
      }),
    );
    expect(issues).toContainEqual({ path: '$.steps.check', message: 'cycle with no wait: check -> nag -> check' });
  });

  test('a step pointing at itself is a cycle with no wait', async () => {
    const issues = await issuesOf(
      withSteps(postPurchaseCrossSell, { recommend: { kind: 'update', addTags: ['x'], next: 'recommend' } }),
    );
    expect(issues).toContainEqual({ path: '$.steps.recommend', message: 'cycle with no wait: recommend -> recommend' });
  });

  test('a cycle through a wait passes', async () => {
    const loop = withSteps(branchy, { 'send-cross-sell': send('cross-sell', 'check') });
    expect(await validateProgram(loop, templateStore())).toMatchObject({ ok: true });
  });

  test('a program whose paths never reach an exit is rejected', async () => {
    const issues = await issuesOf(withSteps(abandonedCart, { 'send-reminder-2': send('cart-reminder-2', 'wait-1h') }));
    expect(issues).toEqual([
      { path: '$.steps.done', message: 'unreachable step' },
      { path: '$.steps', message: expect.stringContaining('no path ends: add an exit step') },
    ]);
  });

  test('a template the store does not know is reported at the send step', async () => {
    const issues = await issuesOf(postPurchaseCrossSell, templateStore(['recommendations']));
    expect(issues).toEqual([{ path: '$.steps.send-cross-sell.template', message: 'unknown template "cross-sell"' }]);
  });

  test.each([
    ['the goal', { ...abandonedCart, entry: { event: 'cart_abandoned' } }, '$.goal.event.sameKey'],
    [
      'a waitForEvent',
      withSteps(postPurchaseCrossSell, {
        'wait-visit': { ...postPurchaseCrossSell.steps['wait-visit'], event: { type: 'site_visit', sameKey: true } },
      }),
      '$.steps.wait-visit.event.sameKey',
    ],
  ])('sameKey on %s needs entry.key', async (_name, input, path) => {
    expect(await issuesOf(input)).toEqual([{ path, message: expect.stringContaining('sameKey needs entry.key') }]);
  });

  test('reports every graph issue together, asking the template store once', async () => {
    const store = templateStore(['recommendations']);
    const input = withSteps(
      {
        ...postPurchaseCrossSell,
        entry: { event: 'purchase' },
        goal: { event: { type: 'purchase', sameKey: true }, window: '30d' },
      },
      { recommend: { kind: 'recommend', next: 'nowhere' }, orphan: exit },
    );
    expect(await issuesOf(input, store)).toEqual([
      { path: '$.steps.recommend.next', message: 'dangling next pointer: no step "nowhere"' },
      { path: '$.steps.send-recommendations', message: 'unreachable step' },
      { path: '$.steps.orphan', message: 'unreachable step' },
      { path: '$.goal.event.sameKey', message: expect.stringContaining('sameKey needs entry.key') },
      { path: '$.steps.send-cross-sell.template', message: 'unknown template "cross-sell"' },
    ]);
    expect(store.calls).toHaveLength(1);
  });
});

describe('program graph helpers', () => {
  const wait = (next: string) => ({ kind: 'wait', duration: '1h', next }) as const;
  const update = (next: string) => ({ kind: 'update', next }) as const;

  test('formatPath uses dots, [index] and brackets for odd keys', () => {
    expect(formatPath(['steps', 'wait-visit', 'next', 'matched'])).toBe('$.steps.wait-visit.next.matched');
    expect(formatPath(['steps', 'check', 'cases', 1, 'when'])).toBe('$.steps.check.cases[1].when');
    expect(formatPath(['steps', 'my step'])).toBe('$.steps["my step"]');
  });

  test('successors lists each target once, across cases, default and onFailure', () => {
    const branch: Step = {
      kind: 'branch',
      cases: [
        { when: { field: 'traits.a', op: 'exists' }, next: 'x' },
        { when: { field: 'traits.b', op: 'exists' }, next: 'x' },
      ],
      default: 'y',
    };
    expect(successors(branch)).toEqual(['x', 'y']);
    expect(successors({ kind: 'send', channel: 'email', template: 't', next: 'a', onFailure: 'b' })).toEqual([
      'a',
      'b',
    ]);
    expect(successors({ kind: 'exit' })).toEqual([]);
  });

  test('reachableFrom follows pointers and skips dangling ones', () => {
    const steps: Steps = { a: update('b'), b: update('ghost'), c: { kind: 'exit' } };
    expect([...reachableFrom(steps, 'a')]).toEqual(['a', 'b']);
    expect(reachableFrom(steps, 'ghost').size).toBe(0);
  });

  test('cyclesWithoutWait finds only loops that never park', () => {
    const steps: Steps = { a: update('b'), b: update('a'), c: wait('d'), d: update('c'), e: update('e') };
    expect(cyclesWithoutWait(steps)).toEqual([
      ['a', 'b', 'a'],
      ['e', 'e'],
    ]);
  });

  test('cyclesWithoutWait handles long programs without overflowing the stack', () => {
    const steps: Record<string, Step> = {};
    for (let i = 0; i < 20_000; i++) steps[`s${i}`] = update(`s${i + 1}`);
    steps.s20000 = update('s0');
    const [cycle] = cyclesWithoutWait(steps);
    expect(cycle).toHaveLength(20_002);
  });
});

test('a goal or waitForEvent filter that reads the profile is rejected: events alone are judged there', async () => {
  const def = structuredClone(abandonedCart);
  def.goal = {
    event: { type: 'order_placed', where: { field: 'profile.tier', op: 'eq', value: 'gold' } },
    window: '7d',
  };
  const result = await validateProgram(def, { templateExists: async (ids) => new Set(ids) });
  expect(result.ok).toBe(false);
  expect(!result.ok && result.issues).toEqual([
    { path: '$.goal.event.where', message: '"profile.tier": an event filter can only read event.* fields' },
  ]);
});

describe('computed traits in conditions', () => {
  // Programs read them as segments do, `traits.<name>` (src/customers/profile-scope.ts): one list.
  test.each(SEGMENT_TRAITS.map((t) => [t]))('traits.%s is a trait a branch may read', async (name) => {
    const result = await validateProgram(branchOn({ field: `traits.${name}`, op: 'exists' }), templateStore());
    expect(result).toMatchObject({ ok: true });
  });

  test('an unknown trait in a branch is reported at its field, through all, any and not', async () => {
    const when = {
      all: [
        { field: 'traits.orderCount', op: 'gte', value: 2 },
        {
          not: {
            any: [
              { field: 'profile.vip', op: 'eq', value: true },
              { field: 'traits.vip', op: 'exists' },
            ],
          },
        },
        { field: 'traits.rfm', op: 'exists' },
      ],
    };
    const issues = await issuesOf(branchOn(when));
    expect(issues.map((i) => i.path)).toEqual([
      '$.steps.check.cases[0].when.all[1].not.any[1].field',
      '$.steps.check.cases[0].when.all[2].field',
    ]);
    expect(issues[0]?.message).toMatch(/^unknown trait: one of orderCount, totalSpent, .*rfm\.recency/);
  });

  test('an unknown trait in the entry filter is reported there, beside the other issues', async () => {
    const input = {
      ...postPurchaseCrossSell,
      entry: { event: 'purchase', where: { field: 'traits.totalSpend', op: 'gt', value: 100 } },
    };
    const issues = await issuesOf(input, templateStore(['recommendations']));
    expect(issues.map((i) => i.path)).toEqual(['$.entry.where.field', '$.steps.send-cross-sell.template']);
  });

  test('a program and a segment refuse an unknown trait with the same words', async () => {
    const [program] = await issuesOf(branchOn({ field: 'traits.shoeSize', op: 'gt', value: 40 }));
    const definition = { name: 'Big feet', condition: { field: 'traits.shoeSize', op: 'gt', value: 40 } };
    const parsed = segmentDefinitionSchema.safeParse(definition);
    if (parsed.success) throw new Error('expected the segment to be rejected');
    expect(schemaIssues(parsed.error, definition)).toEqual([{ path: '$.condition.field', message: program?.message }]);
  });
});
