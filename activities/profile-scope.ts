// Reads a customer's profile and computed traits in the shape conditions and templates use.
import type { ProfileScope } from '../src/core/calls';
import type { Db } from '../src/db/prisma';

export async function loadProfileScope(db: Db, customerId: string): Promise<ProfileScope> {
  const [customer, orders] = await Promise.all([
    db.customer.findUnique({ where: { id: customerId }, include: { identifiers: true } }),
    db.$queryRaw<{ order_count: bigint; total_spent: string | null; last_at: Date | null }[]>`
      SELECT count(DISTINCT order_id) AS order_count, sum(price * quantity)::text AS total_spent,
             max(ordered_at) AS last_at
      FROM order_lines WHERE customer_id = ${customerId}`,
  ]);
  const identifiers = Object.fromEntries((customer?.identifiers ?? []).map((i) => [i.kind, i.value]));
  const agg = orders[0];
  return {
    profile: {
      ...((customer?.traits ?? {}) as Record<string, unknown>),
      ...identifiers,
      id: customerId,
      tags: customer?.tags ?? [],
      timezone: customer?.timezone ?? null,
    },
    traits: {
      orderCount: Number(agg?.order_count ?? 0),
      totalSpent: agg?.total_spent ? Number(agg.total_spent) : 0,
      lastPurchaseAt: agg?.last_at?.toISOString() ?? null,
    },
  };
}

/** The scope cut down to the given `profile.*` / `traits.*` paths; other paths are ignored. */
export function pickFields(scope: ProfileScope, fields: readonly string[]): ProfileScope {
  const picked: ProfileScope = { profile: {}, traits: {} };
  for (const field of fields) {
    const [root, ...path] = field.split('.');
    // Own properties only, and never `__proto__` (a condition's path is data, not a way into prototypes).
    if ((root !== 'profile' && root !== 'traits') || path.length === 0 || path.includes('__proto__')) continue;
    const value = path.reduce<unknown>((node, part) => (isRecord(node) && Object.hasOwn(node, part) ? node[part] : undefined), scope[root]);
    if (value === undefined) continue;
    let node = picked[root];
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[path.at(-1)!] = value;
  }
  return picked;
}

const isRecord = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object';
