import { MAX_CRM_VALUE_LENGTH } from '../../events/crm-schema.js';
import type { HubSpotNotification } from './webhook-schema.js';
import { dealIdentifier, type HubSpotMapping } from './mapping.js';
import type { EnvelopeBase, NotificationOutcome } from './to-crm.js';

/** The deal properties whose changes are mapped besides dealstage. */
const DEAL_VALUE_PROPERTIES = new Set(['amount', 'pipeline']);

/**
 * A deal notification's envelope, keyed by the deal: HubSpot's deal events
 * name no contact. The association's envelope carries the deal's identifier
 * and the contact's id together, so identity stitching makes the deal's
 * events the contact's, also those before the association arrived
 * (docs/events.md, "HubSpot webhooks").
 */
export function dealEnvelope(n: HubSpotNotification, base: EnvelopeBase, mapping: HubSpotMapping): NotificationOutcome {
  if (n.subscriptionType.endsWith('.associationChange')) return associationChange(n, base);
  if (n.objectId === undefined) return { kind: 'rejected', reason: `${n.subscriptionType}: no objectId (the deal)` };
  const dealId = String(n.objectId);
  const anonymousId = dealIdentifier(dealId);
  switch (n.subscriptionType) {
    case 'deal.creation':
      return { kind: 'ok', envelope: { ...base, kind: 'deal_created', anonymousId, deal: { dealId } } };
    case 'deal.propertyChange':
      return propertyChange(n, base, dealId, mapping);
    default:
      return { kind: 'rejected', reason: `subscription type ${n.subscriptionType} is not mapped (deals: deal.creation, deal.propertyChange, deal.associationChange)` };
  }
}

function propertyChange(n: HubSpotNotification, base: EnvelopeBase, dealId: string, mapping: HubSpotMapping): NotificationOutcome {
  const property = n.propertyName;
  if (property === undefined) return { kind: 'rejected', reason: 'deal.propertyChange: no propertyName' };
  const anonymousId = dealIdentifier(dealId);
  const value = n.propertyValue ?? '';
  if (value.length > MAX_CRM_VALUE_LENGTH) return { kind: 'rejected', reason: `${property} value longer than ${MAX_CRM_VALUE_LENGTH} characters` };
  if (property === 'dealstage') {
    if (value === '') return { kind: 'rejected', reason: 'deal.propertyChange: dealstage was cleared (empty propertyValue): no stage to record' };
    const entry = mapping.dealStages.get(value);
    const deal = entry ? { dealId, pipeline: entry.pipeline, to: entry.stage } : { dealId, to: value };
    const envelope = { ...base, kind: 'deal_stage_changed' as const, anonymousId, deal };
    envelope.properties.hubspot['value'] = value;
    return entry ? { kind: 'ok', envelope } : { kind: 'ok', envelope, unmapped: { property: 'dealstage', value } };
  }
  if (!DEAL_VALUE_PROPERTIES.has(property)) {
    return { kind: 'rejected', reason: `deal property ${property} is not mapped (deals: dealstage, amount, pipeline)` };
  }
  const change = { object: 'deal' as const, objectId: dealId, property };
  if (property === 'pipeline' && value !== '') {
    const name = mapping.pipelines.get(value);
    const envelope = { ...base, kind: 'property_changed' as const, anonymousId, change: { ...change, value: name ?? value } };
    envelope.properties.hubspot['value'] = value;
    return name === undefined ? { kind: 'ok', envelope, unmapped: { property: 'pipeline', value } } : { kind: 'ok', envelope };
  }
  // amount as HubSpot sends it, a decimal text: rules compare it as a number (`gte`), and a cleared one is null.
  return { kind: 'ok', envelope: { ...base, kind: 'property_changed', anonymousId, change: { ...change, value: value === '' ? null : value } } };
}

/** HubSpot's association types between a deal and a contact, by the side the notification is about. */
const DEAL_CONTACT_TYPES: Record<string, 'deal' | 'contact'> = { DEAL_TO_CONTACT: 'deal', CONTACT_TO_DEAL: 'contact' };

function associationChange(n: HubSpotNotification, base: EnvelopeBase): NotificationOutcome {
  const from = n.associationType === undefined ? undefined : DEAL_CONTACT_TYPES[n.associationType];
  if (from === undefined) {
    return { kind: 'rejected', reason: `${n.subscriptionType}: association type ${n.associationType ?? '(none)'} is not mapped (DEAL_TO_CONTACT, CONTACT_TO_DEAL)` };
  }
  if (n.fromObjectId === undefined || n.toObjectId === undefined) return { kind: 'rejected', reason: `${n.subscriptionType}: fromObjectId and toObjectId are required` };
  const dealId = String(from === 'deal' ? n.fromObjectId : n.toObjectId);
  const contactId = String(from === 'deal' ? n.toObjectId : n.fromObjectId);
  const removed = n.associationRemoved ?? false;
  const association = { dealId, contactId, removed };
  const anonymousId = dealIdentifier(dealId);
  // Added: the contactId beside the deal's identifier links them. Removed:
  // no contactId, so nothing is linked; links are facts and are not taken
  // back, so the deal's events stay the contact's (docs/events.md).
  if (removed) return { kind: 'ok', envelope: { ...base, kind: 'deal_association_changed', anonymousId, association } };
  return { kind: 'ok', envelope: { ...base, kind: 'deal_association_changed', anonymousId, contactId, association } };
}
