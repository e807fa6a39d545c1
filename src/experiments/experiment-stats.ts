// The statistics of an experiment's results, each variant against the holdout:
// - lift: relative difference of conversion rates;
// - pValue: two-sided two-proportion z-test (pooled);
// - probabilityToBeatHoldout: P(rate > holdout rate) under Beta(1 + converted, 1 + not converted)
//   posteriors (uniform priors), by the normal approximation of their difference.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

export interface Counts {
  entered: number;
  converted: number;
}

export interface VariantStats extends Counts {
  conversionRate: number | null;
  liftOverHoldout: number | null;
  pValue: number | null;
  probabilityToBeatHoldout: number | null;
}

const rate = (c: Counts) => (c.entered === 0 ? null : c.converted / c.entered);

export function twoProportionPValue(a: Counts, b: Counts): number | null {
  if (a.entered === 0 || b.entered === 0) return null;
  const pooled = (a.converted + b.converted) / (a.entered + b.entered);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.entered + 1 / b.entered));
  if (se === 0) return null;
  const z = (a.converted / a.entered - b.converted / b.entered) / se;
  return 2 * (1 - normalCdf(Math.abs(z), 0, 1));
}

export function probabilityToBeat(a: Counts, b: Counts): number | null {
  if (a.entered === 0 || b.entered === 0) return null;
  const beta = (c: Counts) => {
    const alpha = 1 + c.converted;
    const betaParam = 1 + c.entered - c.converted;
    const n = alpha + betaParam;
    return { mean: alpha / n, variance: (alpha * betaParam) / (n * n * (n + 1)) };
  };
  const pa = beta(a);
  const pb = beta(b);
  return normalCdf(pa.mean - pb.mean, 0, Math.sqrt(pa.variance + pb.variance));
}

export function compareWithHoldout(variant: Counts, holdout: Counts): VariantStats {
  const r = rate(variant);
  const h = rate(holdout);
  return {
    ...variant,
    conversionRate: r,
    liftOverHoldout: r === null || h === null || h === 0 ? null : (r - h) / h,
    pValue: twoProportionPValue(variant, holdout),
    probabilityToBeatHoldout: probabilityToBeat(variant, holdout),
  };
}

export interface WinnerRule {
  minCustomersPerVariant: number;
  minProbability: number;
}

/**
 * The winner: once every variant has at least `minCustomersPerVariant` entrants, the variant most
 * likely to beat the holdout, if that probability is at least `minProbability`. Else null.
 */
export function pickWinner(variants: Record<string, VariantStats>, rule: WinnerRule): string | null {
  const entries = Object.entries(variants);
  if (entries.length === 0 || entries.some(([, v]) => v.entered < rule.minCustomersPerVariant)) return null;
  const [name, best] = entries.reduce((a, b) =>
    (b[1].probabilityToBeatHoldout ?? 0) > (a[1].probabilityToBeatHoldout ?? 0) ? b : a,
  );
  return (best.probabilityToBeatHoldout ?? 0) >= rule.minProbability ? name : null;
}
