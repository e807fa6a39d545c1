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
