// Entry routing: sticky, deterministic buckets; the experiment split and rollout share follow
// their weights; a growing rollout keeps the customers it already had.
import { bucket, route, type RoutingInput } from '../../src/programs/entry-routing';

const customers = Array.from({ length: 20_000 }, (_, i) => `customer-${i}`);
const experiment: RoutingInput = {
  liveVersion: 1,
  experiment: {
    id: 'exp_1',
    holdout: 0.1,
    controlVersion: 1,
    variants: [
      { name: 'a', version: 1, weight: 1 },
      { name: 'b', version: 2, weight: 3 },
    ],
  },
  rollout: null,
};

test('a bucket is a pure function of seed and customer, uniform over [0, 1)', () => {
  expect(bucket('exp_1', 'ana')).toBe(bucket('exp_1', 'ana'));
  expect(bucket('exp_1', 'ana')).not.toBe(bucket('exp_2', 'ana'));
  const values = customers.map((c) => bucket('seed', c));
  expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...values)).toBeLessThan(1);
  // Ten deciles, χ² with 9 degrees of freedom under 27.88 (p = 0.001).
  const deciles = Array.from({ length: 10 }, (_, d) => values.filter((v) => Math.floor(v * 10) === d).length);
  expect(deciles.reduce((sum, o) => sum + (o - 2000) ** 2 / 2000, 0)).toBeLessThan(27.88);
});

test('an experiment splits by weight after the holdout, and each customer always lands in the same place', () => {
  const routes = customers.map((c) => route(experiment, c));
  const share = (variant: string) => routes.filter((r) => r.variant === variant).length / customers.length;
  expect(share('holdout')).toBeCloseTo(0.1, 1);
  expect(share('a')).toBeCloseTo(0.225, 1);
  expect(share('b')).toBeCloseTo(0.675, 1);
  for (const r of routes) expect(r.version).toBe(r.variant === 'b' ? 2 : 1);
  expect(customers.slice(0, 100).map((c) => route(experiment, c))).toEqual(routes.slice(0, 100));
});

test('a rollout sends its percentage to the new version, and growing it keeps everyone already moved', () => {
  const at = (percent: number) => ({
    liveVersion: 1,
    experiment: null,
    rollout: { id: 'ro_1', fromVersion: 1, toVersion: 2, percent },
  });
  const moved = (percent: number) => new Set(customers.filter((c) => route(at(percent), c).version === 2));
  const five = moved(5);
  const twentyFive = moved(25);
  expect(five.size / customers.length).toBeCloseTo(0.05, 1);
  expect(twentyFive.size / customers.length).toBeCloseTo(0.25, 1);
  for (const c of five) expect(twentyFive.has(c)).toBe(true);
  expect(moved(100).size).toBe(customers.length);
  expect(route({ liveVersion: 3, experiment: null, rollout: null }, 'ana')).toEqual({
    version: 3,
    variant: null,
    experimentId: null,
  });
});
