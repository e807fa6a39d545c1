// Reads a customer's profile and computed traits in the shape conditions and templates use.
import type { JsonObject } from '../contracts/schema-parts';
import type { ProfileScope } from '../core/calls';
import { sqlRows, type Db } from '../db/prisma';
import { storedObject } from '../db/stored-json';
import { traitColumnsSql, traitValues, type TraitColumns } from '../traits/trait-values';

/**
 * A customer's stored traits (customers.traits). Checked at its top only, as it is read for every
 * send: an object, or a StoredJsonError naming the customer.
 */
export function customerTraits(traits: unknown, customerId: string): JsonObject {
  return storedObject(traits, { table: 'customers', column: 'traits', id: customerId });
}

/**
 * One row of what a customer's scope is built from (`scopeOf`), for the customer whose id is the
 * SQL expression `customerId`; a customer that does not exist gives nulls. Shared with the send's
 * one statement (src/messaging/message-rows.ts). Identifiers in heap order (ctid), the order the
 * Prisma read this replaced returned them in: of two identifiers of one kind, the later one is
 * the profile's. The computed traits are the customer's customer_traits row, one index probe,
 * kept current as purchases, engagement and profile changes are written (src/traits/). Its
 * aliases are long so that `customerId` can name a caller's column.
 */
export function profileScopeSql(customerId: string): string {
  return `
    SELECT scope_customer.traits, scope_customer.tags, scope_customer.timezone,
           (SELECT coalesce(jsonb_agg(jsonb_build_array(scope_identifier.kind, scope_identifier.value)
                                      ORDER BY scope_identifier.ctid), '[]'::jsonb)
              FROM customer_identifiers scope_identifier
             WHERE scope_identifier.customer_id = ${customerId}) AS identifiers,
           (SELECT coalesce(jsonb_agg(scope_segment.segment_id ORDER BY scope_segment.segment_id), '[]'::jsonb)
              FROM segment_memberships scope_segment
             WHERE scope_segment.customer_id = ${customerId} AND scope_segment.left_at IS NULL) AS segments,
           ${traitColumnsSql('scope_computed')}
      FROM (SELECT) scope_one
      LEFT JOIN customers scope_customer ON scope_customer.id = ${customerId}
      LEFT JOIN customer_traits scope_computed ON scope_computed.customer_id = ${customerId}`;
}

export interface ProfileScopeRow extends TraitColumns {
  traits: unknown;
  tags: string[] | null;
  timezone: string | null;
  identifiers: [kind: string, value: string][];
  /** The segments the customer is in now (open spells, src/segments/), as `profile.segments`. */
  segments?: string[] | null;
}

export function scopeOf(customerId: string, row: ProfileScopeRow | undefined): ProfileScope {
  const identifiers = Object.fromEntries(row?.identifiers ?? []);
  // Null traits: no such customer (the column itself is never null).
  const traits = row && row.traits !== null ? customerTraits(row.traits, customerId) : {};
  return {
    profile: {
      ...traits,
      ...identifiers,
      id: customerId,
      tags: row?.tags ?? [],
      timezone: row?.timezone ?? null,
      segments: row?.segments ?? [],
    },
    traits: { ...traitValues(row) },
  };
}

export async function loadProfileScope(db: Db, customerId: string): Promise<ProfileScope> {
  const [row] = await sqlRows<ProfileScopeRow>(db, profileScopeSql('$1::text'), [customerId]);
  return scopeOf(customerId, row);
}

/**
 * Only the `profile.*` and `traits.*` paths asked for: the result is kept in the workflow's
 * history, which must not hold whole profiles (email addresses, names) for no reason.
 */
export async function loadProfileFields(db: Db, customerId: string, fields: readonly string[]): Promise<ProfileScope> {
  return pickFields(await loadProfileScope(db, customerId), fields);
}

/** The scope cut down to the given `profile.*` / `traits.*` paths; other paths are ignored. */
export function pickFields(scope: ProfileScope, fields: readonly string[]): ProfileScope {
  const picked: ProfileScope = { profile: {}, traits: {} };
  for (const field of fields) {
    const [root, ...path] = field.split('.');
    // Own properties only, and never `__proto__` (a condition's path is data, not a way into prototypes).
    if ((root !== 'profile' && root !== 'traits') || path.length === 0 || path.includes('__proto__')) continue;
    const value = path.reduce<unknown>(
      (node, part) => (isRecord(node) && Object.hasOwn(node, part) ? node[part] : undefined),
      scope[root],
    );
    if (value === undefined) continue;
    let node = picked[root];
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[path.at(-1)!] = value;
  }
  return picked;
}

const isRecord = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object';
