// Finds or creates the one customer behind a set of identifiers, and keeps their profile.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../generated/prisma/client';
import type { Db } from '../db/prisma';
import type { CustomerWorkflows } from './customer-workflows';
import { IDENTIFIER_KINDS, type CustomerRef, type IdentifyInput } from '../contracts/requests/customer-schema';
import { mergeCustomers } from './merge';
import { customerTraits } from './profile-scope';
import { refreshCustomerTraits } from '../traits/refresh-traits';

/** Under load a pool connection can take a while to free up; Prisma's 2 s default is too tight. */
export const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 };

type Client = Prisma.TransactionClient;

export function createIdentity(db: Db, customers: Pick<CustomerWorkflows, 'mergeInto'>) {
  /** Every known customer the reference names, strongest first: its id, then email, loyalty card, anonymous id. */
  async function owners(ref: CustomerRef, client: Client = db): Promise<string[]> {
    const given = IDENTIFIER_KINDS.flatMap((kind) => (ref[kind] ? [{ kind, value: ref[kind] }] : []));
    const known = given.length ? await client.customerIdentifier.findMany({ where: { OR: given } }) : [];
    const named = ref.id ? await current(ref.id, client) : undefined;
    const ids = [named, ...IDENTIFIER_KINDS.map((k) => known.find((i) => i.kind === k)?.customerId)];
    return [...new Set(ids.filter((id): id is string => Boolean(id)))];
  }

  /** Follows merges: a merged customer's id answers for the survivor. */
  async function current(id: string, client: Client): Promise<string> {
    const row = await client.customer.findUnique({ where: { id }, select: { mergedInto: true } });
    return row?.mergedInto ?? id;
  }

  /**
   * The customer id for a reference, creating the customer on first sight. When identifiers
   * name two customers, the strongest wins here; only `identify` merges them. Pass the caller's
   * transaction, so that whatever it writes next fails or succeeds with the new customer.
   */
  async function resolve(ref: CustomerRef, client: Client = db): Promise<string> {
    const given = IDENTIFIER_KINDS.flatMap((kind) => (ref[kind] ? [{ kind, value: ref[kind] }] : []));
    const known = (await owners(ref, client))[0] ?? ref.id;
    const customerId = known ?? randomUUID();
    await client.customer.createMany({ data: [{ id: customerId }], skipDuplicates: true });
    if (!given.length) return customerId;
    // An identifier already held by someone else stays theirs (first writer wins).
    await client.customerIdentifier.createMany({
      data: given.map((g) => ({ ...g, customerId })),
      skipDuplicates: true,
    });
    if (known) return customerId;
    // Two first sightings at once (one customer's events in two concurrent requests) each made a
    // customer; the one whose identifiers were stored wins, and the other, known to nobody, goes.
    // (In a transaction, the insert above waits for the other's to commit, and this read sees it.)
    const winner = (await owners(ref, client))[0] ?? customerId;
    if (winner === customerId) return customerId;
    // Only while no event points at it: a request naming just a weaker identifier it took may
    // already have stored one, and then it stays a customer of its own, as any such one would.
    await client.customer.deleteMany({ where: { id: customerId, events: { none: {} } } }); // identifiers cascade…
    await client.customerIdentifier.createMany({
      data: given.map((g) => ({ ...g, customerId: winner })),
      skipDuplicates: true,
    }); // …to the winner
    return winner;
  }

  /** Sets traits and identifiers; identifiers that belonged to other customers merge them into this one. */
  async function identify(input: IdentifyInput): Promise<string> {
    const [survivor, ...others] = await owners(input.customer);
    if (survivor && others.length) {
      // The id the caller names wins, even when this is the first we hear of it.
      await db.customer.createMany({ data: [{ id: survivor }], skipDuplicates: true });
      await mergeCustomers(db, customers, survivor, others);
    }
    // The customer, its identifiers and its traits together: a failure leaves no half-made customer.
    return db.$transaction(async (tx) => {
      const customerId = await resolve(input.customer, tx);
      if (!input.traits && !input.timezone) return customerId;
      await tx.$executeRaw`SELECT 1 FROM customers WHERE id = ${customerId} FOR UPDATE`;
      const current = await tx.customer.findUniqueOrThrow({ where: { id: customerId } });
      await tx.customer.update({
        where: { id: customerId },
        data: {
          traits: { ...customerTraits(current.traits, customerId), ...input.traits },
          ...(input.timezone ? { timezone: input.timezone } : {}),
        },
      });
      // Country and region are traits of the profile.
      await refreshCustomerTraits(tx, [customerId]);
      return customerId;
    }, TRANSACTION_OPTIONS);
  }

  return { resolve, identify };
}

export type Identity = ReturnType<typeof createIdentity>;
