import { describe, expect, it } from 'vitest';
import { createSegmentFastCheck } from '../../src/events/segment-fast-check.js';
import { createSegmentSchema } from '../../src/events/segment-schema.js';
import { dropAbsentFields } from '../../src/events/absent-fields.js';
import { DEFAULT_LIMITS } from '../../src/events/limits.js';
import { Prng } from '../../src/sources/generator/prng.js';

// The decoder trusts the plain check's "yes" without asking zod, so the two
// must agree on every message: generated ones, valid and broken at random.

const BASES: Record<string, unknown>[] = [
  { type: 'track', event: 'Product Viewed', messageId: 'm1', anonymousId: 'a1', timestamp: '2026-11-02T11:00:00.000Z' },
  {
    type: 'page',
    name: 'Home',
    anonymousId: 'a2',
    userId: 'u2',
    originalTimestamp: '2026-11-02T11:00:00.000Z',
    sentAt: '2026-11-02T11:00:01.000Z',
    receivedAt: '2026-11-02T11:00:02.000Z',
    context: {
      page: { path: '/', url: 'https://shop.example/', referrer: 'https://www.google.com/', title: 'Shop' },
      campaign: { source: 'google', medium: 'cpc', name: 'winter', term: 'boots', content: 'ad1' },
      userAgent: 'Mozilla/5.0',
      locale: 'de-DE',
      location: { country: 'DE', city: 'Berlin' },
      library: { name: 'analytics.js' },
    },
    properties: { path: '/', price: 3 },
  },
  { type: 'identify', userId: 'u3', traits: { email: 'x@example.com' }, timestamp: '2026-11-02T11:00:00Z' },
  { type: 'alias', userId: 'u4', previousId: 'a4', timestamp: '2026-11-02' },
];

/** Dotted paths of every field either check reads, and some nothing reads. */
const PATHS = [
  'type', 'messageId', 'anonymousId', 'userId', 'event', 'name', 'timestamp', 'originalTimestamp', 'sentAt', 'receivedAt',
  'properties', 'context', 'traits', 'previousId', 'extra',
  'context.page', 'context.campaign', 'context.userAgent', 'context.locale', 'context.location', 'context.geo', 'context.traits',
  'context.page.path', 'context.page.url', 'context.page.referrer', 'context.page.title',
  'context.campaign.source', 'context.campaign.medium', 'context.campaign.name', 'context.campaign.term', 'context.campaign.content',
  'context.location.country',
];

/** Values at and around every limit, and of every JSON type. */
function valuePool(maxId: number): unknown[] {
  return [
    undefined, null, '', 'x', 0, 1, true, false, [], ['x'], {}, { a: 1 },
    'track', 'page', 'screen', 'identify', 'alias', 'group', 'Track', 'click',
    'i'.repeat(maxId), 'i'.repeat(maxId + 1),
    'n'.repeat(512), 'n'.repeat(513),
    't'.repeat(64), 't'.repeat(65),
    '2026-11-02T11:00:00.000Z',
  ];
}

function setPath(message: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let holder: Record<string, unknown> = message;
  for (const part of parts.slice(0, -1)) {
    const next = holder[part];
    // Only descend into objects; a path through a text or a number stays as it is.
    if (typeof next !== 'object' || next === null || Array.isArray(next)) return;
    holder = next as Record<string, unknown>;
  }
  const last = parts.at(-1)!;
  if (value === undefined) delete holder[last];
  else holder[last] = value;
}

function mutated(rng: Prng, pool: unknown[]): Record<string, unknown> {
  const message = structuredClone(BASES[rng.int(0, BASES.length - 1)]!);
  const changes = rng.int(0, 3);
  for (let i = 0; i < changes; i++) setPath(message, PATHS[rng.int(0, PATHS.length - 1)]!, structuredClone(pool[rng.int(0, pool.length - 1)]));
  return message;
}

describe('the plain Segment check against the zod schema', () => {
  for (const limits of [DEFAULT_LIMITS, { ...DEFAULT_LIMITS, maxIdLength: 8 }]) {
    it(`gives zod's answer on 20,000 generated messages (ids up to ${limits.maxIdLength})`, () => {
      const fast = createSegmentFastCheck(limits);
      const schema = createSegmentSchema(limits);
      const pool = valuePool(limits.maxIdLength);
      const rng = new Prng(14);
      let accepted = 0;
      let refused = 0;
      for (let i = 0; i < 20_000; i++) {
        const message = mutated(rng, pool);
        // The decoder checks after dropping absent values; the raw shape is checked too.
        if (i % 2 === 0) dropAbsentFields(message);
        const expected = schema.safeParse(message).success;
        expect(fast(message), JSON.stringify(message)).toBe(expected);
        if (expected) accepted++;
        else refused++;
      }
      // Both answers are exercised, not one of them only.
      expect(accepted).toBeGreaterThan(2_000);
      expect(refused).toBeGreaterThan(2_000);
    });
  }

  it('refuses what the schema refuses, by hand', () => {
    const fast = createSegmentFastCheck(DEFAULT_LIMITS);
    const valid = BASES[0]!;
    expect(fast(valid)).toBe(true);
    expect(fast({ ...valid, type: 'click' })).toBe(false);
    expect(fast({ ...valid, anonymousId: undefined })).toBe(false);
    expect(fast({ ...valid, anonymousId: undefined, userId: 'u' })).toBe(true);
    expect(fast({ ...valid, event: undefined })).toBe(false);
    expect(fast({ ...valid, type: 'page', event: undefined, name: '' })).toBe(true);
    expect(fast({ ...valid, messageId: 'x'.repeat(257) })).toBe(false);
    expect(fast({ ...valid, properties: [] })).toBe(false);
    expect(fast({ ...valid, context: { page: 'home' } })).toBe(false);
    expect(fast({ ...valid, context: { location: { country: 49 } } })).toBe(false);
    expect(fast({ ...valid, context: { page: { title: 42 }, device: 'phone' } })).toBe(true);
  });
});
