import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hubspotEventsToCrm } from '../../src/sources/hubspot/to-crm.js';
import { hubspotMappingOf } from '../../src/sources/hubspot/mapping.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { DEFAULT_LIMITS } from '../../src/events/limits.js';
import { hashEmail } from '../../src/core/hash.js';

/**
 * HubSpot webhook bodies (tests/fixtures/hubspot/, HubSpot's documented
 * shape) mapped with pipelines/b2b-saas.yaml's `hubspot:` table, then
 * decoded and classified by the b2b-saas pipeline as any CRM envelope is.
 * Expected envelopes and stages are written out by hand.
 */
const { definition } = loadDefinition('b2b-saas', { pipelinesDir: 'pipelines' });
const mapping = hubspotMappingOf(definition);
const pipeline = compilePipeline(definition);
const fixture = (name: string): unknown => JSON.parse(readFileSync(`tests/fixtures/hubspot/${name}`, 'utf8'));
const RECEIVED = Date.UTC(2026, 9, 12);
const ctx = { limits: DEFAULT_LIMITS, identity: definition.identity, emailSalt: 'pepper', receivedAtMs: RECEIVED };

/** The stage name b2b-saas gives an envelope ('' for none), through decoding as from a file. */
function stageOf(envelope: unknown): string {
  const decoded = pipeline.decode({ raw: JSON.stringify(envelope), origin: { kind: 'stdin', line: 1 } }, ctx);
  if (decoded.kind !== 'ok') throw new Error(`not decoded: ${decoded.reason}`);
  const { stageIndex } = pipeline.classify(decoded.value);
  return stageIndex === 0 ? '' : pipeline.stageNames[stageIndex - 1]!;
}

const CONTACT = '65059681032';
const DEAL = '18920476511';
const hubspot = (subscriptionType: string, changeSource: string, value?: string) => ({
  hubspot: { portalId: '24681357', subscriptionType, changeSource, ...(value === undefined ? {} : { value }) },
});

