import type { CampaignVocabulary, ChannelId } from './channels.js';
import type { Product } from './catalog.js';
import { localPrice, type Country } from './geo.js';
import { WeightedChoice } from './weighted-choice.js';

/** The ecommerce funnel, in order (bottleneck.fromStage is one of these but the last). */
export const SHOP_STAGES = ['awareness', 'interest', 'consideration', 'cart', 'checkout', 'purchase', 'retention', 'advocacy'] as const;
export type ShopStage = (typeof SHOP_STAGES)[number];

export const SHOP_SEGMENTS = ['new', 'returning', 'vip', 'bargain_hunter'] as const;
export type ShopSegment = (typeof SHOP_SEGMENTS)[number];

export const SHOP_SITE = { origin: 'https://shop.example.com', titleSuffix: ' | Brightcart' } as const;

/** Per-segment probability of advancing from each stage to the next (before anomalies). */
export interface StageOdds {
  interest: number;
  consideration: number;
  cart: number;
  checkout: number;
  purchase: number;
  retention: number;
  advocacy: number;
  /** Probability of coming back on a later day after a session. */
  returnLater: number;
  /** Probability that the visitor already has an account (a userId) on arrival. */
  hasAccount: number;
}

/** Tuned so that ≈ 3 % of sessions end in a purchase overall. */
export const SHOP_ODDS: Record<ShopSegment, StageOdds> = {
  new: { interest: 0.55, consideration: 0.52, cart: 0.11, checkout: 0.5, purchase: 0.62, retention: 0.35, advocacy: 0.25, returnLater: 0.12, hasAccount: 0 },
  returning: { interest: 0.62, consideration: 0.58, cart: 0.15, checkout: 0.55, purchase: 0.68, retention: 0.3, advocacy: 0.3, returnLater: 0.3, hasAccount: 0.45 },
  vip: { interest: 0.7, consideration: 0.64, cart: 0.2, checkout: 0.62, purchase: 0.78, retention: 0.4, advocacy: 0.4, returnLater: 0.45, hasAccount: 0.9 },
  bargain_hunter: { interest: 0.62, consideration: 0.6, cart: 0.17, checkout: 0.4, purchase: 0.52, retention: 0.3, advocacy: 0.2, returnLater: 0.3, hasAccount: 0.35 },
};

export const SHOP_SEGMENT_CHOICE = new WeightedChoice<ShopSegment>([
  ['new', 55],
  ['returning', 28],
  ['vip', 5],
  ['bargain_hunter', 12],
]);

/** Phones convert worse from cart to checkout (small forms, distraction); desktops better. */
export const CHECKOUT_DEVICE_FACTOR: Record<string, number> = { mobile: 0.85, tablet: 0.95, desktop: 1.15 };

function channels(weights: Record<ChannelId, number>): WeightedChoice<ChannelId> {
  return new WeightedChoice(Object.entries(weights) as Array<[ChannelId, number]>);
}

/** Acquisition mix per segment: loyal customers come direct and from email, new ones from search and social. */
export const SHOP_CHANNELS: Record<ShopSegment, WeightedChoice<ChannelId>> = {
  new: channels({ direct: 18, organic_search: 30, paid_search: 20, social: 14, email: 1, referral: 7, display: 10 }),
  returning: channels({ direct: 30, organic_search: 22, paid_search: 12, social: 8, email: 18, referral: 4, display: 6 }),
  vip: channels({ direct: 35, organic_search: 12, paid_search: 6, social: 5, email: 35, referral: 2, display: 5 }),
  bargain_hunter: channels({ direct: 12, organic_search: 20, paid_search: 22, social: 16, email: 18, referral: 6, display: 6 }),
};

export const SHOP_VOCABULARY: CampaignVocabulary = {
  paidSearchCampaigns: ['brand_search', 'shopping_generic', 'running_shoes_generic', 'electronics_dsa', 'black_friday_search'],
  searchTerms: ['running shoes', 'wireless earbuds', 'brightcart', 'rain jacket women', 'espresso machine deal', 'robot vacuum', 'yoga mat'],
  socialCampaigns: ['bf_teaser_2026', 'winter_collection', 'ugc_reviews', 'retargeting_cart'],
  emailCampaigns: ['weekly_digest', 'black_friday_preview', 'abandoned_cart', 'back_in_stock', 'vip_early_access'],
  displayCampaigns: ['prospecting_lookalike', 'retargeting_30d', 'winter_sale_banner'],
  referralPages: [
    'https://www.runnersworld-reviews.com/best-running-shoes-2026',
    'https://www.techgearlab.net/reviews/wireless-earbuds',
    'https://medium.com/@homebarista/my-espresso-setup-3b1c2f',
    'https://www.dealsforum.net/thread/brightcart-coupon',
  ],
};

/** Segment's product properties in the visitor's currency. */
export function productProperties(product: Product, country: Country): Record<string, string | number> {
  return {
    product_id: String(product.id),
    sku: product.sku,
    category: product.category,
    name: product.name,
    brand: product.brand,
    price: localPrice(product.priceUsd, country),
    currency: country.currency,
    url: `${SHOP_SITE.origin}/p/${product.slug}-${product.id}`,
  };
}

/**
 * productProperties as JSON, cached per product and country: product views
 * are a quarter of all events, and their properties never change.
 */
export class ProductJsonCache {
  // Keyed by object identity: no key string to build and hash per event.
  private readonly byCountry = new Map<Country, Map<Product, string>>();

  get(product: Product, country: Country): string {
    let cache = this.byCountry.get(country);
    if (cache === undefined) {
      cache = new Map();
      this.byCountry.set(country, cache);
    }
    let json = cache.get(product);
    if (json === undefined) {
      json = JSON.stringify(productProperties(product, country));
      cache.set(product, json);
    }
    return json;
  }

  /** The product's JSON with extra fields appended (e.g. position, quantity), still one string concatenation. */
  with(product: Product, country: Country, extra: string): string {
    return `${this.get(product, country).slice(0, -1)},${extra}}`;
  }
}
