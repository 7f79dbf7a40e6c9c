import type { Prng } from './prng.js';

/** A visitor country: traffic weight, time zone (for the daily curve), locales, money. */
export interface Country {
  /** ISO-3166 alpha-2. */
  code: string;
  /** Relative share of traffic. */
  weight: number;
  /** A representative UTC offset; DST is ignored, one hour does not change the curve's shape. */
  utcOffsetMinutes: number;
  locales: readonly string[];
  currency: string;
  /** Converts catalog prices (USD) to the local currency, rounded to a price point later. */
  priceFactor: number;
  /** First octets of consumer ISP address blocks, so addresses look plausible. */
  ipFirstOctets: readonly number[];
}

/** Weighted towards a US/EU-heavy store with a long tail. */
export const COUNTRIES: readonly Country[] = [
  { code: 'US', weight: 34, utcOffsetMinutes: -300, locales: ['en-US', 'en-US', 'en-US', 'es-US'], currency: 'USD', priceFactor: 1, ipFirstOctets: [24, 50, 67, 68, 73, 98, 108, 174] },
  { code: 'GB', weight: 10, utcOffsetMinutes: 0, locales: ['en-GB'], currency: 'GBP', priceFactor: 0.8, ipFirstOctets: [2, 31, 81, 86, 90, 151] },
  { code: 'DE', weight: 9, utcOffsetMinutes: 60, locales: ['de-DE', 'de-DE', 'en-GB'], currency: 'EUR', priceFactor: 0.95, ipFirstOctets: [79, 84, 87, 91, 93, 217] },
  { code: 'FR', weight: 7, utcOffsetMinutes: 60, locales: ['fr-FR'], currency: 'EUR', priceFactor: 0.95, ipFirstOctets: [78, 82, 86, 90, 92] },
  { code: 'BR', weight: 6, utcOffsetMinutes: -180, locales: ['pt-BR'], currency: 'BRL', priceFactor: 5.2, ipFirstOctets: [177, 179, 187, 189, 200, 201] },
  { code: 'IN', weight: 6, utcOffsetMinutes: 330, locales: ['en-IN', 'hi-IN'], currency: 'INR', priceFactor: 83, ipFirstOctets: [49, 103, 106, 117, 122, 182] },
  { code: 'CA', weight: 5, utcOffsetMinutes: -300, locales: ['en-CA', 'en-CA', 'fr-CA'], currency: 'CAD', priceFactor: 1.35, ipFirstOctets: [24, 70, 99, 142, 174] },
  { code: 'AU', weight: 4, utcOffsetMinutes: 600, locales: ['en-AU'], currency: 'AUD', priceFactor: 1.5, ipFirstOctets: [1, 49, 58, 101, 120, 203] },
  { code: 'NL', weight: 4, utcOffsetMinutes: 60, locales: ['nl-NL', 'en-GB'], currency: 'EUR', priceFactor: 0.95, ipFirstOctets: [77, 83, 84, 145, 212] },
  { code: 'ES', weight: 4, utcOffsetMinutes: 60, locales: ['es-ES', 'ca-ES'], currency: 'EUR', priceFactor: 0.95, ipFirstOctets: [79, 83, 88, 90, 213] },
  { code: 'IT', weight: 3, utcOffsetMinutes: 60, locales: ['it-IT'], currency: 'EUR', priceFactor: 0.95, ipFirstOctets: [2, 79, 87, 93, 151] },
  { code: 'MX', weight: 3, utcOffsetMinutes: -360, locales: ['es-MX'], currency: 'MXN', priceFactor: 17, ipFirstOctets: [187, 189, 200, 201] },
  { code: 'PL', weight: 2, utcOffsetMinutes: 60, locales: ['pl-PL'], currency: 'PLN', priceFactor: 4, ipFirstOctets: [31, 46, 83, 89, 178] },
  { code: 'SE', weight: 2, utcOffsetMinutes: 60, locales: ['sv-SE', 'en-GB'], currency: 'SEK', priceFactor: 10.5, ipFirstOctets: [78, 83, 90, 94, 213] },
  { code: 'JP', weight: 1.5, utcOffsetMinutes: 540, locales: ['ja-JP'], currency: 'JPY', priceFactor: 150, ipFirstOctets: [60, 106, 114, 126, 153] },
];

/** A plausible public IPv4 address for the country (never a private or reserved block). */
export function randomIp(country: Country, rng: Prng): string {
  return `${rng.pick(country.ipFirstOctets)}.${rng.int(1, 254)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** Rounds a local price to a shop-like price point (x.99 for small units, whole numbers for big ones). */
export function localPrice(usd: number, country: Country): number {
  const raw = usd * country.priceFactor;
  if (country.priceFactor >= 10) return Math.max(1, Math.round(raw / 10) * 10 - 1);
  return Math.max(0.99, Math.floor(raw) + 0.99);
}
