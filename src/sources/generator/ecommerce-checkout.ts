import { clampProbability, type Anomalies } from './anomalies.js';
import type { Product } from './catalog.js';
import { localPrice } from './geo.js';
import type { PageTrail } from './page-trail.js';
import type { Prng } from './prng.js';
import type { SegmentWriter } from './segment-writer.js';
import type { SessionClock } from './session-clock.js';
import type { Shopper } from './ecommerce-session.js';

export interface Cart {
  id: string;
  lines: Array<{ product: Product; quantity: number }>;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

/**
 * Checkout → purchase. Whether the order completes is decided once, when
 * checkout starts (base odds × bottleneck factor, or 1 − rate inside a
 * spike window); an abandoned checkout stops after one of its steps.
 * Returns whether the order completed.
 */
export function runCheckout(
  deps: { rng: Prng; writer: SegmentWriter; anomalies: Anomalies; clock: SessionClock; nextOrderNumber: () => number },
  checkout: { shopper: Shopper; trail: PageTrail; cart: Cart; purchaseOdds: number },
): boolean {
  const { rng, writer, anomalies, clock } = deps;
  const { shopper, trail, cart } = checkout;
  const currency = shopper.country.currency;
  const products = cart.lines.map((line, i) => ({
    product_id: String(line.product.id),
    sku: line.product.sku,
    name: line.product.name,
    category: line.product.category,
    price: localPrice(line.product.priceUsd, shopper.country),
    quantity: line.quantity,
    position: i + 1,
  }));
  const subtotal = round2(products.reduce((sum, p) => sum + p.price * p.quantity, 0));
  const coupon = shopper.segment === 'bargain_hunter' && rng.chance(0.6) ? rng.pick(['SAVE10', 'WELCOME15', 'BF2026']) : undefined;
  const discount = coupon ? round2(subtotal * 0.1) : 0;
  const revenue = round2(subtotal - discount);
  const shipping = revenue > 50 * shopper.country.priceFactor ? 0 : round2(4.99 * shopper.country.priceFactor);
  const tax = round2(revenue * 0.08);
  const orderId = `ORD-${deps.nextOrderNumber()}`;
  const checkoutId = cart.id;

  const view = trail.open(clock.think(), { name: 'Checkout', path: '/checkout', title: 'Checkout' });
  const startedMs = clock.soon();
  writer.track(shopper, view, startedMs, 'Checkout Started', { checkout_id: checkoutId, order_id: orderId, value: subtotal, revenue, currency, coupon, products });

  const base = clampProbability(checkout.purchaseOdds * anomalies.advanceFactor('checkout', shopper.dimensions));
  const completes = rng.chance(anomalies.checkoutCompletion(startedMs, base));
  const shippingMethod = rng.pick(['standard', 'standard', 'express', 'pickup']);
  const paymentMethod = rng.pick(['card', 'card', 'card', 'paypal', 'apple_pay', 'klarna']);
  const steps: Array<() => void> = [
    () => writer.track(shopper, view, clock.think(), 'Checkout Step Completed', { checkout_id: checkoutId, step: 1, shipping_method: shippingMethod }),
    () => writer.track(shopper, view, clock.think(), 'Checkout Step Completed', { checkout_id: checkoutId, step: 2, payment_method: paymentMethod }),
    () => writer.track(shopper, view, clock.think(), 'Payment Info Entered', { checkout_id: checkoutId, order_id: orderId, step: 3, payment_method: paymentMethod }),
  ];
  // Abandoners leave after 0–3 of the steps (leaving right after the start is the most common).
  const stepsTaken = completes ? steps.length : rng.pick([0, 0, 1, 1, 2, 3]);
  for (let i = 0; i < stepsTaken; i++) steps[i]?.();
  if (!completes) return false;

  const total = round2(revenue + shipping + tax);
  writer.track(shopper, view, clock.think(), 'Order Completed', {
    checkout_id: checkoutId,
    order_id: orderId,
    affiliation: 'Brightcart Online',
    total,
    revenue,
    shipping,
    tax,
    discount,
    coupon,
    currency,
    products,
  });
  trail.open(clock.soon(), { name: 'Order Confirmation', path: '/checkout/confirmation', title: 'Thank you for your order' });
  return true;
}