describe('hubspotEventsToCrm', () => {
  it('a contact going lead → MQL → SQL: envelopes keyed by the contact, HubSpot values in conventional terms', () => {
    const batch = hubspotEventsToCrm(fixture('contact-lifecycle.json'), mapping);
    expect(batch.rejected).toEqual([]);
    expect(batch.unmapped).toEqual([]);
    expect(batch.events).toEqual([
      { source: 'crm', id: 'hubspot:24681357:2101:1001:65059681032:1790848800000', occurredAt: '2026-10-01T10:00:00.000Z', kind: 'contact_created', contactId: CONTACT, properties: hubspot('contact.creation', 'CRM_UI') },
      { source: 'crm', id: 'hubspot:24681357:2102:1002:65059681032:1790848860000', occurredAt: '2026-10-01T10:01:00.000Z', kind: 'lifecycle_stage_changed', contactId: CONTACT, lifecycle: { to: 'lead' }, properties: hubspot('contact.propertyChange', 'FORM', 'lead') },
      { source: 'crm', id: 'hubspot:24681357:2102:1003:65059681032:1790935200000', occurredAt: '2026-10-02T10:00:00.000Z', kind: 'lifecycle_stage_changed', contactId: CONTACT, lifecycle: { to: 'mql' }, properties: hubspot('contact.propertyChange', 'AUTOMATION_PLATFORM', 'marketingqualifiedlead') },
      { source: 'crm', id: 'hubspot:24681357:2102:1004:65059681032:1791021600000', occurredAt: '2026-10-03T10:00:00.000Z', kind: 'lifecycle_stage_changed', contactId: CONTACT, lifecycle: { to: 'sql' }, properties: hubspot('contact.propertyChange', 'CRM_UI', 'salesqualifiedlead') },
    ]);
    expect(batch.events.map(stageOf)).toEqual(['', 'signup', 'mql', 'sql']);
  });

  it("a deal on a custom pipeline: keyed by the deal, numeric stage ids through the definition's table", () => {
    const batch = hubspotEventsToCrm(fixture('deal-custom-pipeline.json'), mapping);
    expect(batch.rejected).toEqual([]);
    expect(batch.unmapped).toEqual([]);
    const deal = `hubspot-deal:${DEAL}`;
    expect(batch.events.map((e) => [e.kind, e.anonymousId, e.contactId, 'deal' in e ? e.deal : 'change' in e ? e.change : undefined])).toEqual([
      ['deal_created', deal, undefined, { dealId: DEAL }],
      ['property_changed', deal, undefined, { object: 'deal', objectId: DEAL, property: 'pipeline', value: 'new_business' }],
      ['deal_stage_changed', deal, undefined, { dealId: DEAL, pipeline: 'new_business', to: 'qualification' }],
      ['deal_stage_changed', deal, undefined, { dealId: DEAL, pipeline: 'new_business', to: 'proposal' }],
      ['property_changed', deal, undefined, { object: 'deal', objectId: DEAL, property: 'amount', value: '48000' }],
      ['deal_stage_changed', deal, undefined, { dealId: DEAL, pipeline: 'new_business', to: 'closed_won' }],
    ]);
    // HubSpot's own value stays beside the mapped one.
    expect(batch.events[3]!.properties).toEqual(hubspot('deal.propertyChange', 'CRM_UI', '75423014'));
    expect(batch.events.map(stageOf)).toEqual(['', '', 'opportunity', 'proposal', '', 'closed-won']);
  });

  it('an association: the deal identifier and the contactId in one envelope, so they are linked', () => {
    const [association] = hubspotEventsToCrm(fixture('deal-association.json'), mapping).events;
    expect(association).toEqual({
      source: 'crm',
      id: 'hubspot:24681357:2301:3001:18920476511-65059681032:1791712800000',
      occurredAt: '2026-10-11T10:00:00.000Z',
      kind: 'deal_association_changed',
      anonymousId: `hubspot-deal:${DEAL}`,
      contactId: CONTACT,
      association: { dealId: DEAL, contactId: CONTACT, removed: false },
      properties: hubspot('deal.associationChange', 'USER'),
    });
    expect(stageOf(association)).toBe('');
  });

  it("receivedAtMs, the collector's clock, is every envelope's receivedAt", () => {
    const { events } = hubspotEventsToCrm(fixture('deal-association.json'), mapping, { receivedAtMs: Date.UTC(2026, 9, 11, 10, 0, 2) });
    expect(events.map((e) => e.receivedAt)).toEqual(['2026-10-11T10:00:02.000Z']);
    expect(() => hubspotEventsToCrm([], mapping, { receivedAtMs: Number.NaN })).toThrow(RangeError);
  });

  it("a retry (attemptNumber 1) gives the first delivery's id, so it counts once", () => {
    const [first] = fixture('contact-lifecycle.json') as Array<Record<string, unknown>>;
    const ids = [first, { ...first, attemptNumber: 1 }].map((n) => hubspotEventsToCrm([n], mapping).events[0]!.id);
    expect(ids[1]).toBe(ids[0]);
  });

  const base = { eventId: 7, subscriptionId: 8, portalId: 9, appId: 1, occurredAt: 1790848800000, attemptNumber: 0, changeSource: 'CRM_UI' };
  const contactChange = (propertyName: string, propertyValue: string | null) => ({ ...base, subscriptionType: 'contact.propertyChange', objectId: 51, propertyName, propertyValue });
  const dealChange = (propertyName: string, propertyValue: string) => ({ ...base, subscriptionType: 'deal.propertyChange', objectId: 61, propertyName, propertyValue });

  it('values the table lacks are kept, with HubSpot\'s value, and reported as unmapped', () => {
    const batch = hubspotEventsToCrm([contactChange('lifecyclestage', '1093487'), dealChange('dealstage', '99999'), dealChange('pipeline', '88888')], mapping);
    expect(batch.rejected).toEqual([]);
    expect(batch.unmapped).toEqual([
      { index: 0, property: 'lifecyclestage', value: '1093487' },
      { index: 1, property: 'dealstage', value: '99999' },
      { index: 2, property: 'pipeline', value: '88888' },
    ]);
    const [lifecycle, stage] = batch.events;
    expect(lifecycle).toMatchObject({ kind: 'lifecycle_stage_changed', lifecycle: { to: '1093487' } });
    // No pipeline: a stage id the table does not know names none.
    expect(stage).toMatchObject({ kind: 'deal_stage_changed', deal: { dealId: '61', to: '99999' } });
    expect(stage && 'deal' in stage && 'pipeline' in stage.deal).toBe(false);
    expect(batch.events.map(stageOf)).toEqual(['', '', '']);
  });

  it('a configured email property links the contact by its salted hash; the email is not kept', () => {
    const [envelope] = hubspotEventsToCrm([contactChange('email', 'Jane@Example.com')], mapping).events;
    expect(envelope).toMatchObject({ kind: 'property_changed', contactId: '51', email: 'Jane@Example.com', change: { object: 'contact', objectId: '51', property: 'email' } });
    const decoded = pipeline.decode({ raw: JSON.stringify(envelope), origin: { kind: 'stdin', line: 1 } }, ctx);
    expect(decoded.kind === 'ok' && decoded.value.emailHash).toBe(hashEmail('jane@example.com', 'pepper'));
    expect(JSON.stringify(decoded.kind === 'ok' && decoded.value.properties)).not.toContain('Example.com');
  });

  it.each([
    { name: 'a body that is not an array', body: { eventId: 1 }, index: 0, reason: /a HubSpot webhook body is a JSON array of notifications, got object/ },
    { name: 'a notification without eventId', body: [{ ...base, eventId: undefined, subscriptionType: 'contact.creation', objectId: 1 }], index: 0, reason: /invalid HubSpot notification: eventId/ },
    { name: 'an id rounded by JSON parsing', body: [{ ...base, subscriptionType: 'contact.creation', objectId: 2 ** 53 + 2 }], index: 0, reason: /beyond 2\^53/ },
    { name: 'occurredAt in ISO text', body: [{ ...base, occurredAt: '2026-10-01T10:00:00Z', subscriptionType: 'contact.creation', objectId: 1 }], index: 0, reason: /occurredAt/ },
    { name: 'occurredAt past year 9999', body: [{ ...base, occurredAt: 9e15, subscriptionType: 'contact.creation', objectId: 1 }], index: 0, reason: /out of range/ },
    { name: 'a subscription type not mapped', body: [{ ...base, subscriptionType: 'company.creation', objectId: 1 }], index: 0, reason: /subscription type company.creation is not mapped/ },
    { name: 'a contact property not configured', body: [contactChange('firstname', 'Jane')], index: 0, reason: /contact property firstname is not mapped: add it to the definition's hubspot.contactProperties/ },
    { name: 'a cleared lifecycle stage', body: [contactChange('lifecyclestage', '')], index: 0, reason: /lifecyclestage was cleared/ },
    { name: 'a deal property not mapped', body: [dealChange('closedate', '1791712800000')], index: 0, reason: /deal property closedate is not mapped/ },
    { name: 'a deal–company association', body: [{ ...base, subscriptionType: 'deal.associationChange', associationType: 'DEAL_TO_COMPANY', fromObjectId: 61, toObjectId: 71, associationRemoved: false }], index: 0, reason: /association type DEAL_TO_COMPANY is not mapped/ },
    { name: 'the second of two notifications', body: [contactChange('lifecyclestage', 'lead'), { ...base }], index: 1, reason: /subscriptionType/ },
  ])('rejects $name with its reason and raw value', ({ body, index, reason }) => {
    const batch = hubspotEventsToCrm(body, mapping);
    expect(batch.rejected).toHaveLength(1);
    expect(batch.rejected[0]!.index).toBe(index);
    expect(batch.rejected[0]!.reason).toMatch(reason);
    expect(batch.rejected[0]!.raw).toEqual(Array.isArray(body) ? body[index] : body);
  });

  it("the newer platform's generic object.* notifications: contacts (0-1) and deals (0-3) as their legacy types", () => {
    const generic = [
      { ...contactChange('lifecyclestage', 'salesqualifiedlead'), subscriptionType: 'object.propertyChange', objectTypeId: '0-1' },
      { ...base, subscriptionType: 'object.creation', objectTypeId: '0-3', objectId: 61 },
      { ...base, subscriptionType: 'object.creation', objectTypeId: '0-2', objectId: 71 },
    ];
    const batch = hubspotEventsToCrm(generic, mapping);
    expect(batch.events).toMatchObject([
      { kind: 'lifecycle_stage_changed', contactId: '51', lifecycle: { to: 'sql' }, properties: { hubspot: { subscriptionType: 'object.propertyChange' } } },
      { kind: 'deal_created', anonymousId: 'hubspot-deal:61', deal: { dealId: '61' } },
    ]);
    // A company (0-2) is not mapped.
    expect(batch.rejected.map((r) => [r.index, r.reason])).toEqual([[2, expect.stringMatching(/subscription type object.creation is not mapped/)]]);
  });

  it('an email over 320 characters is refused by the mapper, not left to the envelope schema', () => {
    const batch = hubspotEventsToCrm([contactChange('email', `${'j'.repeat(320)}@example.com`)], mapping);
    expect(batch.rejected.map((r) => r.reason)).toEqual(['email: an email longer than 320 characters']);
  });

  it('a removed association carries no contactId, so it links nothing', () => {
    const removed = { ...base, subscriptionType: 'contact.associationChange', associationType: 'CONTACT_TO_DEAL', fromObjectId: 51, toObjectId: 61, associationRemoved: true };
    expect(hubspotEventsToCrm([removed], mapping).events).toMatchObject([
      { kind: 'deal_association_changed', anonymousId: 'hubspot-deal:61', association: { dealId: '61', contactId: '51', removed: true } },
    ]);
    expect(hubspotEventsToCrm([removed], mapping).events[0]).not.toHaveProperty('contactId');
  });

  it("refuses deal events, with the fix, when the pipeline's identity.crm cannot key them", () => {
    const contactsOnly = hubspotMappingOf({ identity: { crm: ['contactId'] } });
    const batch = hubspotEventsToCrm([dealChange('dealstage', 'closedwon'), contactChange('lifecyclestage', 'customer')], contactsOnly);
    expect(batch.events).toMatchObject([{ kind: 'lifecycle_stage_changed', lifecycle: { to: 'customer' } }]);
    expect(batch.rejected.map((r) => r.reason)).toEqual([expect.stringMatching(/identity.crm has no anonymousId; add it/)]);
  });

  it("HubSpot's defaults alone: the default pipeline's stages, renamed by nothing", () => {
    const defaults = hubspotMappingOf({ identity: { crm: ['anonymousId', 'contactId'] } });
    const stages = ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost'];
    const batch = hubspotEventsToCrm(stages.map((s) => dealChange('dealstage', s)), defaults);
    expect(batch.events.map((e) => ('deal' in e && 'to' in e.deal ? [e.deal.pipeline, e.deal.to] : []))).toEqual([
      ['default', 'qualification'],
      ['default', 'discovery'],
      ['default', 'proposal'],
      ['default', 'negotiation'],
      ['default', 'negotiation'],
      ['default', 'closed_won'],
      ['default', 'closed_lost'],
    ]);
    // b2b-saas renames HubSpot's "default" pipeline to new_business: closedwon is closed-won there.
    expect(stageOf(hubspotEventsToCrm([dealChange('dealstage', 'closedwon')], mapping).events[0])).toBe('closed-won');
  });
});
