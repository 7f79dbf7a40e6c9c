import { z } from 'zod';
import type { InputLimits } from './limits.js';

/**
 * The Segment spec message (track / page / screen / identify / alias / group),
 * as Segment, RudderStack and Jitsu destinations emit it. Unknown fields are
 * kept (loose objects): the spec grows and we must accept what it emits as is.
 */
export function createSegmentSchema(limits: InputLimits) {
  const id = z.string().min(1).max(limits.maxIdLength);
  const optionalText = z.string().max(8_192).optional();
  const time = z.string().min(1).max(64).optional();

  const page = z.looseObject({
    path: optionalText,
    url: optionalText,
    referrer: optionalText,
    title: optionalText,
    search: optionalText,
  });

  const campaign = z.looseObject({
    source: optionalText,
    medium: optionalText,
    name: optionalText,
    term: optionalText,
    content: optionalText,
  });

  const context = z.looseObject({
    page: page.optional(),
    campaign: campaign.optional(),
    userAgent: optionalText,
    locale: optionalText,
    location: z.looseObject({ country: optionalText }).optional(),
    traits: z.record(z.string(), z.unknown()).optional(),
    device: z.record(z.string(), z.unknown()).optional(),
  });

  return z
    .looseObject({
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
      properties: z.record(z.string(), z.unknown()).optional(),
      traits: z.record(z.string(), z.unknown()).optional(),
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
