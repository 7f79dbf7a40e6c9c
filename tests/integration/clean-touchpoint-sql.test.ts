/**
 * The touchpoint cleaning in SQL (the journey map's stage activity rollup)
 * gives what cleanTouchpoint gives in TypeScript (touchpoint paths), path for
 * path, in the real embedded ClickHouse.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTestStore } from '../helpers/store.js';
import { cleanTouchpoint } from '../../src/journey/clean-touchpoint.js';
import { cleanTouchpointSql } from '../../src/journey/clean-touchpoint-sql.js';
import type { Store } from '../../src/stores/store.js';

const TOUCHPOINTS = [
  // ids, hashes, emails, UUIDs
  '/products/12345', '/products/12345/reviews/7', '/p/9f1c2e0a-3b4d-4c5e-8f6a-7b8c9d0e1f2a', '/p/9F1C2E0A-3B4D-4C5E-8F6A-7B8C9D0E1F2A/edit',
  '/order/AB12CD34EF', '/order/x7k2m9q4', '/u/5f3a9c0d', '/u/5F3A9C0D', '/u/5f3a9c0d1e2b3a4f5e6d7c8b9a0f1e2d3c4b5a69',
  '/account/jane.doe@example.com', '/unsubscribe/jane.doe%40example.com', '/a/b@c', '/a/x@y.z', '/year/2026',
  // query strings, fragments, empty segments
  '/cart?step=2&coupon=X1', '/faq#shipping', '/search?q=red+shoes#results', '/products/42?utm_source=mail', '/cart/', '//cart', '/?ref=home', '/', '/#top', '/?',
  // kept as they are
  '/blog/how-to-choose', '/cart', '/checkout/payment', '/iphone-15-pro', '/category/Shoes', '/p/ab12', '/deadbeef', '/mp3player', '/abc12345-xyz',
  '/p/%E2%82%AC', '/p/café-12', '/ünïcödé/12',
  // URLs
  'https://shop.example/products/12?x=1', 'https://shop.example', 'https://shop.example/', 'http://a.b:8080/c//d/', 'android-app://com.shop/p/123',
  // event names and CRM touchpoints
  'Product Viewed', 'Order Completed', 'crm:meeting', 'crm:ticket_opened', 'page', 'screen', '', 'Step 2/3', 'Cart 123',
];

let store: Store;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ store, cleanup } = await openTestStore());
});

afterAll(async () => {
  await cleanup?.();
});

it('cleans every touchpoint as cleanTouchpoint does', async () => {
  const rows = await store.query<{ t: string; cleaned: string }>(
    `SELECT t, ${cleanTouchpointSql('t')} AS cleaned FROM (SELECT arrayJoin({touchpoints:Array(String)}) AS t)`,
    { touchpoints: TOUCHPOINTS },
  );
  expect(rows.map((r) => [r.t, r.cleaned])).toEqual(TOUCHPOINTS.map((t) => [t, cleanTouchpoint(t)]));
});
