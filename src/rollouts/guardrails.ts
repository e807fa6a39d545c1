// Guardrail metrics of a program version since a rollout began, and the rule that compares the
// new version with the current one. A breach names each metric broken and both rates.
import type { Db } from '../db/prisma';
import type { Guardrails } from '../contracts/requests/rollout-schema';

export interface VersionMetrics {
  messages: number;
  /** Messages refused by the provider, or retried after a failed call (429, 5xx). */
  sendFailures: number;
  bounces: number;
  unsubscribes: number;
  steps: number;
  /** Step records with a failed outcome (of the steps run: not entries, exits, goals, holds or moves). */
  stepErrors: number;
}

export type Metric = keyof Guardrails['maxIncrease'];

export function rates(m: VersionMetrics): Record<Metric, number> {
  const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
  return {
    sendFailureRate: share(m.sendFailures, m.messages),
    bounceRate: share(m.bounces, m.messages),
    unsubscribeRate: share(m.unsubscribes, m.messages),
    stepErrorRate: share(m.stepErrors, m.steps),
  };
}

/** The order breaches are judged and named in: fixed, because guardrails read back from jsonb come in its key order. */
export const METRICS: readonly Metric[] = ['sendFailureRate', 'bounceRate', 'unsubscribeRate', 'stepErrorRate'];

/** Every guardrail the candidate breaks against the baseline, in METRICS order and joined by "; ", or null. */
export function findBreach(baseline: VersionMetrics, candidate: VersionMetrics, guardrails: Guardrails): string | null {
  const base = rates(baseline);
  const cand = rates(candidate);
  const breaches: string[] = [];
  for (const metric of METRICS) {
    const allowed = guardrails.maxIncrease[metric];
    const samples = metric === 'stepErrorRate' ? candidate.steps : candidate.messages;
    if (samples < guardrails.minSamples) continue;
    if (cand[metric] - base[metric] > allowed) {
      breaches.push(
        `${metric} ${pct(cand[metric])} on the new version against ${pct(base[metric])} on the current one ` +
          `(allowed +${pct(allowed)}, ${samples} samples)`,
      );
    }
  }
  return breaches.length ? breaches.join('; ') : null;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export async function versionMetrics(db: Db, programId: string, version: number, since: Date): Promise<VersionMetrics> {
  const [messages] = await db.$queryRaw<
    { messages: bigint; send_failures: bigint; bounces: bigint; unsubscribes: bigint }[]
  >`
    SELECT count(*) AS messages,
           count(*) FILTER (WHERE m.status = 'failed' OR m.failed_attempts > 0) AS send_failures,
           count(*) FILTER (WHERE m.reason LIKE 'bounced:%' OR m.reason LIKE 'dropped:%') AS bounces,
           -- Unsubscribed after this message: through SendGrid (naming the message) or our one-click link.
           count(*) FILTER (WHERE EXISTS (
             SELECT 1 FROM events e
             WHERE e.customer_id = m.customer_id AND e.type = 'email_unsubscribed'
               AND e.properties->>'messageKey' = m.key)
           OR EXISTS (
             SELECT 1 FROM subscriptions u
             WHERE u.customer_id = m.customer_id AND NOT u.subscribed AND m.sent_at IS NOT NULL
               AND u.updated_at >= m.sent_at)) AS unsubscribes
    FROM messages m
    WHERE m.program_id = ${programId} AND m.version = ${version} AND m.created_at >= ${since}
      AND m.status <> 'skipped'`;
  const [steps] = await db.$queryRaw<{ steps: bigint; step_errors: bigint }[]>`
    SELECT count(*) AS steps, count(*) FILTER (WHERE outcome LIKE 'failed%') AS step_errors
    FROM journey_steps
    WHERE program_id = ${programId} AND version = ${version} AND at >= ${since}
      AND kind NOT IN ('enter', 'exit', 'goal', 'migrate') AND outcome <> 'held'`;
  return {
    messages: Number(messages!.messages),
    sendFailures: Number(messages!.send_failures),
    bounces: Number(messages!.bounces),
    unsubscribes: Number(messages!.unsubscribes),
    steps: Number(steps!.steps),
    stepErrors: Number(steps!.step_errors),
  };
}
