// A journey's `update` step on the customer's row: traits set, tags added and removed.
import type { Prisma } from '../../generated/prisma/client';
import type { Db } from '../db/prisma';
import { customerTraits } from './profile-scope';
import { refreshCustomerTraits } from '../traits/refresh-traits';

export interface ProfileUpdate {
  customerId: string;
  set?: Record<string, unknown>;
  addTags?: string[];
  removeTags?: string[];
}

export async function updateProfile(db: Db, input: ProfileUpdate): Promise<void> {
  // One transaction with a row lock, so concurrent updates to traits or tags never lose a write.
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM customers WHERE id = ${input.customerId} FOR UPDATE`;
    const customer = await tx.customer.findUniqueOrThrow({ where: { id: input.customerId } });
    const tags = new Set(customer.tags);
    for (const t of input.addTags ?? []) tags.add(t);
    for (const t of input.removeTags ?? []) tags.delete(t);
    await tx.customer.update({
      where: { id: input.customerId },
      data: {
        // Update step values are JSON scalars and arrays (src/contracts/program-language/schema.ts).
        traits: { ...customerTraits(customer.traits, customer.id), ...input.set } as Prisma.InputJsonObject,
        tags: [...tags],
      },
    });
    // Country and region are traits of the profile.
    if (input.set) await refreshCustomerTraits(tx, [input.customerId]);
  });
}
