import { isPlainObject } from '../core/plain-object.js';
/**
 * Real SDKs send `null` or `""` for optional fields they have no value for:
 * RudderStack's anonymous page call has `"event": null, "userId": ""`, Jitsu
 * sends `"userId": null`, analytics.js may send `"context": {"campaign": null}`.
 * The Segment spec makes those fields optional, so such a value means "not
 * given" and must never cost the event (docs/events.md, "Absent values").
 * Applied to the parsed record before the schemas check it: the schemas then
 * see an absent field, and the error for a field that is really required
 * (a track call without event name, a message without any identity) stays
 * the one for a missing field.
 */

/** Top-level fields where `null` or `""` mean absent (ids, names, times). */
const ABSENT_WHEN_EMPTY = ['messageId', 'anonymousId', 'userId', 'event', 'name', 'timestamp', 'originalTimestamp', 'sentAt', 'receivedAt', 'email'] as const;
/** Top-level objects where `null` means absent. */
const ABSENT_WHEN_NULL = ['context', 'properties', 'traits'] as const;
/** Fields of `context` where `null` means absent (objects) or `null`/`""` mean absent (texts). */
const CONTEXT_OBJECTS = ['page', 'campaign', 'location', 'geo', 'traits', 'device'] as const;
const CONTEXT_TEXTS = ['userAgent', 'locale'] as const;
const PAGE_TEXTS = ['path', 'url', 'referrer'] as const;
const CAMPAIGN_TEXTS = ['source', 'medium', 'name', 'term', 'content'] as const;


/** Deletes the listed fields of `holder` that hold null (and "" when `emptyToo`). */
function dropAbsent(holder: Record<string, unknown>, fields: readonly string[], emptyToo: boolean): void {
  for (const field of fields) {
    const value = holder[field];
    if (value === null || (emptyToo && value === '')) delete holder[field];
  }
}

/** Removes, in place, the optional fields of a parsed Segment message or CRM envelope that hold no value. */
export function dropAbsentFields(record: Record<string, unknown>): void {
  dropAbsent(record, ABSENT_WHEN_EMPTY, true);
  dropAbsent(record, ABSENT_WHEN_NULL, false);
  const context = record['context'];
  if (!isPlainObject(context)) return;
  dropAbsent(context, CONTEXT_OBJECTS, false);
  dropAbsent(context, CONTEXT_TEXTS, true);
  if (isPlainObject(context['page'])) dropAbsent(context['page'], PAGE_TEXTS, true);
  if (isPlainObject(context['campaign'])) dropAbsent(context['campaign'], CAMPAIGN_TEXTS, true);
  if (isPlainObject(context['location'])) dropAbsent(context['location'], ['country'], true);
}
