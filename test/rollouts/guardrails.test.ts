// The guardrail rule: a rate may exceed the current version's by at most its allowance, judged
// only once the new version has enough samples.
import { findBreach, type VersionMetrics } from '../../src/rollouts/guardrails';
import { guardrailsSchema } from '../../src/contracts/requests/rollout-schema';

const guardrails = guardrailsSchema.parse({ minSamples: 20 });
const metrics = (over: Partial<VersionMetrics>): VersionMetrics => ({
  messages: 100,
  sendFailures: 0,
  bounces: 0,
  unsubscribes: 0,
  steps: 300,
  stepErrors: 0,
  ...over,
});

test('within the allowance there is no breach; beyond it the breach names the metric and both rates', () => {
  const current = metrics({ sendFailures: 2, bounces: 1 });
  expect(findBreach(current, metrics({ sendFailures: 6 }), guardrails)).toBeNull();
  expect(findBreach(current, metrics({ sendFailures: 8 }), guardrails)).toBe(
    'sendFailureRate 8.0% on the new version against 2.0% on the current one (allowed +5.0%, 100 samples)',
  );
  expect(findBreach(current, metrics({ bounces: 4 }), guardrails)).toMatch(/^bounceRate 4\.0% .* 1\.0% /);
  expect(findBreach(current, metrics({ unsubscribes: 3 }), guardrails)).toMatch(/^unsubscribeRate/);
  expect(findBreach(current, metrics({ stepErrors: 30 }), guardrails)).toMatch(/^stepErrorRate 10\.0%/);
});

test('too few samples are not judged', () => {
  expect(findBreach(metrics({}), metrics({ messages: 19, sendFailures: 19 }), guardrails)).toBeNull();
  expect(findBreach(metrics({}), metrics({ messages: 20, sendFailures: 19 }), guardrails)).toMatch(
    /^sendFailureRate 95\.0%/,
  );
});

test(
  'the breach names every metric broken, in one fixed order, ' + 'whatever the key order of the stored guardrails',
  () => {
    const current = metrics({});
    const bad = metrics({ sendFailures: 10, stepErrors: 30 });
    // Guardrails read back from jsonb come in its key order (shorter keys first), not the schema's.
    const reordered = {
      ...guardrails,
      maxIncrease: { bounceRate: 0.02, stepErrorRate: 0.05, sendFailureRate: 0.05, unsubscribeRate: 0.01 },
    };
    const reason = findBreach(current, bad, guardrails);
    expect(findBreach(current, bad, reordered)).toBe(reason);
    expect(reason).toBe(
      'sendFailureRate 10.0% on the new version against 0.0% on the current one (allowed +5.0%, 100 samples); ' +
        'stepErrorRate 10.0% on the new version against 0.0% on the current one (allowed +5.0%, 300 samples)',
    );
  },
);
