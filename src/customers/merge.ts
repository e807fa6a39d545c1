// Merging two customers who turned out to be one: the database repoints everything at the
// survivor in one transaction, then the other customer's workflow is told to hand its journey
// state to the survivor's workflow and end.
import { markBuyers } from '../analytics/audience-writes';
import type { Db } from '../db/prisma';
import type { CustomerWorkflows } from './customer-workflows';
import { customerTraits } from './profile-scope';
import { refreshCustomerTraits } from '../traits/refresh-traits';

export async function mergeCustomers(
  db: Db,
  customers: Pick<CustomerWorkflows, 'mergeInto'>,
  survivorId: string,
  mergedIds: string[],
): Promise<void> {
  await db.$transaction(async (tx) => {
    // Lock all rows in id order, so two merges of overlapping customers cannot deadlock.
    const ids = [survivorId, ...mergedIds].sort();
    await tx.$executeRaw`SELECT 1 FROM customers WHERE id = ANY(${ids}) ORDER BY id FOR UPDATE`;
    const rows = await tx.customer.findMany({ where: { id: { in: ids } } });
    const survivor = rows.find((r) => r.id === survivorId)!;
    let traits = customerTraits(survivor.traits, survivorId);
    const tags = new Set(survivor.tags);
    let timezone = survivor.timezone;
    for (const id of mergedIds) {
      const merged = rows.find((r) => r.id === id);
      if (!merged) continue;
      // The survivor's own values win; the merged customer fills the gaps.
      traits = { ...customerTraits(merged.traits, id), ...traits };
      merged.tags.forEach((t) => tags.add(t));
      timezone ??= merged.timezone;
      await tx.customerIdentifier.updateMany({ where: { customerId: id }, data: { customerId: survivorId } });
      await tx.event.updateMany({ where: { customerId: id }, data: { customerId: survivorId } });
      await tx.orderLine.updateMany({ where: { customerId: id }, data: { customerId: survivorId } });
      await markBuyers(tx, [id, survivorId]);
      await tx.$executeRaw`
        INSERT INTO subscriptions (customer_id, "group", subscribed, updated_at)
        SELECT ${survivorId}, "group", subscribed, updated_at FROM subscriptions WHERE customer_id = ${id}
        ON CONFLICT (customer_id, "group") DO UPDATE SET subscribed = subscriptions.subscribed AND EXCLUDED.subscribed`;
      await tx.customer.updateMany({ where: { mergedInto: id }, data: { mergedInto: survivorId } });
      await tx.customer.update({
        where: { id },
        data: { mergedInto: survivorId, traits: {}, tags: [], timezone: null },
      });
    }
    await tx.customer.update({
      where: { id: survivorId },
      data: { traits, tags: [...tags], timezone },
    });
    // The survivor's traits now count the merged customers' lines and events, whose rows go.
    await refreshCustomerTraits(tx, ids);
  });
  for (const id of mergedIds) await customers.mergeInto(id, survivorId);
}
