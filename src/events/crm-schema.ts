import { z } from 'zod';
import type { InputLimits } from './limits.js';
import { plainObject } from './segment-schema.js';

/**
 * The conventional contact lifecycle stages, in their usual order: what the
 * shipped pipelines match and what HubSpot's own values are translated to
 * (src/sources/hubspot/default-stages.ts). The envelope accepts any value.
 */
export const LIFECYCLE_STAGES = ['subscriber', 'lead', 'mql', 'sql', 'opportunity', 'customer', 'evangelist'] as const;
/** The conventional deal stages, likewise: a CRM's own stage names or ids are accepted too. */
export const DEAL_STAGES = ['qualification', 'discovery', 'proposal', 'negotiation', 'closed_won', 'closed_lost'] as const;
/** Longest stage value, pipeline, property name or object id: long enough for any CRM's ids and labels. */
export const MAX_CRM_VALUE_LENGTH = 256;
/** The CRM records a property change can be about. */
export const CRM_OBJECTS = ['contact', 'deal'] as const;
export const ACTIVITY_CHANNELS = ['email', 'call', 'meeting', 'store_visit', 'chat'] as const;

/**
 * The CRM envelope (documented in docs/events.md): one object per contact
 * lifecycle change, deal stage change, contact or deal creation, property
 * change, deal–contact association change, activity, support ticket or
 * survey answer. `kind` selects which detail object must be present. Like the
 * Segment schema it validates only: the decoder keeps the parsed original.
 */
export function createCrmSchema(limits: InputLimits) {
  const id = z.string().min(1).max(limits.maxIdLength);
  // Bounded by the record size limit, like the Segment texts.
  const text = z.string();
  // Free strings: any CRM's pipelines and stages fit, and the journey
  // definition's stage rules decide which journey stage a value is
  // (docs/events.md, "Stage values"). A value no rule matches is kept as an
  // event of no stage, never refused: a CRM that gains a stage must not lose
  // its events until the definition catches up.
  const value = z.string().min(1).max(MAX_CRM_VALUE_LENGTH);
  const base = {
    source: z.literal('crm'),
    id,
    occurredAt: z.string().min(1).max(64),
    receivedAt: z.string().min(1).max(64).optional(),
    // Optional since a deal's events may be keyed by the deal (an anonymousId)
    // before the CRM associates it with a contact; normalization still
    // refuses an envelope without any identifier of the pipeline's order.
    contactId: id.optional(),
    email: z.string().max(320).optional(),
    anonymousId: id.optional(),
    userId: id.optional(),
    properties: plainObject.optional(),
  };
  return z.discriminatedUnion('kind', [
    z.object({
      ...base,
      kind: z.literal('lifecycle_stage_changed'),
      lifecycle: z.object({ from: value.optional(), to: value }),
    }),
    z.object({
      ...base,
      kind: z.literal('deal_stage_changed'),
      deal: z.object({
        dealId: id,
        pipeline: value.optional(),
        from: value.optional(),
        to: value,
        amount: z.number().nonnegative().optional(),
        currency: z.string().length(3).optional(),
      }),
    }),
    z.object({ ...base, kind: z.literal('contact_created') }),
    z.object({
      ...base,
      kind: z.literal('deal_created'),
      deal: z.object({
        dealId: id,
        pipeline: value.optional(),
        amount: z.number().nonnegative().optional(),
        currency: z.string().length(3).optional(),
      }),
    }),
    z.object({
      ...base,
      kind: z.literal('property_changed'),
      change: z.object({
        object: z.enum(CRM_OBJECTS),
        objectId: id,
        property: value,
        // null: the property was cleared. Absent: the value is the identifier
        // the envelope carries (an email is kept only as its salted hash).
        value: z.union([text, z.null()]).optional(),
      }),
    }),
    z.object({
      ...base,
      kind: z.literal('deal_association_changed'),
      association: z.object({ dealId: id, contactId: id, removed: z.boolean() }),
    }),
    z.object({
      ...base,
      kind: z.literal('activity'),
      activity: z.object({
        channel: z.enum(ACTIVITY_CHANNELS),
        direction: z.enum(['inbound', 'outbound']),
        subject: text.optional(),
      }),
    }),
    z.object({
      ...base,
      kind: z.literal('ticket_opened'),
      ticket: z.object({ ticketId: id, subject: text.optional(), priority: z.enum(['low', 'normal', 'high']).optional() }),
    }),
    z.object({
      ...base,
      kind: z.literal('ticket_solved'),
      ticket: z.object({ ticketId: id, subject: text.optional(), priority: z.enum(['low', 'normal', 'high']).optional() }),
    }),
    z.object({
      ...base,
      kind: z.literal('survey_answered'),
      survey: z
        .object({ type: z.enum(['nps', 'csat']), score: z.number().int(), comment: text.optional(), stage: text.optional(), touchpoint: text.optional() })
        .refine((s) => (s.type === 'nps' ? s.score >= 0 && s.score <= 10 : s.score >= 1 && s.score <= 5), {
          message: 'score out of range: NPS is 0–10, CSAT is 1–5',
          path: ['score'],
        }),
    }),
  ]);
}

export type CrmEnvelope = z.infer<ReturnType<typeof createCrmSchema>>;
