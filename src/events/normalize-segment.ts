import { EMPTY_CAMPAIGN, type Campaign, type JourneyEvent } from './journey-event.js';
import type { SegmentMessage } from './segment-schema.js';
import { segmentTimesMs } from './time.js';
import { identityKey } from './identity.js';
import { statedTimesIssue, type DecodeContext } from './decode-context.js';
import { dead, ok, type StepResult } from '../core/result.js';
import { stableId } from '../core/hash.js';
import { textOf } from '../core/text-of.js';
import { hashEmail } from '../core/hash.js';
import { isPlainObject } from '../core/plain-object.js';

/** Where Segment keeps an email (as its identity resolution reads it): traits.email, context.traits.email, properties.email. */
function emailHashOf(message: SegmentMessage, properties: Record<string, unknown>, salt: string): string {
  const traits = (message as { traits?: unknown }).traits;
  const contextTraits = (message.context as { traits?: unknown } | undefined)?.traits;
  const email = [traits, contextTraits, properties]
    .map((holder) => (holder !== null && typeof holder === 'object' ? (holder as Record<string, unknown>)['email'] : undefined))
    .find((value): value is string => typeof value === 'string' && value.includes('@'));
  return email ? hashEmail(email, salt) : '';
}

const STEP = 'normalize-segment';

// The schema typed every campaign field as text.
function campaignOf(campaign: NonNullable<SegmentMessage['context']>['campaign']): Campaign {
  if (!campaign) return EMPTY_CAMPAIGN;
  return {
    source: campaign.source ?? '',
    medium: campaign.medium ?? '',
    name: campaign.name ?? '',
    term: campaign.term ?? '',
    content: campaign.content ?? '',
  };
}

/**
 * The country: Segment's context.location.country, else Jitsu's
 * context.geo.country.code (an ISO code its server adds from the IP).
 */
function countryOf(context: NonNullable<SegmentMessage['context']>): string {
  if (context.location?.country) return context.location.country;
  const geo = (context as { geo?: unknown }).geo;
  const country = isPlainObject(geo) ? geo['country'] : undefined;
  return (isPlainObject(country) ? textOf(country['code']) : undefined) ?? '';
}

/** RudderStack's SDKs write "$direct" where there is no referrer (Segment leaves it empty). */
function referrerOf(referrer: string | undefined): string | undefined {
  return referrer === '$direct' ? '' : referrer;
}

/** properties.email is read (as a salted hash) but never stored: a copy without it, only when it is there. */
function withoutEmail(properties: Record<string, unknown>): Record<string, unknown> {
  if (!Object.hasOwn(properties, 'email')) return properties;
  const { email: _email, ...rest } = properties;
  return rest;
}

/** Turns a validated Segment message into a JourneyEvent (time corrected, identity keyed). */
export function normalizeSegment(message: SegmentMessage, raw: string, ctx: DecodeContext): StepResult<JourneyEvent> {
  const times = segmentTimesMs(message);
  const timestampMs = times.eventMs;
  const receivedAtMs = times.receivedMs ?? ctx.receivedAtMs;
  const timeIssue = statedTimesIssue({ timestampMs, timestampPath: times.eventFrom, statedReceivedAtMs: times.receivedMs, ctx });
  if (timeIssue) return dead(STEP, timeIssue.message, [timeIssue]);

  const key = identityKey(message, ctx.identity.site);
  if (!key) {
    const message_ = `no identity: none of ${ctx.identity.site.join(', ')} is set`;
    return dead(STEP, message_, [{ path: ctx.identity.site[0]!, message: message_ }]);
  }

  const context = message.context ?? {};
  const page = context.page ?? {};
  // Properties are not validated (any JSON object): their values go through textOf.
  const properties = withoutEmail(message.properties ?? {});
  const name = message.type === 'track' ? message.event! : (message.name ?? textOf(properties['name']) ?? '');
  return ok({
    eventId: message.messageId ?? stableId('content', raw),
    source: 'site',
    type: message.type,
    name,
    timestampMs: timestampMs!,
    receivedAtMs,
    key,
    anonymousId: message.anonymousId ?? '',
    userId: message.userId ?? '',
    contactId: '',
    emailHash: ctx.emailSalt ? emailHashOf(message, message.properties ?? {}, ctx.emailSalt) : '',
    previousId: message.type === 'alias' ? (textOf((message as { previousId?: unknown }).previousId) ?? '') : '',
    sourceSessionId: '',
    pageUrl: page.url ?? textOf(properties['url']) ?? '',
    pagePath: page.path ?? textOf(properties['path']) ?? '',
    referrer: referrerOf(page.referrer ?? textOf(properties['referrer'])) ?? '',
    campaign: campaignOf(context.campaign),
    userAgent: context.userAgent ?? '',
    locale: context.locale ?? '',
    country: countryOf(context),
    properties,
    context,
    nps: null,
    csat: null,
  });
}
