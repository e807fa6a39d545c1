// GDPR erase: the customer's workflow is terminated, their personal data deleted, and what
// analytics needs (step records, message outcomes, order lines) kept under a fresh anonymous id.
// An "erased" suppression, keyed by a digest of each email, makes sure they are never messaged again.
import { randomUUID } from 'node:crypto';
import { auditData } from '../audit/audit-log';
import { markBuyers, uncountEventsOf } from '../analytics/audience-writes';
import type { Db } from '../db/prisma';
import { digestEmail } from '../messaging/suppressions';
import type { CustomerWorkflows } from './customer-workflows';
import { NotFoundError } from '../core/errors';
import { refreshCustomerTraits } from '../traits/refresh-traits';

export async function eraseCustomer(
  db: Db,
  customers: Pick<CustomerWorkflows, 'terminate'>,
  customerId: string,
  actor: string,
): Promise<{ anonymousId: string }> {
  const named = await db.customer.findUnique({ where: { id: customerId } });
  if (!named) throw new NotFoundError(`customer ${customerId}`);
  const id = named.mergedInto ?? named.id;
  const ids = [
    id,
    ...(await db.customer.findMany({ where: { mergedInto: id }, select: { id: true } })).map((c) => c.id),
  ];
  // Stop the journey first: once the rows are gone, nothing may still be about to send.
  for (const each of ids) await customers.terminate(each, 'GDPR erase');

  const anonymousId = `erased-${randomUUID()}`;
  await db.$transaction(async (tx) => {
    const emails = await tx.customerIdentifier.findMany({ where: { customerId: { in: ids }, kind: 'email' } });
    await tx.suppression.createMany({
      data: emails.map((e) => ({ emailDigest: digestEmail(e.value), kind: 'erased', reason: 'GDPR erase' })),
      skipDuplicates: true,
    });
    await tx.customer.create({ data: { id: anonymousId } });
    await tx.orderLine.updateMany({ where: { customerId: { in: ids } }, data: { customerId: anonymousId } });
    await markBuyers(tx, [...ids, anonymousId]);
    await uncountEventsOf(tx, ids);
    // Revenue analytics keep counting the lines, under the anonymous customer (no profile, no events).
    await refreshCustomerTraits(tx, [anonymousId]);
    await tx.journeyStep.updateMany({ where: { customerId: { in: ids } }, data: { customerId: anonymousId } });
    await tx.message.updateMany({
      where: { customerId: { in: ids } },
      data: { customerId: anonymousId, recipient: null, subject: null },
    });
    await tx.suppression.updateMany({ where: { customerId: { in: ids } }, data: { customerId: null } });
    await tx.subscription.deleteMany({ where: { customerId: { in: ids } } });
    // Identifiers and events (personal data in their properties) go with the customer rows.
    await tx.customer.deleteMany({ where: { id: { in: ids } } });
    // The audit names the opaque ids only: nothing personal is left to point at.
    await tx.auditEntry.create({
      data: auditData({
        actor,
        action: 'customer.erase',
        resource: `customer:${customerId}`,
        after: { erasedIds: ids, anonymousId },
      }),
    });
  });
  return { anonymousId };
}
