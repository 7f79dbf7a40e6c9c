import { z } from 'zod';
import { durationMs } from '../core/duration.js';

/** Identity fields a key can be taken from; the prefix keeps their namespaces apart. */
export const IDENTITY_FIELDS = ['anonymousId', 'userId', 'contactId'] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

const PREFIX: Record<IdentityField, string> = { anonymousId: 'a:', userId: 'u:', contactId: 'c:' };

/** The kinds of identifier a person is stitched from (docs/semantics.md, "People"). */
export const IDENTIFIER_KINDS = ['anonymousId', 'userId', 'contactId', 'emailHash'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];
export const IDENTIFIER_PREFIX: Record<IdentifierKind, string> = { anonymousId: 'a:', userId: 'u:', contactId: 'c:', emailHash: 'e:' };

/** The kind of a prefixed identifier (`a:…` → anonymousId), undefined for another text. */
export function identifierKind(identifier: string): IdentifierKind | undefined {
  switch (identifier.slice(0, 2)) {
    case 'a:':
      return 'anonymousId';
    case 'u:':
      return 'userId';
    case 'c:':
      return 'contactId';
    case 'e:':
      return 'emailHash';
    default:
      return undefined;
  }
}

const limitsSchema = z
  .strictObject({
    anonymousId: z.number().int().min(1).default(50),
    userId: z.number().int().min(1).default(1),
    contactId: z.number().int().min(1).default(1),
    emailHash: z.number().int().min(1).default(5),
  })
  .describe('At most this many identifiers of each kind in one person: a link that would exceed it joins nothing (a shared device)');

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
  limits: limitsSchema.default({ anonymousId: 50, userId: 1, contactId: 1, emailHash: 5 }),
  maxLinks: z
    .number()
    .int()
    .min(1)
    .default(50)
    .describe('An identifier linked to more userIds, contactIds or emails than this (a kiosk, a test account) is left out of stitching'),
  lookback: durationMs
    .default(30 * 86_400_000)
    .describe("A device's anonymous events up to this long before its first login join that login's person"),
});

export type IdentityOrder = z.infer<typeof identityOrderSchema>;
export type IdentityLimits = z.infer<typeof limitsSchema>;

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
