// How API callers name a customer and describe them: the zod schemas, and types derived from them.
import { z } from 'zod';
import { ianaTimeZone, jsonObject, storable } from '../schema-parts';

const identifier = z.string().trim().min(1).max(256).check(storable);

/** A customer is named by our id or by any identifier they are known by. */
export const customerRefSchema = z
  .strictObject({
    id: identifier.optional(),
    email: z
      .email()
      .max(256)
      .transform((e) => e.toLowerCase())
      .optional(),
    loyaltyId: identifier.optional(),
    anonymousId: identifier.optional(),
  })
  .refine((c) => c.id || c.email || c.loyaltyId || c.anonymousId, {
    message: 'needs at least one of id, email, loyaltyId, anonymousId',
  });

export type CustomerRef = z.output<typeof customerRefSchema>;

export const identifySchema = z.strictObject({
  customer: customerRefSchema,
  traits: jsonObject
    .refine(
      (t) => Object.keys(t).every((k) => k.length >= 1 && k.length <= 100),
      'trait names must be 1-100 characters',
    )
    .optional(),
  timezone: ianaTimeZone.optional(),
});

export type IdentifyInput = z.output<typeof identifySchema>;

/** The identifier kinds, strongest first: the order in which an unknown customer is looked up. */
export const IDENTIFIER_KINDS = ['email', 'loyaltyId', 'anonymousId'] as const;
