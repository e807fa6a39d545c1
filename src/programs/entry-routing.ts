// Which version (and variant) a new entrant joins. Deterministic: a customer's bucket is a hash
// of their id and the experiment's or rollout's id, so repeated events land in the same place,
// and a rollout that grows from 5 % to 25 % keeps its first 5 %.
import { createHash } from 'node:crypto';
import { HOLDOUT } from '../contracts/requests/experiment-schema';

export interface ExperimentVariant {
  name: string;
  version: number;
  weight: number;
}

export interface RoutingInput {
  liveVersion: number;
  experiment: { id: string; variants: ExperimentVariant[]; holdout: number; controlVersion: number } | null;
  rollout: { id: string; fromVersion: number; toVersion: number; percent: number } | null;
}

export interface Route {
  version: number;
  variant: string | null;
  experimentId: string | null;
}

/** A uniform number in [0, 1) from the first 52 bits of SHA-256(seed:customerId). */
export function bucket(seed: string, customerId: string): number {
  const hex = createHash('sha256').update(`${seed}:${customerId}`).digest('hex').slice(0, 13);
  return parseInt(hex, 16) / 2 ** 52;
}

export function route(program: RoutingInput, customerId: string): Route {
  const { experiment, rollout } = program;
  if (experiment) {
    const u = bucket(experiment.id, customerId);
    if (u < experiment.holdout)
      return { version: experiment.controlVersion, variant: HOLDOUT, experimentId: experiment.id };
    // The rest of the interval is shared by the variants in proportion to their weights.
    const total = experiment.variants.reduce((sum, v) => sum + v.weight, 0);
    let point = ((u - experiment.holdout) / (1 - experiment.holdout)) * total;
    for (const v of experiment.variants) {
      if (point < v.weight) return { version: v.version, variant: v.name, experimentId: experiment.id };
      point -= v.weight;
    }
    const last = experiment.variants.at(-1)!;
    return { version: last.version, variant: last.name, experimentId: experiment.id };
  }
  if (rollout) {
    const joins = bucket(rollout.id, customerId) * 100 < rollout.percent;
    return { version: joins ? rollout.toVersion : rollout.fromVersion, variant: null, experimentId: null };
  }
  return { version: program.liveVersion, variant: null, experimentId: null };
}
