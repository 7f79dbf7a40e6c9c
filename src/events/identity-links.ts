import type { JourneyEvent } from './journey-event.js';
import { IDENTIFIER_PREFIX } from './identity.js';

/** Ids are at most this long (the schemas' limit); a longer previousId, which nothing validates, links nothing. */
const MAX_ID_LENGTH = 256;

export interface EventLink {
  a: string;
  b: string;
  /** From an alias call: joins two identities whatever the limits (docs/semantics.md, "People"). */
  forced: boolean;
}

type IdentifierFields = Pick<JourneyEvent, 'anonymousId' | 'userId' | 'contactId' | 'emailHash' | 'previousId'>;

/** The event's identifiers, prefixed by kind, in the order userId, contactId, email, anonymousId. */
export function identifiersOf(event: IdentifierFields): string[] {
  const ids: string[] = [];
  if (event.userId) ids.push(IDENTIFIER_PREFIX.userId + event.userId);
  if (event.contactId) ids.push(IDENTIFIER_PREFIX.contactId + event.contactId);
  if (event.emailHash) ids.push(IDENTIFIER_PREFIX.emailHash + event.emailHash);
  if (event.anonymousId) ids.push(IDENTIFIER_PREFIX.anonymousId + event.anonymousId);
  return ids;
}

/**
 * The links an event makes: every pair of its identifiers, and an alias's
 * previousId with its userId (as a userId and as an anonymousId: Segment
 * lets previousId be either). Most events carry one identifier and make none.
 */
export function linksOf(event: IdentifierFields): EventLink[] {
  const ids = identifiersOf(event);
  const links: EventLink[] = [];
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) links.push({ a: ids[i]!, b: ids[j]!, forced: false });
  }
  const previous = event.previousId;
  if (previous && event.userId && previous.length <= MAX_ID_LENGTH && previous !== event.userId) {
    const user = IDENTIFIER_PREFIX.userId + event.userId;
    links.push({ a: user, b: IDENTIFIER_PREFIX.userId + previous, forced: true }, { a: user, b: IDENTIFIER_PREFIX.anonymousId + previous, forced: true });
  }
  return links;
}
