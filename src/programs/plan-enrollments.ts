// Enrollment decisions: which live program versions an event may enter, and in which variant.
// The worker runs this as a local activity (activities/enrollment-activities.ts), so the decision
// lands in history and replay reproduces it without touching the database.
import type { ContactPolicyConfig } from '../messaging/contact-policy-reads';
import { customerPolicy } from '../messaging/contact-policy-reads';
import type { Db } from '../db/prisma';
import { sqlRows } from '../db/prisma';
import { route, type RoutingInput } from './entry-routing';
import { storedVariants } from '../experiments/experiment-rows';
import type { ControlTiming, EnrollmentCandidate, Plan } from '../core/calls';
import { ExecutionFormError, executionFormOf, storedFormSql } from './execution-form';
import { evaluate, eventScope } from '../core/conditions';
import type { CustomerEvent } from '../core/state';
import { loadProfileScope } from '../customers/profile-scope';

export interface PlanEnrollmentsDeps {
  db: Db;
  controlTiming: ControlTiming;
  contactPolicy: ContactPolicyConfig;
}

/**
 * Live programs whose trigger (type and `where`) this event satisfies, each with the version
 * this customer joins: the live one, or their experiment variant or rollout side, recorded.
 */
export function createPlanEnrollments({ db, controlTiming, contactPolicy }: PlanEnrollmentsDeps) {
  return async function planEnrollments(input: { customerId: string; event: CustomerEvent }): Promise<Plan> {
    const rows = await sqlRows<EntryRow>(db, ENTRY_ROUTES, [input.event.type, input.customerId]);
    // Read at the boundary: one program's bad row refuses that program's entry only (by name),
    // never a TypeError inside a workflow.
    const invalid: EnrollmentCandidate[] = [];
    const routed = rows.flatMap((row) => {
      const r = route(routingInput(row), input.customerId);
      // The version this customer joins enters on another event type: not a candidate.
      if (!row.versions || !Object.hasOwn(row.versions, r.version)) return [];
      try {
        return [
          {
            programId: row.program_id,
            route: r,
            definition: executionFormOf(row.versions[r.version]!, row.program_id, r.version),
          },
        ];
      } catch (err) {
        if (!(err instanceof ExecutionFormError)) throw err;
        invalid.push({
          programId: row.program_id,
          version: r.version,
          variant: null,
          invalid: `invalid data: ${err.message.slice(0, 400)}`,
        });
        return [];
      }
    });
    const needsProfile = routed.some((x) => x.definition.entry.where);
    const scope = needsProfile ? await loadProfileScope(db, input.customerId) : {};
    const entering = routed.filter(
      ({ definition: { entry } }) =>
        !entry.where || evaluate(entry.where, { ...scope, event: eventScope(input.event) }),
    );
    const assigned = entering.filter((x) => x.route.experimentId !== null);
    if (assigned.length) {
      await db.assignment.createMany({
        data: assigned.map(({ route: r }) => ({
          experimentId: r.experimentId!,
          customerId: input.customerId,
          variant: r.variant!,
          version: r.version,
        })),
        skipDuplicates: true,
      });
    }
    const candidates: EnrollmentCandidate[] = entering.map(({ programId, route: r, definition }) => ({
      programId,
      version: r.version,
      variant: r.variant,
      definition,
      control: { ...controlTiming, status: 'live', retired: null, migrateTo: null },
    }));
    const all = [...candidates, ...invalid].sort((a, b) => a.programId.localeCompare(b.programId));
    // A send right after entry is judged by this policy: the engine need not read it again.
    return { candidates: all, policy: all.length ? customerPolicy(contactPolicy, rows[0]!.time_zone) : null };
  };
}

/**
 * Each live program with a version that enters on $1, with what routing needs (its live version,
 * running experiment and running rollout) and the execution forms, by version, of those of its
 * versions that enter on $1 and that routing may choose; and customer $2's time zone, for the
 * contact policy. One statement for what took five (programs, experiments, rollouts, versions,
 * customer); the routing itself stays in route() (src/programs/entry-routing.ts). Should a
 * program have two running experiments (or rollouts), the first by id counts, as it did.
 */
const ENTRY_ROUTES = `
  SELECT p.id AS program_id, p.live_version,
         e.id AS experiment_id, e.variants, e.holdout, e.control_version,
         r.id AS rollout_id, r.from_version, r.to_version, r.percent,
         (SELECT jsonb_object_agg(v.version, ${storedFormSql('v')})
            FROM program_versions v
           WHERE v.program_id = p.id AND v.trigger_event = $1
             AND (v.version IN (p.live_version, e.control_version, r.from_version, r.to_version)
                  OR EXISTS (SELECT 1
                               FROM jsonb_array_elements(CASE WHEN jsonb_typeof(e.variants) = 'array'
                                                              THEN e.variants ELSE '[]' END) x
                              WHERE x -> 'version' = to_jsonb(v.version)))) AS versions,
         (SELECT c.timezone FROM customers c WHERE c.id = $2) AS time_zone
    FROM programs p
    LEFT JOIN LATERAL (SELECT id, variants, holdout, control_version FROM experiments
                        WHERE program_id = p.id AND status = 'running' ORDER BY id LIMIT 1) e ON true
    LEFT JOIN LATERAL (SELECT id, from_version, to_version, percent FROM rollouts
                        WHERE program_id = p.id AND status = 'running' ORDER BY id LIMIT 1) r ON true
   WHERE p.status = 'live' AND p.live_version IS NOT NULL
     AND EXISTS (SELECT 1 FROM program_versions t WHERE t.program_id = p.id AND t.trigger_event = $1)`;

interface EntryRow {
  program_id: string;
  live_version: number;
  experiment_id: string | null;
  variants: unknown;
  holdout: number | null;
  control_version: number | null;
  rollout_id: string | null;
  from_version: number | null;
  to_version: number | null;
  percent: number | null;
  /** Version → its stored execution form (null when it has none); null when no version qualifies. */
  versions: Record<string, { compiled: unknown; definition?: unknown }> | null;
  time_zone: string | null;
}

function routingInput(row: EntryRow): RoutingInput {
  return {
    liveVersion: row.live_version,
    experiment:
      row.experiment_id === null
        ? null
        : {
            id: row.experiment_id,
            variants: storedVariants({ id: row.experiment_id, variants: row.variants }),
            holdout: row.holdout!,
            controlVersion: row.control_version!,
          },
    rollout:
      row.rollout_id === null
        ? null
        : { id: row.rollout_id, fromVersion: row.from_version!, toVersion: row.to_version!, percent: row.percent! },
  };
}
