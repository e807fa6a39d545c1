// The recommendation score's weights and the candidate budget, shared by the refresh that
// precomputes candidates and the query that ranks them.

/** score = coPurchase * affinity (0..1) + fit * (0 or 1) + overstock * overstock share (0..1). */
export const SCORE_WEIGHTS = { coPurchase: 1, fit: 0.5, overstock: 0.3 } as const;
export type ScoreWeights = { readonly [K in keyof typeof SCORE_WEIGHTS]: number };

/** The most a `recommend` step asks for (src/contracts/program-language/schema.ts). */
const MAX_COUNT = 20;
/** Candidates read beyond the count asked for, for those owned or sold out since the refresh. */
export const CANDIDATE_SLACK = 10;
/** Co-purchase neighbours kept per product, and products kept per shortlist. */
export const CANDIDATES_PER_SOURCE = MAX_COUNT + CANDIDATE_SLACK;
