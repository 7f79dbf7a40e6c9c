import type { JourneyEvent } from '../../events/journey-event.js';
import type { IdentityOrder } from '../../events/identity.js';

/**
 * The partitioning contract: a message's key is the raw value of the identity
 * field the pipeline keys sessions by — anonymousId (else userId) for site
 * events, contactId for CRM events by default. Same person, same key, same
 * partition: their sessions are built by one sessionizer.
 */
export function partitionKeyOf(event: JourneyEvent, identity: Pick<IdentityOrder, 'site' | 'crm'>): string | null {
  const order = event.source === 'crm' ? identity.crm : identity.site;
  for (const field of order) {
    const value = event[field];
    if (value) return value;
  }
  return null;
}
