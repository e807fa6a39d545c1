// A segment definition compiled to SQL: a predicate over one customer's row (`c`, customers),
// computed traits (`t`, customer_traits), profile (`p.profile`, when read) and event aggregates
// (`agg`, one column per count or sequence, from that customer's events within the longest window).
// The same compiled form serves one customer and every customer (src/segments/transitions-sql.ts).
import type { Condition } from '../contracts/program-language/types';
import { durationMs } from '../contracts/program-language/durations';
import type { SegmentCondition, SegmentDefinition, SegmentTrait } from '../contracts/program-language/segment-schema';
import { conditionSql, pathLiteral, textLiteral } from './condition-sql';
import { traitSql } from './trait-sql';

export interface CompiledSegment {
  /** Boolean SQL, never NULL. */
  predicate: string;
  /** `<aggregate> AS <prefix><i>` over events `e`, each read by the predicate as `agg.<prefix><i>`. */
  aggregates: string[];
  /** The types the aggregates count, and the longest window they read, in ms before `now`. */
  eventTypes: string[];
  lookbackMs: number;
  readsProfile: boolean;
}

type EventFilter = { type: string; where?: Condition | undefined };

/**
 * Compiles at the instant `now` (windows end there; a literal, so the plan sees it). `prefix` names
 * the aggregates (`agg.<prefix><i>`): segments evaluated together need distinct ones.
 */
export function compileSegment(definition: SegmentDefinition, now: Date, prefix = 'a'): CompiledSegment {
  const nowSql = `TIMESTAMP ${textLiteral(now.toISOString().replace('T', ' ').replace('Z', ''))}`;
  const before = (ms: number) => `${nowSql} - INTERVAL '${ms} milliseconds'`;
  const out: CompiledSegment = { predicate: '', aggregates: [], eventTypes: [], lookbackMs: 0, readsProfile: false };

  const filterSql = (alias: string, f: EventFilter) =>
    [
      `${alias}.type = ${textLiteral(f.type)}`,
      ...(f.where
        ? [conditionSql(f.where, (field) => `(${alias}.properties #> ${pathLiteral(field.split('.').slice(2))})`)]
        : []),
    ].join(' AND ');

  const aggregate = (sql: string, types: string[], lookbackMs: number) => {
    const name = `${prefix}${out.aggregates.length}`;
    out.aggregates.push(`${sql} AS ${name}`);
    for (const type of types) if (!out.eventTypes.includes(type)) out.eventTypes.push(type);
    out.lookbackMs = Math.max(out.lookbackMs, lookbackMs);
    return `agg.${name}`;
  };

  const walk = (c: SegmentCondition): string => {
    if ('all' in c) return `(${c.all.map(walk).join(' AND ')})`;
    if ('any' in c) return `(${c.any.map(walk).join(' OR ')})`;
    if ('not' in c) return `(NOT ${walk(c.not)})`;
    if ('events' in c) {
      const { within, count } = c.events;
      const ms = durationMs(within);
      const n = aggregate(
        `count(*) FILTER (WHERE ${filterSql('e', c.events)} AND e.occurred_at > ${before(ms)})`,
        [c.events.type],
        ms,
      );
      const bounds = [
        ...(count.gte !== undefined ? [`>= ${count.gte}`] : []),
        ...(count.lte !== undefined ? [`<= ${count.lte}`] : []),
        ...(count.eq !== undefined ? [`= ${count.eq}`] : []),
      ];
      return `(${bounds.map((b) => `coalesce(${n}, 0) ${b}`).join(' AND ')})`;
    }
    if ('sequence' in c) {
      const { did, notFollowedBy } = c.sequence;
      const within = durationMs(c.sequence.within);
      const lookback = within + durationMs(c.sequence.lookback);
      const followed =
        `EXISTS (SELECT 1 FROM events f WHERE f.customer_id = e.customer_id AND ${filterSql('f', notFollowedBy)}` +
        ` AND f.occurred_at > e.occurred_at AND f.occurred_at <= e.occurred_at + INTERVAL '${within} milliseconds')`;
      const found = aggregate(
        `bool_or(${filterSql('e', did)} AND e.occurred_at > ${before(lookback)}` +
          ` AND e.occurred_at <= ${before(within)} AND NOT ${followed})`,
        [did.type],
        lookback,
      );
      return `coalesce(${found}, false)`;
    }
    return conditionSql(c, (field) => fieldSql(field));
  };

  const fieldSql = (field: string) => {
    if (field.startsWith('traits.')) return traitSql(field.slice('traits.'.length) as SegmentTrait, nowSql);
    out.readsProfile = true;
    return `(p.profile #> ${pathLiteral(field.split('.').slice(1))})`;
  };

  out.predicate = walk(definition.condition);
  return out;
}

/**
 * What a definition reads, independent of time: which event types can change it, whether a
 * change of the customer (profile or traits) can, and whether the schedule must recompute it:
 * a window moves with time, and profiles and traits change by imports and by the traits' own
 * schedule (value12m, opens30d, RFM), none of which is an event of the customer's.
 */
export function segmentReads(definition: SegmentDefinition): {
  eventTypes: string[];
  readsCustomer: boolean;
  scheduled: boolean;
} {
  const eventTypes = new Set<string>();
  let readsCustomer = false;
  const walk = (c: SegmentCondition): void => {
    if ('all' in c) return c.all.forEach(walk);
    if ('any' in c) return c.any.forEach(walk);
    if ('not' in c) return walk(c.not);
    if ('events' in c) eventTypes.add(c.events.type);
    else if ('sequence' in c) eventTypes.add(c.sequence.did.type).add(c.sequence.notFollowedBy.type);
    else readsCustomer = true;
  };
  walk(definition.condition);
  // Every form reads a window or the customer: the recompute keeps each segment (the flag is stored
  // so that a form read by events alone, should one be added, can say it needs no schedule).
  return { eventTypes: [...eventTypes].sort(), readsCustomer, scheduled: true };
}
