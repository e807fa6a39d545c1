// Finds or creates the one customer behind a set of identifiers, and keeps their profile.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../generated/prisma/client';
import type { Db } from '../db/prisma';
import { IDENTIFIER_KINDS, type CustomerRef, type IdentifyInput } from './customer-schema';

export function createIdentity(db: Db) {
  /** The customer id for a reference, creating the customer on first sight. */
  async function resolve(ref: CustomerRef): Promise<string> {
    const given = IDENTIFIER_KINDS.flatMap((kind) => (ref[kind] ? [{ kind, value: ref[kind] }] : []));
    let customerId = ref.id;
    if (!customerId && given.length) {
      const known = await db.customerIdentifier.findMany({ where: { OR: given } });
      // Strongest identifier wins; merging two known customers is a separate, explicit step.
      customerId = IDENTIFIER_KINDS.map((k) => known.find((i) => i.kind === k)?.customerId).find(Boolean);
    }
    customerId ??= randomUUID();
    await db.customer.createMany({ data: [{ id: customerId }], skipDuplicates: true });
    if (given.length) {
      // An identifier already held by someone else stays theirs (first writer wins).
      await db.customerIdentifier.createMany({ data: given.map((g) => ({ ...g, customerId: customerId! })), skipDuplicates: true });
    }
    return customerId;
  }

  async function identify(input: IdentifyInput): Promise<string> {
    const customerId = await resolve(input.customer);
    if (input.traits || input.timezone) {
      await db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT 1 FROM customers WHERE id = ${customerId} FOR UPDATE`;
        const current = await tx.customer.findUniqueOrThrow({ where: { id: customerId } });
        await tx.customer.update({
          where: { id: customerId },
          data: {
            traits: { ...(current.traits as object), ...input.traits } as Prisma.InputJsonObject,
            ...(input.timezone ? { timezone: input.timezone } : {}),
          },
        });
      });
    }
    return customerId;
  }

  return { resolve, identify };
}

export type Identity = ReturnType<typeof createIdentity>;
