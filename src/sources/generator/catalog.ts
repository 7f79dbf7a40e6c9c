import type { Prng } from './prng.js';
import { WeightedChoice } from './weighted-choice.js';

/** One catalog item, with the fields both the Segment and the REES46 layouts need. */
export interface Product {
  /** Numeric id (REES46 product_id; Segment product_id as its string). */
  id: number;
  sku: string;
  name: string;
  /** Display category (Segment `category`). */
  category: string;
  /** URL slug of the category. */
  categorySlug: string;
  /** REES46 category_code, e.g. electronics.smartphone ('' for some, as in the dump). */
  categoryCode: string;
  /** REES46 category_id: a 19-digit id, kept as text (it exceeds 2^53). */
  categoryId: string;
  /** Lower-case brand ('' for some, as in the dump). */
  brand: string;
  priceUsd: number;
  slug: string;
}

interface CategorySpec {
  name: string;
  code: string;
  brands: readonly string[];
  nouns: readonly string[];
  minUsd: number;
  maxUsd: number;
  weight: number;
}

const CATEGORIES: readonly CategorySpec[] = [
  { name: 'Smartphones', code: 'electronics.smartphone', brands: ['samsung', 'apple', 'xiaomi', 'huawei', 'oppo'], nouns: ['Smartphone 128GB', 'Smartphone 256GB', 'Phone Lite'], minUsd: 120, maxUsd: 1300, weight: 14 },
  { name: 'Headphones', code: 'electronics.audio.headphone', brands: ['sony', 'apple', 'jbl', 'sennheiser'], nouns: ['Wireless Earbuds', 'Over-Ear Headphones', 'Sport Earphones'], minUsd: 25, maxUsd: 380, weight: 10 },
  { name: 'Laptops', code: 'computers.notebook', brands: ['lenovo', 'hp', 'asus', 'acer', 'apple'], nouns: ['14" Laptop', '15.6" Laptop', 'Ultrabook'], minUsd: 380, maxUsd: 2400, weight: 6 },
  { name: 'Running Shoes', code: 'apparel.shoes', brands: ['nike', 'adidas', 'asics', 'brooks', 'puma'], nouns: ['Road Running Shoe', 'Trail Running Shoe', 'Racing Flat'], minUsd: 60, maxUsd: 220, weight: 12 },
  { name: 'Jackets', code: 'apparel.jacket', brands: ['patagonia', 'columbia', 'north', 'uniqlo'], nouns: ['Rain Jacket', 'Down Jacket', 'Fleece Jacket'], minUsd: 45, maxUsd: 420, weight: 8 },
  { name: 'T-Shirts', code: 'apparel.tshirt', brands: ['uniqlo', 'nike', 'levis', ''], nouns: ['Cotton T-Shirt', 'Performance Tee', 'Graphic Tee'], minUsd: 12, maxUsd: 45, weight: 10 },
  { name: 'Coffee Machines', code: 'appliances.kitchen.coffee_machine', brands: ['delonghi', 'philips', 'krups', 'nespresso'], nouns: ['Espresso Machine', 'Bean-to-Cup Machine', 'Capsule Machine'], minUsd: 70, maxUsd: 900, weight: 5 },
  { name: 'Vacuum Cleaners', code: 'appliances.environment.vacuum', brands: ['dyson', 'samsung', 'philips', 'bosch'], nouns: ['Cordless Vacuum', 'Robot Vacuum', 'Bagless Vacuum'], minUsd: 90, maxUsd: 750, weight: 5 },
  { name: 'Skincare', code: '', brands: ['nivea', 'loreal', 'cerave', ''], nouns: ['Moisturising Cream', 'Vitamin C Serum', 'Cleansing Gel'], minUsd: 6, maxUsd: 60, weight: 9 },
  { name: 'Yoga & Fitness', code: 'sport.fitness', brands: ['manduka', 'reebok', 'domyos', ''], nouns: ['Yoga Mat', 'Dumbbell Set', 'Resistance Bands'], minUsd: 12, maxUsd: 160, weight: 6 },
  { name: 'Kids Toys', code: 'kids.toys', brands: ['lego', 'hasbro', 'mattel', 'playmobil'], nouns: ['Building Set', 'Board Game', 'Action Figure'], minUsd: 9, maxUsd: 140, weight: 7 },
  { name: 'Cookware', code: 'furniture.kitchen.table', brands: ['tefal', 'lecreuset', 'ikea', ''], nouns: ['Non-Stick Pan', 'Cast Iron Pot', 'Knife Set'], minUsd: 18, maxUsd: 320, weight: 8 },
];

const ADJECTIVES = ['Classic', 'Pro', 'Air', 'Max', 'Essential', 'Ultra', 'Eco', 'Plus', 'Lite', 'Prime'] as const;

function slugify(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function titleCase(word: string): string {
  return word.length === 0 ? word : word[0]!.toUpperCase() + word.slice(1);
}

/** A store catalog drawn from the seed, with long-tail (Zipf-like) popularity. */
export class Catalog {
  readonly products: readonly Product[];
  readonly categories: readonly string[];
  private readonly popular: WeightedChoice<Product>;
  private readonly byCategory = new Map<string, WeightedChoice<Product>>();

  constructor(rng: Prng, options: { productCount: number }) {
    const categoryChoice = new WeightedChoice(CATEGORIES.map((c) => [c, c.weight] as const));
    const categoryIds = new Map(CATEGORIES.map((c) => [c.name, `20530135${String(rng.int(10_000_000, 99_999_999))}${String(rng.int(100, 999))}`]));
    const products: Product[] = [];
    for (let i = 0; i < options.productCount; i++) {
      const spec = categoryChoice.pick(rng);
      const brand = rng.pick(spec.brands);
      const name = `${brand ? titleCase(brand) + ' ' : ''}${rng.pick(ADJECTIVES)} ${rng.pick(spec.nouns)}`;
      const id = 1_000_000 + rng.int(0, 8_999) * 1000 + i;
      products.push({
        id,
        sku: `SKU-${String(id).slice(-6)}-${rng.int(10, 99)}`,
        name,
        category: spec.name,
        categorySlug: slugify(spec.name),
        categoryCode: spec.code,
        categoryId: categoryIds.get(spec.name) ?? '2053013555631882655',
        brand,
        priceUsd: Math.round(rng.logUniform(spec.minUsd, spec.maxUsd) * 100) / 100,
        slug: slugify(name),
      });
    }
    this.products = products;
    this.categories = [...new Set(products.map((p) => p.category))];
    // Popularity rank is the catalog order: a few items take most of the views.
    this.popular = new WeightedChoice(products.map((p, rank) => [p, 1 / (rank + 3) ** 0.9] as const));
    for (const category of this.categories) {
      const members = products.flatMap((p, rank) => (p.category === category ? [[p, 1 / (rank + 3) ** 0.9] as const] : []));
      this.byCategory.set(category, new WeightedChoice(members));
    }
  }

  /** A product by popularity, from `category` when given. */
  pick(rng: Prng, category?: string): Product {
    const pool = category === undefined ? undefined : this.byCategory.get(category);
    return (pool ?? this.popular).pick(rng);
  }

  /** Up to `count` different products (a listing grid), by popularity. */
  pickDistinct(rng: Prng, count: number, category?: string): Product[] {
    const picked: Product[] = [];
    for (let attempt = 0; attempt < count * 4 && picked.length < count; attempt++) {
      const product = this.pick(rng, category);
      if (!picked.includes(product)) picked.push(product);
    }
    return picked;
  }
}
