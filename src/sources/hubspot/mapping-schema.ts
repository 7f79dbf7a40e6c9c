import { z } from 'zod';
import { MAX_CRM_VALUE_LENGTH } from '../../events/crm-schema.js';

const value = z.string().min(1).max(MAX_CRM_VALUE_LENGTH);

/** What a configured contact property is: an identifier that links the contact, or a value kept on the event. */
export const CONTACT_PROPERTY_ROLES = ['email', 'userId', 'anonymousId', 'value'] as const;
export type ContactPropertyRole = (typeof CONTACT_PROPERTY_ROLES)[number];

/**
 * The journey definition's `hubspot:` section (docs/events.md, "HubSpot
 * webhooks"): how HubSpot's internal values become the envelope's. HubSpot's
 * defaults (default-stages.ts) are built in; entries here add to them and win.
 * Numeric ids must be quoted in YAML ("110382973"): unquoted, YAML reads a
 * number, and an id with a leading zero or beyond 2^53 would change.
 */
export const hubspotSectionSchema = z
  .strictObject({
    lifecycleStages: z
      .record(value, value)
      .default({})
      .describe('lifecyclestage values (a custom stage\'s internal id, say) → the value lifecycle.to gets, e.g. { "1093487": mql }'),
    dealStages: z
      .record(
        value,
        z.strictObject({
          pipeline: value.describe('The HubSpot id of the pipeline the stage belongs to'),
          stage: value.describe('The value deal.to gets, e.g. proposal'),
        }),
      )
      .default({})
      .describe('dealstage ids → their pipeline and the value deal.to gets; HubSpot stage ids are unique in a portal'),
    pipelines: z
      .record(value, value)
      .default({})
      .describe('HubSpot pipeline ids → the name deal.pipeline gets (default: the id); HubSpot\'s own sales pipeline is "default"'),
    contactProperties: z
      .record(value, z.enum(CONTACT_PROPERTY_ROLES))
      .default({})
      .describe('Further contact properties whose changes are mapped: email, userId or anonymousId link the contact; value keeps the new value'),
    builtInStages: z.boolean().default(true).describe("Include HubSpot's default lifecycle and deal stage values"),
  })
  .superRefine((section, ctx) => {
    if ('lifecyclestage' in section.contactProperties) {
      ctx.addIssue({ code: 'custom', path: ['contactProperties', 'lifecyclestage'], message: 'lifecyclestage is always mapped (as lifecycle_stage_changed): map its values under lifecycleStages' });
    }
  });

export type HubSpotSection = z.infer<typeof hubspotSectionSchema>;
