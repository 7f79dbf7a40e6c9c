import { z } from 'zod';

/** Identity fields a key can be taken from; the prefix keeps their namespaces apart. */
export const IDENTITY_FIELDS = ['anonymousId', 'userId', 'contactId'] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

const PREFIX: Record<IdentityField, string> = { anonymousId: 'a:', userId: 'u:', contactId: 'c:' };

export const identityOrderSchema = z.object({
  site: z
    .array(z.enum(IDENTITY_FIELDS))
    .min(1)
    .default(['anonymousId', 'userId'])
    .describe('Fields tried in order for the identity key of site events'),
  crm: z
    .array(z.enum(IDENTITY_FIELDS))
    .min(1)
    .default(['contactId'])
    .describe('Fields tried in order for the identity key of CRM events'),
});

export type IdentityOrder = z.infer<typeof identityOrderSchema>;

export type IdentityValues = Partial<Record<IdentityField, string | undefined>>;

/**
 * The identity key: the first non-empty field of the order, prefixed by its
 * kind (`a:`, `u:`, `c:`) so that a userId "42" and a contactId "42" stay two
 * people. Undefined when none of the fields is present.
 */
export function identityKey(values: IdentityValues, order: readonly IdentityField[]): string | undefined {
  for (const field of order) {
    const value = values[field];
    if (value) return PREFIX[field] + value;
  }
  return undefined;
}
