/**
 * The normalized event every source is turned into: one shape for Segment site
 * events, CRM envelopes and CSV rows, so classification and sessionization
 * never see source formats.
 */
export type EventSource = 'site' | 'crm';

export interface Campaign {
  source: string;
  medium: string;
  name: string;
  term: string;
  content: string;
}

export interface JourneyEvent {
  /** messageId / CRM id / content hash: the deduplication key everywhere downstream. */
  eventId: string;
  source: EventSource;
  /** Segment call type (track, page, screen, identify, alias, group) or `crm`. */
  type: string;
  /** Track event name, page/screen name, or the CRM kind. */
  name: string;
  /** Event time in ms since the epoch, after clock-skew correction. */
  timestampMs: number;
  receivedAtMs: number;
  /** The identity key sessions are keyed by (per the pipeline's identity order). */
  key: string;
  anonymousId: string;
  userId: string;
  contactId: string;
  /** Salted SHA-256 of the email; the raw email is never kept. */
  emailHash: string;
  /** An alias call's previousId (the id the person was known by): links it to userId. */
  previousId?: string;
  /** A session id the source itself assigned (REES46 user_session), else ''. */
  sourceSessionId: string;
  pageUrl: string;
  pagePath: string;
  referrer: string;
  campaign: Campaign;
  userAgent: string;
  locale: string;
  country: string;
  /** Properties used by stage rules: Segment properties, CRM kind fields, CSV columns. */
  properties: Record<string, unknown>;
  /** Context as received (Segment `context`), for rules on context paths. */
  context: Record<string, unknown>;
  /** Survey answer carried by this event, for the journey map's emotions. */
  nps: number | null;
  csat: number | null;
}

export const EMPTY_CAMPAIGN: Campaign = Object.freeze({ source: '', medium: '', name: '', term: '', content: '' });

/** The web fields of an event that did not come from a browser (CRM, CSV). */
export const NO_WEB_CONTEXT = Object.freeze({
  pageUrl: '',
  pagePath: '',
  referrer: '',
  campaign: EMPTY_CAMPAIGN,
  userAgent: '',
  locale: '',
  country: '',
});
