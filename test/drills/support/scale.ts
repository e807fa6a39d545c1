// How big a drill runs: KAIROS_DRILL_SCALE=full (`npm run drills`) or small by default, so a
// short version of every drill fits in `npm test` on a 2-core machine.
export const FULL = process.env.KAIROS_DRILL_SCALE === 'full';

/** `short` inside npm test, `full` under npm run drills. */
export function scaled<T>(short: T, full: T): T {
  return FULL ? full : short;
}

/**
 * Generous bounds for waiting on the system; a drill that cannot finish in them fails. On 2
 * shared cores the system sends 3–7 messages a second, so 5,000 take up to half an hour.
 */
export const SETTLE_TIMEOUT_MS = scaled(150_000, 2_400_000);

/** Per drill: jest's 180 s is enough for the short version, not for 5,000 customers. */
export const DRILL_TIMEOUT_MS = scaled(180_000, 3_600_000);

/** Of a drill's timeout, what its waits leave for counting, printing and asserting. */
const REPORT_MS = scaled(15_000, 120_000);
/** Of the waits, what settling leaves for asking every workflow what it applied. */
export const APPLIED_RESERVE_MS = scaled(30_000, 600_000);

/**
 * A drill test's clock, started as the test starts. Every wait inside the test ends by `deadline`,
 * which falls before jest's timeout with time to spare for counting: a drill that cannot finish
 * fails with its counts (what is missing), not with a bare "Exceeded timeout".
 */
export interface DrillBudget {
  readonly deadline: number;
  /** Milliseconds until the deadline less `reserveMs`, never below zero. */
  left(reserveMs?: number): number;
}

export function drillBudget(timeoutMs = DRILL_TIMEOUT_MS): DrillBudget {
  const deadline = Date.now() + timeoutMs - REPORT_MS;
  return { deadline, left: (reserveMs = 0) => Math.max(0, deadline - reserveMs - Date.now()) };
}
