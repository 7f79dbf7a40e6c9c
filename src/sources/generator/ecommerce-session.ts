import { clampProbability, type Anomalies } from './anomalies.js';
import type { Catalog, Product } from './catalog.js';
import type { Acquisition } from './channels.js';
import { runCheckout, type Cart } from './ecommerce-checkout.js';
import { PageTrail } from './page-trail.js';
import type { Prng } from './prng.js';
import type { PageView, SegmentWriter } from './segment-writer.js';
import { SessionClock } from './session-clock.js';
import { CHECKOUT_DEVICE_FACTOR, ProductJsonCache, SHOP_ODDS, SHOP_SITE, type ShopSegment } from './shop-profile.js';
import type { ProfiledVisitor } from './site-visitor.js';

/** A shopper: a profiled browser plus account state that persists across sessions. */
export interface Shopper extends ProfiledVisitor {
  segment: ShopSegment;
  /** An existing account's userId; it becomes `userId` on this device once the shopper logs in. */
  accountUserId: string | undefined;
}

export interface SessionOutcome {
  endMs: number;
  purchased: boolean;
}

const HOME = { name: 'Home', path: '/', title: 'Shop Everything' };
const SALE = { name: 'Sale', path: '/sale', title: 'Sale' };
const HELP = { name: 'Help', path: '/help/shipping', title: 'Shipping & Returns' };

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
    const ended = (purchased: boolean): SessionOutcome => ({ endMs: clock.t, purchased });

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
        return ended(false);
      }
      viewList();
      reached = 'interest';
    }
    if (reached === 'interest') {
      if (!advance(odds.consideration, 'interest')) {
        if (rng.chance(0.4)) viewList();
        return ended(false);
      }
      viewed = viewProductAndReturn(catalog.pick(rng, focus));
    }
    // Consideration: compare a few products, sometimes back to a list.
    while (rng.chance(0.55)) {
      if (rng.chance(0.25)) viewList();
      viewed = viewProductAndReturn(catalog.pick(rng, rng.chance(0.8) ? focus : undefined));
    }
    if (viewed === undefined || !advance(odds.cart, 'consideration')) return ended(false);

    const cart = this.fillCart(shopper, trail, viewed, viewProduct);
    if (!advance(odds.checkout * (CHECKOUT_DEVICE_FACTOR[shopper.dimensions.device] ?? 1), 'cart')) return ended(false);
    const purchased = runCheckout(
      { rng, writer, anomalies, clock, nextOrderNumber: () => this.orderNumber++ },
      { shopper, trail, cart, purchaseOdds: odds.purchase },
    );
    if (!purchased) return ended(false);

    // Retention and advocacy, for some purchasers.
    if (advance(odds.retention, 'purchase')) {
      const view = trail.current;
      if (shopper.userId === undefined) {
        shopper.userId = this.deps.newUserId();
        shopper.accountUserId = shopper.userId;
        writer.track(shopper, view, clock.think(), 'Account Created', { method: rng.pick(['email', 'google', 'apple']) });
        writer.identify(shopper, view, clock.soon(), { segment: shopper.segment });
      } else {
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
    return ended(true);

    function viewProductAndReturn(product: Product): Product {
      viewProduct(product);
      return product;
    }
  }

  /** Known customers log in on some visits: identify links the device to their userId from then on. */
  private maybeLogIn(shopper: Shopper, trail: PageTrail): void {
    const { rng, writer } = this.deps;
    if (shopper.userId !== undefined || shopper.accountUserId === undefined || !rng.chance(0.5)) return;
    const view = trail.open(this.clock.think(), { name: 'Sign In', path: '/account/login', title: 'Sign in' });
    shopper.userId = shopper.accountUserId;
    writer.track(shopper, view, this.clock.soon(), 'Signed In', { method: 'password' });
    writer.identify(shopper, view, this.clock.soon(), { segment: shopper.segment });
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
