import { clampProbability, type Anomalies } from './anomalies.js';
import type { Catalog, Product } from './catalog.js';
import { transactionalEmail, type Acquisition } from './channels.js';
import { runCheckout, type Cart } from './ecommerce-checkout.js';
import { PageTrail } from './page-trail.js';
import type { Prng } from './prng.js';
import type { PageView, SegmentWriter } from './segment-writer.js';
import { SessionClock } from './session-clock.js';
import { CHECKOUT_DEVICE_FACTOR, ProductJsonCache, SHOP_ODDS, SHOP_SITE, type ShopSegment, type ShopStage } from './shop-profile.js';
import type { ProfiledVisitor } from './site-visitor.js';

/** A person's shop account, shared by all their devices. */
export interface ShopAccount {
  /** The account's userId, once they have one (on arrival, or from Account Created). */
  userId: string | undefined;
}

/**
 * One device of a shopper: a profiled browser, logged in (`userId`) or not,
 * and the person's account. A person on two devices is two Shoppers with
 * the same account: logging in on one does not log in the other.
 */
export interface Shopper extends ProfiledVisitor {
  segment: ShopSegment;
  account: ShopAccount;
}

export interface SessionOutcome {
  endMs: number;
  /** The furthest funnel stage the session reached (before any retention or advocacy): 'purchase' when it ordered. */
  furthest: ShopStage;
}

const HOME = { name: 'Home', path: '/', title: 'Shop Everything' };
const SALE = { name: 'Sale', path: '/sale', title: 'Sale' };
const HELP = { name: 'Help', path: '/help/shipping', title: 'Shipping & Returns' };
/** Probability that a logged-out customer with an account signs in at checkout. */
const LOGIN_AT_CHECKOUT = 0.7;

/**
 * Walks one shopping session through the funnel (awareness → interest →
 * consideration → cart → checkout → purchase → retention → advocacy),
 * emitting the Segment calls a real storefront would. Steps repeat (several
 * product views) or are skipped (a paid click lands on a product page).
 */
export class EcommerceSession {
  private readonly clock: SessionClock;
  private readonly productJson = new ProductJsonCache();
  private orderNumber = 4_100_000;

  constructor(
    private readonly deps: {
      rng: Prng;
      writer: SegmentWriter;
      catalog: Catalog;
      anomalies: Anomalies;
      newUserId: () => string;
      /** false: the shop has no category or search pages, so no list events (GeneratorOptions.productLists). */
      productLists?: boolean;
    },
  ) {
    this.clock = new SessionClock(deps.rng);
  }

