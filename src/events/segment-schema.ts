import { z } from 'zod';
import type { InputLimits } from './limits.js';
import { isPlainObject } from '../core/plain-object.js';

/** A JSON object of any content (properties, traits): checked, not copied. */
export const plainObject = z.custom<Record<string, unknown>>(
  (value) => isPlainObject(value),
  { message: 'expected an object' },
);

/** Longest event or page name accepted. */
export const MAX_EVENT_NAME = 512;
/** Longest time text accepted (a time is ~24 characters). */
export const MAX_TIME_TEXT = 64;

/** A text field's accepted length, checked by the message's own check. */
interface LengthRule {
  field: 'messageId' | 'anonymousId' | 'userId' | 'event' | 'name' | 'timestamp' | 'originalTimestamp' | 'sentAt' | 'receivedAt';
  min: number;
  max: number;
}

function lengthRules(limits: InputLimits): LengthRule[] {
  const ids = (['messageId', 'anonymousId', 'userId'] as const).map((field) => ({ field, min: 1, max: limits.maxIdLength }));
  const times = (['timestamp', 'originalTimestamp', 'sentAt', 'receivedAt'] as const).map((field) => ({ field, min: 1, max: MAX_TIME_TEXT }));
  return [...ids, { field: 'event', min: 1, max: MAX_EVENT_NAME }, { field: 'name', min: 0, max: MAX_EVENT_NAME }, ...times];
}

/**
 * The Segment spec message (track / page / screen / identify / alias / group),
 * as Segment, RudderStack and Jitsu destinations emit it. The schema covers
 * every field the pipeline reads; any other field (page title, traits,
 * previousId, library, …) is accepted as it comes, because an event must not
 * be lost over a field nothing uses (and each field zod visits costs ~40 ns).
 * Rules may still match such fields: a value of another type simply does not
 * match. The schema validates; the decoder keeps the parsed original (zod
 * transforms nothing here), so unknown fields stay available to rules and
 * nothing is copied — copying loose objects made zod ~75% slower.
 */
export function createSegmentSchema(limits: InputLimits) {
  // Fields are only typed here; the lengths of ids, times and names are checked
  // once, by the message's own check below. A zod check on each field (min and
  // max on every id and time) cost ~0.6 µs a message, a third of validation.
  // Other texts have no limit of their own: the record size limit bounds them.
  const rules = lengthRules(limits);
  const text = z.string().optional();

  const page = z.object({ path: text, url: text, referrer: text });
  const campaign = z.object({ source: text, medium: text, name: text, term: text, content: text });

  const context = z.object({
    page: page.optional(),
    campaign: campaign.optional(),
    userAgent: text,
    locale: text,
    location: z.object({ country: text }).optional(),
  });

  return z
    .object({
      type: z.enum(['track', 'page', 'screen', 'identify', 'alias', 'group']),
      messageId: text,
      anonymousId: text,
      userId: text,
      event: text,
      name: text,
      timestamp: text,
      originalTimestamp: text,
      sentAt: text,
      receivedAt: text,
      context: context.optional(),
      properties: plainObject.optional(),
    })
    .check((ctx) => {
      const message = ctx.value;
      for (const { field, min, max } of rules) {
        const value = message[field];
        if (value === undefined || (value.length >= min && value.length <= max)) continue;
        const message_ = value.length < min ? 'must not be empty' : `longer than ${max} characters`;
        ctx.issues.push({ code: 'custom', path: [field], message: message_, input: value });
      }
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
