import { at, page, track } from './segment.js';

/** A small hand-checked scenario shared by the idempotency and recovery tests. */
const mobile = { userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1' };
const paid = { campaign: { source: 'google', medium: 'cpc', name: 'brand' } };

/** Three visitors over several hours: complete purchase, checkout abandonment, two sessions, a bridging event. */
export const EVENTS: string[] = [
  page('/', { id: 'a1', anonymousId: 'alice', at: at(0), context: { ...paid } }),
  track('Products Searched', { id: 'a2', anonymousId: 'alice', at: at(1) }),
  track('Product Viewed', { id: 'a3', anonymousId: 'alice', at: at(2) }),
  track('Product Added', { id: 'a4', anonymousId: 'alice', at: at(4) }),
  track('Checkout Started', { id: 'a5', anonymousId: 'alice', at: at(6) }),
  track('Order Completed', { id: 'a6', anonymousId: 'alice', at: at(9) }),
  page('/', { id: 'b1', anonymousId: 'bob', at: at(3), context: mobile }),
  track('Product List Viewed', { id: 'b2', anonymousId: 'bob', at: at(3) }),
  track('Product Viewed', { id: 'b3', anonymousId: 'bob', at: at(5) }),
  track('Product Added', { id: 'b4', anonymousId: 'bob', at: at(7) }),
  track('Checkout Started', { id: 'b5', anonymousId: 'bob', at: at(8) }),
  page('/', { id: 'b6', anonymousId: 'bob', at: at(60), context: mobile }),
  track('Product Viewed', { id: 'b7', anonymousId: 'bob', at: at(61) }),
  // carol: 0, 25 | 50, 70 — b-bridge at 37 joins them into one session when it arrives.
  page('/', { id: 'c1', anonymousId: 'carol', at: at(0) }),
  track('Products Searched', { id: 'c2', anonymousId: 'carol', at: at(25) }),
  track('Product Viewed', { id: 'c4', anonymousId: 'carol', at: at(70) }),
  track('Product Added', { id: 'c5', anonymousId: 'carol', at: at(71) }),
  track('Checkout Started', { id: 'c6', anonymousId: 'carol', at: at(72) }),
  track('Order Completed', { id: 'c7', anonymousId: 'carol', at: at(72) }),
  // dave arrives much later and pushes the watermark on.
  page('/', { id: 'd1', anonymousId: 'dave', at: at(400) }),
  track('Product Viewed', { id: 'd2', anonymousId: 'dave', at: at(401) }),
];
export const BRIDGE = page('/pricing', { id: 'c3', anonymousId: 'carol', at: at(48) });
export const ALL = [...EVENTS.slice(0, 15), BRIDGE, ...EVENTS.slice(15)];

