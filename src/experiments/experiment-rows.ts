// An experiment's stored variants and winner rule, read back with the schemas they were started
// with, so a malformed row is refused naming the experiment.
import type { ExperimentVariant } from '../programs/entry-routing';
import { parseStored } from '../db/stored-json';
import { variantsSchema, winnerRuleSchema, type ExperimentWinnerRule } from '../contracts/requests/experiment-schema';

export function storedVariants(row: { id: string; variants: unknown }): ExperimentVariant[] {
  return parseStored(variantsSchema, row.variants, { table: 'experiments', column: 'variants', id: row.id });
}

export function storedWinnerRule(row: { id: string; winnerRule: unknown }): ExperimentWinnerRule {
  return parseStored(winnerRuleSchema, row.winnerRule, { table: 'experiments', column: 'winner_rule', id: row.id });
}
