import { z } from 'zod';
import type { InputLimits } from './limits.js';

/** A JSON object of any content (properties, traits): checked, not copied. */
export const plainObject = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  { message: 'expected an object' },
);

/**
 * The Segment spec message (track / page / screen / identify / alias / group),
 * as Segment, RudderStack and Jitsu destinations emit it. Unknown fields are
 * accepted. The schema validates; the decoder keeps the parsed original (zod
 * transforms nothing here), so unknown fields stay available to rules and
 * nothing is copied — copying loose objects made zod ~75% slower.
 */
export function createSegmentSchema(limits: InputLimits) {
  const id = z.string().min(1).max(limits.maxIdLength);
  // No length check of its own: the record size limit bounds texts, and ten
  // per-field checks cost ~6% of the core's time.
  const optionalText = z.string().optional();
  const time = z.string().min(1).max(64).optional();

  const page = z.object({
    path: optionalText,
    url: optionalText,
    referrer: optionalText,
    title: optionalText,
    search: optionalText,
  });

  const campaign = z.object({
    source: optionalText,
    medium: optionalText,
    name: optionalText,
    term: optionalText,
    content: optionalText,
  });

  const context = z.object({
    page: page.optional(),
    campaign: campaign.optional(),
    userAgent: optionalText,
    locale: optionalText,
    location: z.object({ country: optionalText }).optional(),
    traits: plainObject.optional(),
    device: plainObject.optional(),
  });

  return z
    .object({
      type: z.enum(['track', 'page', 'screen', 'identify', 'alias', 'group']),
      messageId: id.optional(),
      anonymousId: id.optional(),
      userId: id.optional(),
      previousId: id.optional(),
      event: z.string().min(1).max(512).optional(),
      name: z.string().max(512).optional(),
      timestamp: time,
      originalTimestamp: time,
      sentAt: time,
      receivedAt: time,
      context: context.optional(),
      properties: plainObject.optional(),
      traits: plainObject.optional(),
    })
    .check((ctx) => {
      const message = ctx.value;
      if (!message.anonymousId && !message.userId) {
        ctx.issues.push({
          code: 'custom',
          path: ['anonymousId'],
          message: 'no identity: a Segment message needs anonymousId or userId',
          input: message,
        });
      }
      if (message.type === 'track' && !message.event) {
        ctx.issues.push({ code: 'custom', path: ['event'], message: 'a track call needs an event name', input: message });
      }
    });
}

export type SegmentMessage = z.infer<ReturnType<typeof createSegmentSchema>>;