  run(shopper: Shopper, startMs: number, acquisition: Acquisition): SessionOutcome {
    const { rng, writer, catalog, anomalies } = this.deps;
    const clock = this.clock;
    const odds = SHOP_ODDS[shopper.segment];
    const advance = (p: number, stage: string): boolean =>
      rng.chance(clampProbability(p * anomalies.advanceFactor(stage, shopper.dimensions)));
    const trail = new PageTrail(writer, shopper, acquisition, SHOP_SITE);
    const focus = catalog.pick(rng).category;
    const focusSlug = focus.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const ended = (furthest: ShopStage): SessionOutcome => ({ endMs: clock.t, furthest });

    const viewProduct = (product: Product): PageView => {
      const view = trail.open(clock.think(), { name: 'Product', path: `/p/${product.slug}-${product.id}`, title: product.name });
      writer.track(shopper, view, clock.soon(), 'Product Viewed', this.productJson.get(product, shopper.country));
      return view;
    };
    const productLists = this.deps.productLists !== false;
    // Without list pages a shopper who would have browsed one goes from the
    // page they are on straight to a product: the same odds, no interest event.
    const viewList = (): void => {
      if (!productLists) return;
      if (rng.chance(0.4)) {
        // People search for what they came for: the category, or a brand in it.
        const brand = catalog.pick(rng, focus).brand;
        const query = brand !== '' && rng.chance(0.4) ? brand : focus.toLowerCase();
        const search = `?q=${encodeURIComponent(query)}`;
        const view = trail.open(clock.think(), { name: 'Search Results', path: '/search', title: `Search: ${query}`, search });
        writer.track(shopper, view, clock.soon(), 'Products Searched', { query });
        return;
      }
      const view = trail.open(clock.think(), { name: 'Category', path: `/c/${focusSlug}`, title: focus });
      const products = catalog.pickDistinct(rng, 4, focus).map((p, i) => this.productJson.with(p, shopper.country, `"position":${i + 1}`));
      const json = `{"list_id":"${focusSlug}_grid","category":${JSON.stringify(focus)},"products":[${products.join(',')}]}`;
      writer.track(shopper, view, clock.soon(), 'Product List Viewed', json);
    };

    // Awareness: the landing page (the first think() lands it 0–235 s after the arrival).
    clock.t = startMs - 5_000;
    let reached: 'awareness' | 'interest' | 'consideration' = 'awareness';
    let viewed: Product | undefined;
    if (acquisition.landing === 'detail') {
      // Deep links skip the interest stage.
      viewed = catalog.pick(rng, rng.chance(0.7) ? focus : undefined);
      viewProduct(viewed);
      reached = 'consideration';
    } else if (acquisition.landing === 'listing') {
      // A shop without list pages sends such a link to the home page.
      if (productLists) viewList();
      else trail.open(clock.think(), HOME);
      reached = 'interest';
    } else {
      trail.open(clock.think(), acquisition.landing === 'content' ? SALE : HOME);
    }
    this.maybeLogIn(shopper, trail);

    if (reached === 'awareness') {
      if (!advance(odds.interest, 'awareness')) {
        if (rng.chance(0.3)) trail.open(clock.think(), rng.chance(0.5) ? HELP : SALE);
        return ended('awareness');
      }
      viewList();
      reached = 'interest';
    }
    if (reached === 'interest') {
      if (!advance(odds.consideration, 'interest')) {
        if (rng.chance(0.4)) viewList();
        return ended('interest');
      }
      viewed = viewProductAndReturn(catalog.pick(rng, focus));
    }
    // Consideration: compare a few products, sometimes back to a list.
    while (rng.chance(0.55)) {
      if (rng.chance(0.25)) viewList();
      viewed = viewProductAndReturn(catalog.pick(rng, rng.chance(0.8) ? focus : undefined));
    }
    if (viewed === undefined || !advance(odds.cart, 'consideration')) return ended('consideration');

    const cart = this.fillCart(shopper, trail, viewed, viewProduct);
    if (!advance(odds.checkout * (CHECKOUT_DEVICE_FACTOR[shopper.dimensions.device] ?? 1), 'cart')) return ended('cart');
    // Customers with an account mostly sign in to check out (saved address and card).
    if (shopper.userId === undefined && shopper.account.userId !== undefined && rng.chance(LOGIN_AT_CHECKOUT)) {
      this.logIn(shopper, trail.open(clock.think(), { name: 'Sign In', path: '/account/login', title: 'Sign in' }));
    }
    const purchased = runCheckout(
      { rng, writer, anomalies, clock, nextOrderNumber: () => this.orderNumber++ },
      { shopper, trail, cart, purchaseOdds: odds.purchase },
    );
    if (!purchased) return ended('checkout');

    // Retention and advocacy, for some purchasers.
    if (advance(odds.retention, 'purchase')) {
      const view = trail.current;
      if (shopper.account.userId === undefined) {
        // identify first, as analytics.js is called: every later call of the device carries the userId.
        shopper.userId = this.deps.newUserId();
        shopper.account.userId = shopper.userId;
        writer.identify(shopper, view, clock.think(), { segment: shopper.segment });
        writer.track(shopper, view, clock.soon(), 'Account Created', { method: rng.pick(['email', 'google', 'apple']) });
      } else {
        // A customer who checked out as a guest signs in to subscribe (never a second account).
        if (shopper.userId === undefined) this.logIn(shopper, view);
        writer.track(shopper, view, clock.think(), 'Newsletter Subscribed', { list: rng.pick(['weekly_digest', 'deals']) });
      }
      if (advance(odds.advocacy, 'retention')) {
        const productId = String((cart.lines[0]?.product ?? viewed).id);
        if (rng.chance(0.6)) {
          writer.track(shopper, view, clock.think(), 'Product Reviewed', { product_id: productId, review_id: `r_${rng.uint32()}`, rating: rng.pick([5, 5, 5, 4, 4, 3]) });
        } else {
          writer.track(shopper, view, clock.think(), 'Product Shared', { product_id: productId, share_via: rng.pick(['whatsapp', 'email', 'facebook', 'copy_link']) });
        }
      }
    }
    return ended('purchase');

    function viewProductAndReturn(product: Product): Product {
      viewProduct(product);
      return product;
    }
  }

