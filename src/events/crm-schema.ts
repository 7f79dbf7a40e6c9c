import { z } from 'zod';
import type { InputLimits } from './limits.js';
import { plainObject } from './segment-schema.js';

/** Contact lifecycle stages, in their usual order. */
export const LIFECYCLE_STAGES = ['subscriber', 'lead', 'mql', 'sql', 'opportunity', 'customer', 'evangelist'] as const;
export const DEAL_STAGES = ['qualification', 'discovery', 'proposal', 'negotiation', 'closed_won', 'closed_lost'] as const;
export const ACTIVITY_CHANNELS = ['email', 'call', 'meeting', 'store_visit', 'chat'] as const;

/**
 * The CRM envelope (documented in docs/events.md): one object per contact
 * lifecycle change, deal stage change, activity, support ticket or survey
 * answer. `kind` selects which detail object must be present. Like the
 * Segment schema it validates only: the decoder keeps the parsed original.
 */
export function createCrmSchema(limits: InputLimits) {
  const id = z.string().min(1).max(limits.maxIdLength);
  // Bounded by the record size limit, like the Segment texts.
  const text = z.string();
  const base = {
    source: z.literal('crm'),
    id,
    occurredAt: z.string().min(1).max(64),
    receivedAt: z.string().min(1).max(64).optional(),
    contactId: id,
    email: z.string().max(320).optional(),
    anonymousId: id.optional(),
    userId: id.optional(),
    properties: plainObject.optional(),
  };
  return z.discriminatedUnion('kind', [
    z.object({
      ...base,
      kind: z.literal('lifecycle_stage_changed'),
      lifecycle: z.object({ from: z.enum(LIFECYCLE_STAGES).optional(), to: z.enum(LIFECYCLE_STAGES) }),
    }),
    z.object({
      ...base,
      kind: z.literal('deal_stage_changed'),
      deal: z.object({
        dealId: id,
        pipeline: z.string().min(1).max(256),
        from: z.enum(DEAL_STAGES).optional(),
        to: z.enum(DEAL_STAGES),
        amount: z.number().nonnegative().optional(),
        currency: z.string().length(3).optional(),
      }),
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
