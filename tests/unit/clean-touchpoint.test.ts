import { describe, expect, it } from 'vitest';
import { MAX_TOUCHPOINT_PATH, cleanTouchpoint, touchpointPath } from '../../src/journey/clean-touchpoint.js';
import { buildSessionRecord, buildTombstone, type RecordContext } from '../../src/sessions/session-record.js';
import type { EventMeta, SessionEvent } from '../../src/sessions/session-event.js';

describe('cleanTouchpoint', () => {
  it.each([
    // ids become placeholders
    ['/products/12345', '/products/:id'],
    ['/products/12345/reviews/7', '/products/:id/reviews/:id'],
    ['/p/9f1c2e0a-3b4d-4c5e-8f6a-7b8c9d0e1f2a', '/p/:uuid'],
    ['/p/9F1C2E0A-3B4D-4C5E-8F6A-7B8C9D0E1F2A/edit', '/p/:uuid/edit'],
    ['/order/AB12CD34EF', '/order/:id'],
    ['/order/x7k2m9q4', '/order/:id'],
    ['/u/5f3a9c0d', '/u/:hash'],
    ['/u/5F3A9C0D', '/u/:id'],
    ['/u/5f3a9c0d1e2b3a4f5e6d7c8b9a0f1e2d3c4b5a69', '/u/:hash'],
    ['/account/jane.doe@example.com', '/account/:email'],
    ['/unsubscribe/jane.doe%40example.com', '/unsubscribe/:email'],
    // query strings, fragments, empty segments
    ['/cart?step=2&coupon=X1', '/cart'],
    ['/faq#shipping', '/faq'],
    ['/search?q=red+shoes#results', '/search'],
    ['/products/42?utm_source=mail', '/products/:id'],
    ['/cart/', '/cart'],
    ['//cart', '/cart'],
    ['/?ref=home', '/'],
    ['/', '/'],
    // URLs are read as their path
    ['https://shop.example/products/99?x=1', '/products/:id'],
    ['https://shop.example', '/'],
    // ordinary words and slugs are kept
    ['/blog/how-to-choose', '/blog/how-to-choose'],
    ['/cart', '/cart'],
    ['/checkout/payment', '/checkout/payment'],
    ['/iphone-15-pro', '/iphone-15-pro'],
    ['/category/Shoes', '/category/Shoes'],
    ['/p/ab12', '/p/ab12'],
    ['/deadbeef', '/deadbeef'],
    ['/mp3player', '/mp3player'],
    ['/abc12345-xyz', '/abc12345-xyz'],
    // not paths: kept as they are
    ['Product Viewed', 'Product Viewed'],
    ['Order 12345', 'Order 12345'],
    ['crm:email', 'crm:email'],
    ['crm:survey_answered', 'crm:survey_answered'],
    ['', ''],
  ])('%s → %s', (input, expected) => {
    expect(cleanTouchpoint(input)).toBe(expected);
  });
});

describe('touchpointPath', () => {
  it.each([
    { name: 'empty', input: [], expected: [] },
    { name: 'repeats collapse', input: ['/', '/', 'Product Viewed', 'Product Viewed', '/'], expected: ['/', 'Product Viewed', '/'] },
    { name: 'ids collapse after cleaning', input: ['/products/1', '/products/2', '/cart?x=1', '/cart'], expected: ['/products/:id', '/cart'] },
    { name: 'back and forth stays', input: ['a', 'b', 'a', 'b', 'c'], expected: ['a', 'b', 'a', 'b', 'c'] },
  ])('$name', ({ input, expected }) => {
    expect(touchpointPath(input)).toEqual(expected);
  });

  it('keeps the first 99 and the last of a long path', () => {
    const input = Array.from({ length: 250 }, (_, i) => `step ${i}`);
    const path = touchpointPath(input);
    expect(path).toHaveLength(MAX_TOUCHPOINT_PATH);
    expect(path.slice(0, 99)).toEqual(input.slice(0, 99));
    expect(path[99]).toBe('step 249');
  });

  it('a capped path never repeats a touchpoint at its end', () => {
    const input = [...Array.from({ length: 99 }, (_, i) => `step ${i}`), 'x', 'step 98'];
    const path = touchpointPath(input);
    expect(path).toEqual(input.slice(0, 99));
    expect(touchpointPath([...input, 'y'])).toEqual([...input.slice(0, 99), 'y']);
  });
});

describe('session records', () => {
  const META: EventMeta = { channel: 'Direct', campaign: '', device: 'desktop', browser: 'Chrome', os: 'Linux', country: 'DE', segment: '', sourceSessionId: '' };
  const ev = (minute: number, stageIndex: number, touchpoint: string): SessionEvent => ({ timestampMs: minute * 60_000, stageIndex, idHash: minute + 1, touchpoint, meta: META });
  const ctx: RecordContext = {
    pipeline: 'p',
    stream: 'files',
    stageNames: ['visit', 'cart'],
    conversionStageIndex: 2,
    rules: { stageCount: 2, optional: [false, false], withinMs: [Infinity, Infinity], windowMs: Infinity },
    abandonment: [],
    watermarkMs: 0,
  };

  it('store the cleaned touchpoint path; tombstones an empty one', () => {
    const events = [ev(0, 1, '/'), ev(1, 1, '/products/123'), ev(2, 1, '/products/456?ref=x'), ev(3, 2, 'Product Added'), ev(4, 1, '/products/123')];
    const record = buildSessionRecord({ key: 'k', groupKey: 'k', events, sessionId: 's', closed: true }, ctx);
    expect(record.touchpoint_path).toEqual(['/', '/products/:id', 'Product Added', '/products/:id']);
    // The entry and exit touchpoints stay as they were seen.
    expect(record.exit_touchpoint).toBe('/products/123');
    expect(buildTombstone({ sessionId: 's', key: 'k', startMs: 0 }, { pipeline: 'p', stream: 'files' }).touchpoint_path).toEqual([]);
  });
});