  /**
   * A visit from the order-shipped email: a customer with an account signs
   * in to see the order (on this device too, if it was logged out); a guest
   * follows the email's tracking link without signing in. Returns its end.
   */
  checkOrder(shopper: Shopper, startMs: number): number {
    const trail = new PageTrail(this.deps.writer, shopper, transactionalEmail('order_shipped'), SHOP_SITE);
    this.clock.t = startMs - 5_000;
    if (shopper.account.userId === undefined) {
      trail.open(this.clock.think(), { name: 'Order Tracking', path: '/orders/track', title: 'Track your order' });
      return this.clock.t;
    }
    if (shopper.userId === undefined) this.logIn(shopper, trail.open(this.clock.think(), { name: 'Sign In', path: '/account/login', title: 'Sign in' }));
    trail.open(this.clock.think(), { name: 'Orders', path: '/account/orders', title: 'Your orders' });
    return this.clock.t;
  }

  /** Known customers log in on some visits, on each device apart: identify links the device to their userId from then on. */
  private maybeLogIn(shopper: Shopper, trail: PageTrail): void {
    if (shopper.userId !== undefined || shopper.account.userId === undefined || !this.deps.rng.chance(0.5)) return;
    this.logIn(shopper, trail.open(this.clock.think(), { name: 'Sign In', path: '/account/login', title: 'Sign in' }));
  }

  private logIn(shopper: Shopper, view: PageView): void {
    shopper.userId = shopper.account.userId;
    this.deps.writer.identify(shopper, view, this.clock.soon(), { segment: shopper.segment });
    this.deps.writer.track(shopper, view, this.clock.soon(), 'Signed In', { method: 'password' });
  }

  /** Cart: one or more Product Added, often Cart Viewed, sometimes a Product Removed. */
  private fillCart(shopper: Shopper, trail: PageTrail, first: Product, viewProduct: (p: Product) => PageView): Cart {
    const { rng, writer, catalog } = this.deps;
    const withCart = (p: Product, quantity: number): string =>
      this.productJson.with(p, shopper.country, `"quantity":${quantity},"cart_id":"${cart.id}"`);
    const cart: Cart = { id: rng.uuid(), lines: [] };
    let product = first;
    let view = trail.current;
    for (;;) {
      const quantity = rng.chance(0.85) ? 1 : rng.int(2, 3);
      cart.lines.push({ product, quantity });
      writer.track(shopper, view, this.clock.think(), 'Product Added', withCart(product, quantity));
      if (cart.lines.length >= 4 || !rng.chance(0.3)) break;
      product = catalog.pick(rng);
      view = viewProduct(product);
    }
    if (rng.chance(0.7)) {
      view = trail.open(this.clock.think(), { name: 'Cart', path: '/cart', title: 'Your cart' });
      const products = cart.lines.map((line) => this.productJson.with(line.product, shopper.country, `"quantity":${line.quantity}`));
      writer.track(shopper, view, this.clock.soon(), 'Cart Viewed', `{"cart_id":"${cart.id}","products":[${products.join(',')}]}`);
      const removed = cart.lines.length > 1 && rng.chance(0.25) ? cart.lines.pop() : undefined;
      if (removed) writer.track(shopper, view, this.clock.think(), 'Product Removed', withCart(removed.product, removed.quantity));
    }
    return cart;
  }
}
