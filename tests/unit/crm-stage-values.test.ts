import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { DEFAULT_LIMITS } from '../../src/events/limits.js';
import type { IdentityField } from '../../src/events/identity.js';

/**
 * CRM stage values are free strings (docs/events.md, "Stage values"): the
 * docs' HubSpot, Salesforce and Pipedrive examples, decoded and classified
 * by the docs' rules; a value no rule matches is kept with no stage.
 */
const yaml = `
name: crm_values
identity: { crm: [contactId, anonymousId] }
stages:
  - name: mql
    match:
      - { source: crm, event: lifecycle_stage_changed, where: { properties.to: { in: [mql, marketingqualifiedlead] } } }
  - name: proposal
    match:
      - source: crm
        event: deal_stage_changed
        where: { properties.to: { in: [proposal, negotiation, presentationscheduled, "Proposal/Price Quote", "Negotiation/Review"] } }
      - source: crm
        event: deal_stage_changed
        where: { properties.pipeline: { equals: "1" }, properties.to: { in: ["4", "5"] } }
  - name: won
    match:
      - { source: crm, event: deal_stage_changed, where: { properties.to: { in: [closed_won, Closed Won, won] } } }
`;
const pipeline = compilePipeline(parseDefinition(yaml, 'crm_values.yaml'));
const ctxOf = (crm: IdentityField[]) => ({ limits: DEFAULT_LIMITS, identity: { site: ['anonymousId' as const], crm }, emailSalt: undefined, receivedAtMs: Date.UTC(2026, 10, 1) });
const ctx = ctxOf(['contactId', 'anonymousId']);

function decode(envelope: Record<string, unknown>, context = ctx) {
  return pipeline.decode({ raw: JSON.stringify(envelope), origin: { kind: 'stdin', line: 1 } }, context);
}
/** The stage name of an envelope, '' for none; throws when it is dead-lettered. */
function stageOf(envelope: Record<string, unknown>): string {
  const decoded = decode(envelope);
  if (decoded.kind !== 'ok') throw new Error(decoded.reason);
  const { stageIndex } = pipeline.classify(decoded.value);
  return stageIndex === 0 ? '' : pipeline.stageNames[stageIndex - 1]!;
}
const crm = (kind: string, detail: Record<string, unknown>, ids: Record<string, string> = { contactId: 'c1' }) => ({
  source: 'crm', id: `e-${kind}-${JSON.stringify(detail).length}`, kind, occurredAt: '2026-10-06T10:00:00Z', ...ids, ...detail,
});

describe('CRM stage values', () => {
  it.each([
    { crm: 'HubSpot', envelope: crm('lifecycle_stage_changed', { lifecycle: { from: 'lead', to: 'marketingqualifiedlead' } }), stage: 'mql' },
    { crm: 'HubSpot', envelope: crm('deal_stage_changed', { deal: { dealId: '18920476511', pipeline: 'default', from: 'qualifiedtobuy', to: 'presentationscheduled' } }), stage: 'proposal' },
    { crm: 'Salesforce', envelope: crm('deal_stage_changed', { deal: { dealId: '0065g00000XyZ1', pipeline: 'New Business', from: 'Value Proposition', to: 'Proposal/Price Quote', amount: 48000, currency: 'EUR' } }), stage: 'proposal' },
    { crm: 'Salesforce', envelope: crm('deal_stage_changed', { deal: { dealId: '0065g00000XyZ1', pipeline: 'New Business', to: 'Closed Won' } }), stage: 'won' },
    // A value no rule names: kept, no stage.
    { crm: 'Salesforce', envelope: crm('lifecycle_stage_changed', { lifecycle: { from: 'Prospect', to: 'Marketing Qualified Lead' } }), stage: '' },
    { crm: 'Pipedrive', envelope: crm('deal_stage_changed', { deal: { dealId: '311', pipeline: '1', from: '3', to: '4' } }), stage: 'proposal' },
    { crm: 'Pipedrive', envelope: crm('deal_stage_changed', { deal: { dealId: '311', pipeline: '1', from: '5', to: 'won' } }), stage: 'won' },
    // Stage 4 of another pipeline is not Pipedrive's pipeline 1's: no stage.
    { crm: 'Pipedrive', envelope: crm('deal_stage_changed', { deal: { dealId: '312', pipeline: '2', to: '4' } }), stage: '' },
    // A new stage the CRM gained before the definition did.
    { crm: 'HubSpot', envelope: crm('deal_stage_changed', { deal: { dealId: '9', to: '75423099' } }), stage: '' },
  ])('$crm $envelope.kind to $envelope.lifecycle.to$envelope.deal.to → "$stage"', ({ envelope, stage }) => {
    expect(stageOf(envelope)).toBe(stage);
  });

  it.each([
    { name: 'an empty to', envelope: crm('lifecycle_stage_changed', { lifecycle: { to: '' } }), reason: /lifecycle.to/ },
    { name: 'a to over 256 characters', envelope: crm('deal_stage_changed', { deal: { dealId: 'd', to: 'x'.repeat(257) } }), reason: /deal.to/ },
    { name: 'a pipeline over 256 characters', envelope: crm('deal_created', { deal: { dealId: 'd', pipeline: 'p'.repeat(257) } }), reason: /deal.pipeline/ },
    { name: 'a property change about a company', envelope: crm('property_changed', { change: { object: 'company', objectId: '1', property: 'name', value: 'x' } }), reason: /change.object/ },
    { name: 'an association without removed', envelope: crm('deal_association_changed', { association: { dealId: 'd', contactId: 'c1' } }), reason: /association.removed/ },
  ])('dead-letters $name', ({ envelope, reason }) => {
    const decoded = decode(envelope);
    expect(decoded.kind).toBe('dead');
    expect(decoded.kind === 'dead' && decoded.reason).toMatch(reason);
  });

  it('flattens the new kinds\' detail objects into properties, as the older kinds\'', () => {
    const decoded = [
      crm('contact_created', {}),
      crm('deal_created', { deal: { dealId: 'd1', pipeline: 'default', amount: 100 } }),
      crm('property_changed', { change: { object: 'deal', objectId: 'd1', property: 'amount', value: '48000' } }),
      crm('deal_association_changed', { association: { dealId: 'd1', contactId: 'c1', removed: false } }, { contactId: 'c1', anonymousId: 'hubspot-deal:d1' }),
    ].map((envelope) => decode(envelope));
    expect(decoded.map((d) => (d.kind === 'ok' ? [d.value.name, d.value.properties] : d.reason))).toEqual([
      ['contact_created', {}],
      ['deal_created', { dealId: 'd1', pipeline: 'default', amount: 100 }],
      ['property_changed', { object: 'deal', objectId: 'd1', property: 'amount', value: '48000' }],
      ['deal_association_changed', { dealId: 'd1', contactId: 'c1', removed: false }],
    ]);
  });

  it('an envelope without contactId is keyed by the next field of identity.crm, else dead-lettered for want of an identity', () => {
    const dealEvent = crm('deal_stage_changed', { deal: { dealId: 'd1', to: 'proposal' } }, { anonymousId: 'hubspot-deal:d1' });
    const keyed = decode(dealEvent);
    expect(keyed.kind === 'ok' && [keyed.value.key, keyed.value.contactId]).toEqual(['a:hubspot-deal:d1', '']);
    const contactsOnly = decode(dealEvent, ctxOf(['contactId']));
    expect(contactsOnly.kind === 'dead' && contactsOnly.reason).toBe('no identity: none of contactId is set');
  });
});
