import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/journey/classify.js';
import { parseDefinition } from '../../src/journey/load-definition.js';
import { EMPTY_CAMPAIGN, type JourneyEvent } from '../../src/events/journey-event.js';

function track(name: string): JourneyEvent {
  return {
    eventId: 'e', source: 'site', type: 'track', name, timestampMs: 0, receivedAtMs: 0, key: 'a:x', anonymousId: 'x', userId: '', contactId: '',
    emailHash: '', sourceSessionId: '', pageUrl: '', pagePath: '', referrer: '', campaign: { ...EMPTY_CAMPAIGN },
    userAgent: '', locale: '', country: '', properties: {}, context: {}, nps: null, csat: null,
  };
}

const definition = parseDefinition(
  `
name: t
stages:
  - name: visit
    match: [{ event: Visit }]
  - name: cart
    match: [{ event: Product Added }]
    exclude: [{ event: [Cart Emptied, Help] }]
  - name: checkout
    match: [{ event: Checkout Started }]
    exclude: [{ event: [Cart Emptied, Product Added, Coupon Removed] }]
`,
  't.yaml',
);

describe('classify: exclusions (docs/semantics.md, "Exclusions")', () => {
  const classify = createClassifier(definition);
  it.each([
    { name: 'Coupon Removed', stageIndex: 0, exclusionIndex: 3, why: 'no stage, excluded by checkout' },
    { name: 'Cart Emptied', stageIndex: 0, exclusionIndex: 2, why: 'several stages exclude it: the first in definition order' },
    { name: 'Product Added', stageIndex: 2, exclusionIndex: 0, why: 'a stage event is never an exclusion, even if checkout excludes it' },
    { name: 'Checkout Started', stageIndex: 3, exclusionIndex: 0, why: 'a stage event' },
    { name: 'Newsletter', stageIndex: 0, exclusionIndex: 0, why: 'neither' },
  ])('$name: stage $stageIndex, exclusion $exclusionIndex ($why)', ({ name, stageIndex, exclusionIndex }) => {
    expect(classify(track(name))).toMatchObject({ stageIndex, exclusionIndex });
  });

  it('a definition without exclude rules gives 0 everywhere', () => {
    const plain = createClassifier(parseDefinition('name: p\nstages:\n  - name: a\n    match: [{ event: A }]\n  - name: b\n    match: [{ event: B }]\n', 'p.yaml'));
    expect(plain(track('Cart Emptied')).exclusionIndex).toBe(0);
  });
});
