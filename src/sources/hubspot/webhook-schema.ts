import { z } from 'zod';

/**
 * A HubSpot id: JSON numbers as HubSpot sends them, or their digits as text.
 * A number beyond 2^53 is refused: JSON.parse has already rounded it, and a
 * rounded id would name another contact or deal.
 */
const hubspotId = z.union([
  z
    .number()
    .int()
    .nonnegative()
    .refine(Number.isSafeInteger, { message: 'id beyond 2^53: JSON parsing lost its last digits; send it as text' }),
  z.string().regex(/^\d{1,20}$/, 'expected the digits of a HubSpot id'),
]);

/**
 * One notification of a HubSpot webhook body (a JSON array of these), the
 * fields of HubSpot's legacy webhook payloads the mapping reads. Like the
 * envelope schemas it validates only; fields it does not name (changeFlag,
 * sourceId, …) are accepted as they come.
 */
export const hubspotNotificationSchema = z.object({
  eventId: hubspotId,
  subscriptionId: hubspotId,
  portalId: hubspotId,
  appId: hubspotId.optional(),
  occurredAt: z.number().int().nonnegative().describe('Epoch milliseconds'),
  subscriptionType: z.string().min(1).max(100),
  objectTypeId: z.string().min(1).max(100).optional().describe('Generic (object.*) subscriptions: 0-1 contact, 0-3 deal'),
  attemptNumber: z.number().int().nonnegative().optional(),
  objectId: hubspotId.optional(),
  propertyName: z.string().min(1).max(256).optional(),
  propertyValue: z.union([z.string(), z.null()]).optional(),
  changeSource: z.string().max(256).optional(),
  associationType: z.string().min(1).max(100).optional(),
  fromObjectId: hubspotId.optional(),
  toObjectId: hubspotId.optional(),
  associationRemoved: z.boolean().optional(),
  isPrimaryAssociation: z.boolean().optional(),
});

export type HubSpotNotification = z.infer<typeof hubspotNotificationSchema>;
