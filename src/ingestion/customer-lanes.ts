// A batch's items for different customers may be ingested at once; items that may concern the
// same customer must go one after another, in batch order, so the customer's workflow hears its
// events in that order. Items share a lane when they share an identifier, or when their
// identifiers already belong to the same customer (one asks by id, another by email).
import { IDENTIFIER_KINDS, type CustomerRef } from '../contracts/requests/customer-schema';
import type { Db } from '../db/prisma';

/** The lane of each item (items without a reference, e.g. invalid ones, get lanes of their own). */
export async function customerLanes(db: Db, refs: (CustomerRef | undefined)[]): Promise<number[]> {
  const keysOf = refs.map((ref) => (ref ? IDENTIFIER_KINDS.flatMap((k) => (ref[k] ? [`${k}:${ref[k]}`] : [])) : []));
  const owners = await knownOwners(db, refs);
  refs.forEach((ref, i) => {
    if (!ref) return;
    if (ref.id) keysOf[i]!.push(`customer:${owners.get(`customer:${ref.id}`) ?? ref.id}`);
    for (const key of keysOf[i]!.slice()) {
      const owner = owners.get(key);
      if (owner) keysOf[i]!.push(`customer:${owner}`);
    }
  });
  // Union-find over keys: an item joins the lane of every key it holds.
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let root = k;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(k, root);
    return root;
  };
  for (const keys of keysOf) for (const k of keys.slice(1)) parent.set(find(k), find(keys[0]!));
  const laneOfRoot = new Map<string, number>();
  return keysOf.map((keys, i) => {
    if (!keys.length) return -1 - i;
    const root = find(keys[0]!);
    if (!laneOfRoot.has(root)) laneOfRoot.set(root, laneOfRoot.size);
    return laneOfRoot.get(root)!;
  });
}

/** Who already holds each identifier (`email:…` → customer id), and where merged ids now point (`customer:…`). */
async function knownOwners(db: Db, refs: (CustomerRef | undefined)[]): Promise<Map<string, string>> {
  const given = refs.flatMap((ref) =>
    ref ? IDENTIFIER_KINDS.flatMap((kind) => (ref[kind] ? [{ kind, value: ref[kind] }] : [])) : [],
  );
  const ids = [...new Set(refs.flatMap((ref) => (ref?.id ? [ref.id] : [])))];
  const [held, merged] = await Promise.all([
    given.length
      ? db.customerIdentifier.findMany({ where: { OR: given }, select: { kind: true, value: true, customerId: true } })
      : [],
    ids.length
      ? db.customer.findMany({
          where: { id: { in: ids }, mergedInto: { not: null } },
          select: { id: true, mergedInto: true },
        })
      : [],
  ]);
  return new Map([
    ...held.map((h) => [`${h.kind}:${h.value}`, h.customerId] as const),
    ...merged.map((m) => [`customer:${m.id}`, m.mergedInto!] as const),
  ]);
}

/**
 * Runs `run(index)` for every item: lanes concurrently (at most `concurrency` at a time), each
 * lane's items in order. After a failure no new item starts; the first error is rethrown once
 * the items in flight have finished.
 */
export async function runInLanes(
  lanes: number[],
  concurrency: number,
  run: (index: number) => Promise<void>,
): Promise<void> {
  const byLane = new Map<number, number[]>();
  lanes.forEach((lane, i) => {
    const items = byLane.get(lane);
    if (items) items.push(i);
    else byLane.set(lane, [i]);
  });
  const queue = [...byLane.values()];
  let failure: { error: unknown } | undefined;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let lane = queue.shift(); lane && !failure; lane = queue.shift()) {
        for (const index of lane) {
          if (failure) break;
          await run(index).catch((error: unknown) => void (failure ??= { error }));
        }
      }
    }),
  );
  if (failure) throw failure.error;
}
