import { describe, expect, it } from 'vitest';
import { DefinitionError, loadDefinition, parseDefinition } from '../../src/journey/load-definition.js';
import { hubspotMappingOf } from '../../src/sources/hubspot/mapping.js';

/** The journey definition's `hubspot:` table (docs/events.md, "The hubspot: table of a journey definition"). */
const stages = `
name: hs
stages:
  - { name: a, match: [{ event: A }] }
  - { name: b, match: [{ event: B }] }
`;
const withSection = (section: string) => parseDefinition(`${stages}hubspot:\n${section}`, 'hs.yaml');

describe("the definition's hubspot table", () => {
  it('b2b-saas: the custom pipelines\' numeric ids, renamed pipelines, defaults kept', () => {
    const { definition } = loadDefinition('b2b-saas', { pipelinesDir: 'pipelines' });
    const mapping = hubspotMappingOf(definition);
    expect(mapping.dealStages.get('75423014')).toEqual({ pipeline: 'new_business', stage: 'proposal' });
    expect(mapping.dealStages.get('75423022')).toEqual({ pipeline: 'renewals', stage: 'closed_won' });
    // HubSpot's default pipeline, renamed by `pipelines: { default: new_business }`.
    expect(mapping.dealStages.get('closedwon')).toEqual({ pipeline: 'new_business', stage: 'closed_won' });
    expect(mapping.lifecycleStages.get('salesqualifiedlead')).toBe('sql');
    expect(mapping.contactProperties.get('email')).toBe('email');
    expect(mapping.dealsKeyable).toBe(true);
  });

  it('entries win over the defaults; builtInStages: false leaves only the entries', () => {
    const over = hubspotMappingOf(withSection('  lifecycleStages: { marketingqualifiedlead: lead }\n  dealStages: { closedwon: { pipeline: default, stage: won } }'));
    expect([over.lifecycleStages.get('marketingqualifiedlead'), over.dealStages.get('closedwon'), over.lifecycleStages.get('customer')]).toEqual(['lead', { pipeline: 'default', stage: 'won' }, 'customer']);
    const only = hubspotMappingOf(withSection('  builtInStages: false\n  lifecycleStages: { "1093487": mql }'));
    expect([...only.lifecycleStages]).toEqual([['1093487', 'mql']]);
    expect(only.dealStages.size).toBe(0);
  });

  it('without a section: the defaults, and deals keyable only with anonymousId in identity.crm', () => {
    const mapping = hubspotMappingOf(parseDefinition(stages, 'hs.yaml'));
    expect(mapping.lifecycleStages.get('marketingqualifiedlead')).toBe('mql');
    expect(mapping.dealStages.get('appointmentscheduled')).toEqual({ pipeline: 'default', stage: 'qualification' });
    expect(mapping.dealsKeyable).toBe(false);
  });

  it.each([
    { name: 'lifecyclestage as a configured property', section: '  contactProperties: { lifecyclestage: value }', message: /hubspot.contactProperties.lifecyclestage \(line \d+\): lifecyclestage is always mapped/ },
    { name: 'an unknown role', section: '  contactProperties: { phone: phone }', message: /hubspot.contactProperties.phone/ },
    { name: 'a deal stage without its pipeline', section: '  dealStages: { "1": { stage: proposal } }', message: /hubspot.dealStages.1.pipeline/ },
    { name: 'an unknown key', section: '  stages: {}', message: /hubspot.*stages/ },
  ])('refuses $name, naming the path and line', ({ section, message }) => {
    expect(() => withSection(section)).toThrow(DefinitionError);
    expect(() => withSection(section)).toThrow(message);
  });
});
