import type { InputLimits } from './limits.js';
import { isPlainObject } from '../core/plain-object.js';
import { MAX_EVENT_NAME, MAX_TIME_TEXT } from './segment-schema.js';

const CALL_TYPES = new Set(['track', 'page', 'screen', 'identify', 'alias', 'group']);
const TIME_FIELDS = ['timestamp', 'originalTimestamp', 'sentAt', 'receivedAt'] as const;
const CAMPAIGN_FIELDS = ['source', 'medium', 'name', 'term', 'content'] as const;
const PAGE_FIELDS = ['path', 'url', 'referrer'] as const;

/** Absent, or a text of min–max UTF-16 units (what the schema's own length check measures). */
function textWithin(value: unknown, min: number, max: number): boolean {
  return value === undefined || (typeof value === 'string' && value.length >= min && value.length <= max);
}

/** Absent or any text. */
function optionalText(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

/** Absent, or an object whose listed fields are each absent or a text. */
function optionalTexts(holder: unknown, fields: readonly string[]): boolean {
  if (holder === undefined) return true;
  if (!isPlainObject(holder)) return false;
  for (const field of fields) if (!optionalText(holder[field])) return false;
  return true;
}

function contextAccepted(context: unknown): boolean {
  if (context === undefined) return true;
  if (!isPlainObject(context)) return false;
  const location = context['location'];
  return (
    optionalText(context['userAgent']) &&
    optionalText(context['locale']) &&
    optionalTexts(context['page'], PAGE_FIELDS) &&
    optionalTexts(context['campaign'], CAMPAIGN_FIELDS) &&
    (location === undefined || (isPlainObject(location) && optionalText(location['country'])))
  );
}

/**
 * Whether the Segment schema (segment-schema.ts) accepts a parsed message,
 * answered without zod: exactly the schema's rules, written out as plain
 * checks. zod's validation took ~15% of the core's time per message, a third
 * of all the work besides JSON.parse. The decoder asks zod only when this
 * says no, for the issues a dead letter names; so a message is accepted here
 * only when the schema accepts it too, and tests/unit/segment-fast-check.test.ts
 * compares the two answers over generated messages, valid and not.
 */
export function createSegmentFastCheck(limits: InputLimits): (message: Record<string, unknown>) => boolean {
  const maxId = limits.maxIdLength;
  return (message) => {
    const type = message['type'];
    if (typeof type !== 'string' || !CALL_TYPES.has(type)) return false;
    const anonymousId = message['anonymousId'];
    const userId = message['userId'];
    const event = message['event'];
    if (!textWithin(message['messageId'], 1, maxId) || !textWithin(anonymousId, 1, maxId) || !textWithin(userId, 1, maxId)) return false;
    // Both texts of at least one character here, or absent.
    if (anonymousId === undefined && userId === undefined) return false;
    if (!textWithin(event, 1, MAX_EVENT_NAME) || !textWithin(message['name'], 0, MAX_EVENT_NAME)) return false;
    if (type === 'track' && event === undefined) return false;
    for (const field of TIME_FIELDS) if (!textWithin(message[field], 1, MAX_TIME_TEXT)) return false;
    const properties = message['properties'];
    if (properties !== undefined && !isPlainObject(properties)) return false;
    return contextAccepted(message['context']);
  };
}
