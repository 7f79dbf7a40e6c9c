import { MAX_CRM_VALUE_LENGTH } from '../../events/crm-schema.js';
import type { HubSpotNotification } from './webhook-schema.js';
import type { HubSpotMapping } from './mapping.js';
import type { EnvelopeBase, NotificationOutcome } from './to-crm.js';

/** The envelope's bound on `email` (RFC 5321's longest address path is shorter). */
const MAX_EMAIL_LENGTH = 320;

/** A contact notification's envelope: keyed by the contact, as HubSpot's objectId. */
export function contactEnvelope(n: HubSpotNotification, base: EnvelopeBase, mapping: HubSpotMapping): NotificationOutcome {
  if (n.objectId === undefined) return { kind: 'rejected', reason: `${n.subscriptionType}: no objectId (the contact)` };
  const contactId = String(n.objectId);
  switch (n.subscriptionType) {
    case 'contact.creation':
      return { kind: 'ok', envelope: { ...base, kind: 'contact_created', contactId } };
    case 'contact.propertyChange':
      return propertyChange(n, base, contactId, mapping);
    default:
      return { kind: 'rejected', reason: `subscription type ${n.subscriptionType} is not mapped (contacts: contact.creation, contact.propertyChange, contact.associationChange)` };
  }
}

function propertyChange(n: HubSpotNotification, base: EnvelopeBase, contactId: string, mapping: HubSpotMapping): NotificationOutcome {
  const property = n.propertyName;
  if (property === undefined) return { kind: 'rejected', reason: 'contact.propertyChange: no propertyName' };
  const value = n.propertyValue ?? '';
  if (property === 'lifecyclestage') {
    // A cleared stage is no stage to be at: nothing to record but the notification itself.
    if (value === '') return { kind: 'rejected', reason: 'contact.propertyChange: lifecyclestage was cleared (empty propertyValue): no stage to record' };
    if (value.length > MAX_CRM_VALUE_LENGTH) return { kind: 'rejected', reason: `lifecyclestage value longer than ${MAX_CRM_VALUE_LENGTH} characters` };
    const mapped = mapping.lifecycleStages.get(value);
    const envelope = { ...base, kind: 'lifecycle_stage_changed' as const, contactId, lifecycle: { to: mapped ?? value } };
    envelope.properties.hubspot['value'] = value;
    return mapped === undefined ? { kind: 'ok', envelope, unmapped: { property: 'lifecyclestage', value } } : { kind: 'ok', envelope };
  }
  const role = mapping.contactProperties.get(property);
  if (role === undefined) {
    return { kind: 'rejected', reason: `contact property ${property} is not mapped: add it to the definition's hubspot.contactProperties (email, userId, anonymousId or value)` };
  }
  const change = { object: 'contact' as const, objectId: contactId, property };
  if (role === 'value') return { kind: 'ok', envelope: { ...base, kind: 'property_changed', contactId, change: { ...change, value: n.propertyValue ?? null } } };
  // An identifier: the envelope carries it next to the contactId, so the
  // event links them (docs/semantics.md, "People"). A cleared one links nothing.
  if (value === '') return { kind: 'ok', envelope: { ...base, kind: 'property_changed', contactId, change: { ...change, value: null } } };
  const maxLength = role === 'email' ? MAX_EMAIL_LENGTH : MAX_CRM_VALUE_LENGTH;
  if (value.length > maxLength) return { kind: 'rejected', reason: `${property}: ${role === 'email' ? 'an email' : `a ${role}`} longer than ${maxLength} characters` };
  // The value itself stays out of `change`: an email is kept only as its salted hash.
  return { kind: 'ok', envelope: { ...base, kind: 'property_changed', contactId, [role]: value, change } };
}
