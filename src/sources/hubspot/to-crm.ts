import type { CrmEnvelope } from '../../events/crm-schema.js';
import { issuesFromZod, summarizeIssues } from '../../events/issues.js';
import { describeTimeMs, isTimeInRange } from '../../events/civil-time.js';
import { hubspotNotificationSchema, type HubSpotNotification } from './webhook-schema.js';
import { dealIdentifier, type HubSpotMapping } from './mapping.js';
import { contactEnvelope } from './contact-events.js';
import { dealEnvelope } from './deal-events.js';

/** A notification that could not become an envelope; the collector dead-letters it with its raw value. */
export interface HubSpotRejection {
  /** Its place (0-based) in the body's array. */
  index: number;
  reason: string;
  raw: unknown;
}

/**
 * A stage (or pipeline) value the mapping has no entry for. Its envelope is
 * still among the events, with HubSpot's own value: it reaches no stage
 * unless a rule matches that value, and it is there to reclassify once the
 * definition maps it (docs/events.md, "Stage values").
 */
export interface UnmappedValue {
  index: number;
  property: 'lifecyclestage' | 'dealstage' | 'pipeline';
  value: string;
}

export interface HubSpotBatch {
  /** CRM envelopes (docs/events.md), in the body's order. */
  events: CrmEnvelope[];
  rejected: HubSpotRejection[];
  unmapped: UnmappedValue[];
}

/** What one notification became. */
export type NotificationOutcome =
  | { kind: 'ok'; envelope: CrmEnvelope; unmapped?: Omit<UnmappedValue, 'index'> }
  | { kind: 'rejected'; reason: string };

/** The envelope fields every notification gives, and its facts kept under `properties.hubspot`. */
export interface EnvelopeBase {
  source: 'crm';
  id: string;
  occurredAt: string;
  receivedAt?: string;
  properties: { hubspot: Record<string, string | number | boolean> };
}

export interface HubSpotMapOptions {
  /** When the collector received the body: the envelopes' `receivedAt`. */
  receivedAtMs?: number;
}

/**
 * The envelope id: HubSpot's eventId with what makes it unique, since
 * HubSpot does not promise eventIds unique on their own. Every part is the
 * same in a retry (only attemptNumber changes), so a retried notification
 * gives the same id and is counted once downstream (docs/semantics.md,
 * "Duplicates").
 */
export function envelopeIdOf(n: HubSpotNotification): string {
  const object = n.objectId !== undefined ? String(n.objectId) : `${n.fromObjectId ?? ''}-${n.toObjectId ?? ''}`;
  return `hubspot:${n.portalId}:${n.subscriptionId}:${n.eventId}:${object}:${n.occurredAt}`;
}

function baseOf(n: HubSpotNotification, options: HubSpotMapOptions): EnvelopeBase {
  const hubspot: Record<string, string | number | boolean> = { portalId: String(n.portalId), subscriptionType: n.subscriptionType };
  if (n.changeSource !== undefined) hubspot['changeSource'] = n.changeSource;
  const base: EnvelopeBase = { source: 'crm', id: envelopeIdOf(n), occurredAt: new Date(n.occurredAt).toISOString(), properties: { hubspot } };
  if (options.receivedAtMs !== undefined) base.receivedAt = new Date(options.receivedAtMs).toISOString();
  return base;
}

/** HubSpot's object type ids of the objects mapped, for generic (`object.*`) subscriptions. */
const OBJECT_TYPES: Readonly<Record<string, string>> = { '0-1': 'contact', '0-3': 'deal' };

/**
 * The legacy subscription type of a notification: apps on HubSpot's newer
 * developer platform subscribe to `object.creation` and
 * `object.propertyChange` with the object's type id beside it, which are the
 * legacy `contact.*` and `deal.*` events in another spelling. Associations
 * are mapped in their legacy form only.
 */
function legacyTypeOf(n: HubSpotNotification): string {
  const [family, action] = n.subscriptionType.split('.');
  if (family !== 'object' || (action !== 'creation' && action !== 'propertyChange')) return n.subscriptionType;
  const object = n.objectTypeId === undefined ? undefined : OBJECT_TYPES[n.objectTypeId];
  return object === undefined ? n.subscriptionType : `${object}.${action}`;
}

function mapNotification(raw: unknown, mapping: HubSpotMapping, options: HubSpotMapOptions): NotificationOutcome {
  const parsed = hubspotNotificationSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'rejected', reason: `invalid HubSpot notification: ${summarizeIssues(issuesFromZod(parsed.error))}` };
  const n = { ...parsed.data, subscriptionType: legacyTypeOf(parsed.data) };
  // Checked here, before toISOString can throw on a time past year 9999.
  if (!isTimeInRange(n.occurredAt)) return { kind: 'rejected', reason: `occurredAt ${describeTimeMs(n.occurredAt)} is out of range` };
  const [object] = n.subscriptionType.split('.');
  // The id and properties.hubspot keep HubSpot's own subscriptionType.
  const base = baseOf(parsed.data, options);
  if (object === 'contact' && n.subscriptionType !== 'contact.associationChange') return contactEnvelope(n, base, mapping);
  if (object === 'deal' || n.subscriptionType === 'contact.associationChange') {
    if (!mapping.dealsKeyable) {
      return {
        kind: 'rejected',
        reason: `${n.subscriptionType}: a deal's events are keyed by the deal (anonymousId ${dealIdentifier('<dealId>')}), and this pipeline's identity.crm has no anonymousId; add it (e.g. crm: [anonymousId, contactId])`,
      };
    }
    return dealEnvelope(n, base, mapping);
  }
  return { kind: 'rejected', reason: `subscription type ${n.subscriptionType} is not mapped (mapped: contact.creation, contact.propertyChange, deal.creation, deal.propertyChange, deal.associationChange, contact.associationChange)` };
}

/**
 * Maps a HubSpot webhook body (a JSON array of notifications, already
 * parsed) to CRM envelopes. Pure and total: a notification that cannot be
 * mapped is rejected with its reason and raw value, never dropped, and the
 * others still map. A body that is not an array is one rejection (index 0,
 * the whole body). The envelopes go through the pipeline's usual decoding,
 * so their times and identities are checked there as any envelope's.
 * Throws only for a `receivedAtMs` that is no time (the caller's fault).
 */
export function hubspotEventsToCrm(body: unknown, mapping: HubSpotMapping, options: HubSpotMapOptions = {}): HubSpotBatch {
  // The caller's clock, not the body: a fault of the collector, so thrown rather than blamed on a notification.
  if (options.receivedAtMs !== undefined && !isTimeInRange(options.receivedAtMs)) throw new RangeError(`receivedAtMs ${options.receivedAtMs} is not a time`);
  const batch: HubSpotBatch = { events: [], rejected: [], unmapped: [] };
  if (!Array.isArray(body)) {
    const got = body === null ? 'null' : typeof body;
    batch.rejected.push({ index: 0, reason: `a HubSpot webhook body is a JSON array of notifications, got ${got}`, raw: body });
    return batch;
  }
  body.forEach((raw: unknown, index) => {
    const outcome = mapNotification(raw, mapping, options);
    if (outcome.kind === 'rejected') {
      batch.rejected.push({ index, reason: outcome.reason, raw });
      return;
    }
    batch.events.push(outcome.envelope);
    if (outcome.unmapped) batch.unmapped.push({ index, ...outcome.unmapped });
  });
  return batch;
}
