// The experiment statistics against values computed by hand (and R's prop.test without continuity
// correction), and the winner rule's thresholds.
import {
  compareWithHoldout,
  pickWinner,
  probabilityToBeat,
  twoProportionPValue,
} from '../../src/experiments/experiment-stats';

test('two-proportion z-test: 120/1000 against 100/1000 gives p = 0.155', () => {
  // pooled p = 0.11, se = sqrt(0.11 * 0.89 * 0.002) = 0.013993, z = 1.4293
  expect(twoProportionPValue({ entered: 1000, converted: 120 }, { entered: 1000, converted: 100 })).toBeCloseTo(
    0.1529,
    3,
  );
  expect(twoProportionPValue({ entered: 0, converted: 0 }, { entered: 10, converted: 1 })).toBeNull();
  expect(twoProportionPValue({ entered: 10, converted: 0 }, { entered: 10, converted: 0 })).toBeNull();
});

test('probability to beat: symmetric, one half for equal data, near one for a clear win', () => {
  const a = { entered: 500, converted: 60 };
  const b = { entered: 500, converted: 40 };
  expect(probabilityToBeat(a, a)).toBeCloseTo(0.5, 6);
  expect(probabilityToBeat(a, b)! + probabilityToBeat(b, a)!).toBeCloseTo(1, 6);
  expect(probabilityToBeat(a, b)).toBeGreaterThan(0.97);
  expect(probabilityToBeat(a, b)).toBeLessThan(0.99);
});

test('lift is relative to the holdout rate, and undefined when the holdout never converts', () => {
  expect(
    compareWithHoldout({ entered: 100, converted: 15 }, { entered: 100, converted: 10 }).liftOverHoldout,
  ).toBeCloseTo(0.5, 10);
  expect(
    compareWithHoldout({ entered: 100, converted: 15 }, { entered: 100, converted: 0 }).liftOverHoldout,
  ).toBeNull();
});

test('the winner rule needs enough customers in every variant and a probability over the bar', () => {
  const holdout = { entered: 200, converted: 20 };
  const strong = compareWithHoldout({ entered: 200, converted: 45 }, holdout);
  const weak = compareWithHoldout({ entered: 200, converted: 22 }, holdout);
  const small = compareWithHoldout({ entered: 50, converted: 20 }, holdout);
  expect(pickWinner({ strong, weak }, { minCustomersPerVariant: 100, minProbability: 0.95 })).toBe('strong');
  expect(pickWinner({ strong, small }, { minCustomersPerVariant: 100, minProbability: 0.95 })).toBeNull();
  expect(pickWinner({ weak }, { minCustomersPerVariant: 100, minProbability: 0.95 })).toBeNull();
});
