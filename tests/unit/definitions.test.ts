import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DefinitionError, loadDefinition, parseDefinition } from '../../src/journey/load-definition.js';
import { createClassifier } from '../../src/journey/classify.js';
import { createJsonRecordDecoder } from '../../src/events/decode-json-record.js';
import { DEFAULT_LIMITS } from '../../src/events/limits.js';

const files = readdirSync('pipelines').filter((f) => f.endsWith('.yaml'));

describe('shipped journey definitions', () => {
  it.each(files)('%s loads and validates', (file) => {
    const { definition } = loadDefinition(`pipelines/${file}`, { pipelinesDir: 'pipelines' });
    expect(definition.stages.length).toBeGreaterThanOrEqual(3);
  });

  it('ecommerce has the B2C stages and both abandonment rules', () => {
    const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
    expect(definition.stages.map((s) => s.name)).toEqual(['awareness', 'interest', 'consideration', 'cart', 'checkout', 'purchase', 'retention', 'advocacy']);
    expect(definition.abandonment.find((r) => r.name === 'checkout_abandonment')).toMatchObject({ from: 'checkout', to: 'purchase', within: 3_600_000 });
    expect(definition.abandonment.map((r) => r.name)).toContain('cart_abandonment');
  });

  it('b2b-saas runs from visit to renewal', () => {
    const { definition } = loadDefinition('b2b-saas', { pipelinesDir: 'pipelines' });
    expect(definition.stages.map((s) => s.name)).toEqual(['visit', 'signup', 'mql', 'sql', 'opportunity', 'proposal', 'closed-won', 'onboarding', 'renewal']);
  });

  it('rees46 reads the publisher CSV layout with 30-minute sessions', () => {
    const { definition } = loadDefinition('rees46', { pipelinesDir: 'pipelines' });
    expect(definition.csv).toMatchObject({ timestamp: 'event_time', event: 'event_type', key: 'user_id', sourceSessionId: 'user_session' });
    expect(definition.sessions).toMatchObject({ inactivityGap: 1_800_000, useSourceSessionId: false });
  });

  it('each pipeline declares its default level and mode (docs/semantics.md)', () => {
    const funnel = (name: string) => loadDefinition(name, { pipelinesDir: 'pipelines' }).definition.funnel;
    expect(funnel('ecommerce')).toMatchObject({ level: 'session', mode: 'reached', conversionStage: 'purchase' });
    expect(funnel('rees46')).toMatchObject({ level: 'session', mode: 'reached', conversionStage: 'purchase' });
    expect(funnel('b2b-saas')).toMatchObject({ level: 'person', mode: 'reached', conversionStage: 'closed-won', journeyWindow: 90 * 86_400_000 });
  });

  it('ecommerce lets ordered funnels pass the stages a shop may not track', () => {
    const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
    const optional = definition.stages.filter((s) => s.optional).map((s) => s.name);
    expect(optional).toEqual(['interest', 'consideration', 'retention', 'advocacy']);
  });

  // Segment e-commerce spec v2 (plus the shop's own retention events): one event, the first matching stage.
  it.each([
    ['Promotion Viewed', 'awareness'],
    ['Products Searched', 'interest'],
    ['Product List Viewed', 'interest'],
    ['Product List Filtered', 'interest'],
    ['Promotion Clicked', 'interest'],
    ['Product Clicked', 'interest'],
    ['Product Viewed', 'consideration'],
    ['Product Added to Wishlist', 'consideration'],
    // Shared before buying as often as after: never a post-purchase stage, which would count as a purchase.
    ['Product Shared', 'consideration'],
    ['Product Added', 'cart'],
    ['Wishlist Product Added to Cart', 'cart'],
    ['Product Removed', 'cart'],
    ['Cart Viewed', 'cart'],
    ['Cart Shared', 'cart'],
    ['Coupon Entered', 'cart'],
    ['Coupon Applied', 'cart'],
    ['Coupon Denied', 'cart'],
    ['Coupon Removed', 'cart'],
    ['Checkout Started', 'checkout'],
    ['Checkout Step Viewed', 'checkout'],
    ['Checkout Step Completed', 'checkout'],
    ['Payment Info Entered', 'checkout'],
    ['Order Completed', 'purchase'],
    ['Order Updated', undefined],
    ['Order Refunded', undefined],
    ['Order Cancelled', undefined],
    ['Product Removed from Wishlist', undefined],
    ['Account Created', 'retention'],
    ['Product Reviewed', 'advocacy'],
    ['Unknown Thing', undefined],
  ])('ecommerce classifies a track "%s" as %s', (event, stage) => {
    const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
    const decoded = createJsonRecordDecoder(DEFAULT_LIMITS)(
      JSON.stringify({ type: 'track', event, messageId: 'm', anonymousId: 'a', timestamp: '2026-11-02T10:00:00Z' }),
      { limits: DEFAULT_LIMITS, identity: definition.identity, emailSalt: undefined, receivedAtMs: Date.UTC(2026, 10, 2, 10) },
    );
    if (decoded.kind !== 'ok') throw new Error(decoded.reason);
    const classified = createClassifier(definition)(decoded.value);
    expect(classified.stageIndex === 0 ? undefined : definition.stages[classified.stageIndex - 1]!.name).toBe(stage);
  });
});

describe('definition errors name the file, the path, the line and the expectation', () => {
  const minimal = (extra: string) => `name: t\nstages:\n  - name: a\n    match:\n      - event: A\n  - name: b\n    match:\n      - event: B\n${extra}`;

  it.each([
    { name: 'unknown stage in an abandonment rule', yaml: minimal('abandonment:\n  - name: r\n    from: a\n    to: zz\n    within: 1h\n'), message: /abandonment\.0\.to \(line 12\): unknown stage "zz"/ },
    { name: 'a bad duration', yaml: minimal('sessions:\n  inactivityGap: soon\n'), message: /sessions\.inactivityGap \(line 10\): expected a duration like 30m/ },
    { name: 'an unknown field', yaml: minimal('colour: blue\n'), message: /colour|Unrecognized key/ },
    { name: 'a predicate with a bad regex', yaml: 'name: t\nstages:\n  - name: a\n    match:\n      - where: { properties.x: { regex: "(" } }\n  - name: b\n    match: [{ event: B }]\n', message: /stages\.0\.match\.0\.where\.properties\.x\.regex.*not a valid regular expression/ },
    { name: 'a single stage', yaml: 'name: t\nstages:\n  - name: a\n    match: [{ event: A }]\n', message: /stages.*2/ },
    { name: 'invalid YAML', yaml: 'name: [unclosed\n', message: /not valid YAML/ },
  ])('$name', ({ yaml, message }) => {
    expect(() => parseDefinition(yaml, 'pipelines/t.yaml')).toThrowError(DefinitionError);
    expect(() => parseDefinition(yaml, 'pipelines/t.yaml')).toThrowError(message);
    expect(() => parseDefinition(yaml, 'pipelines/t.yaml')).toThrowError(/pipelines\/t\.yaml/);
  });

  it('a missing definition says where it looked', () => {
    expect(() => loadDefinition('nope', { pipelinesDir: 'pipelines' })).toThrowError(/no journey definition "nope"/);
  });
});
