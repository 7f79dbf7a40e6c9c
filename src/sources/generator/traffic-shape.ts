import type { Prng } from './prng.js';
import type { Country } from './geo.js';
import { HOUR_MS } from './time-format.js';

/** A week's traffic shape in the visitor's local time. */
export interface TrafficProfile {
  /** 24 relative weights, local hour 0–23. */
  hourWeights: readonly number[];
  /** 7 relative weights, Monday first. */
  dayWeights: readonly number[];
}

/** Shoppers: a night trough, a lunch bump and an evening peak; quieter weekends. */
export const SHOPPING_TRAFFIC: TrafficProfile = {
  hourWeights: [
    0.55, 0.35, 0.22, 0.16, 0.14, 0.18, 0.35, 0.6, 0.8, 0.95, 1.0, 1.05, 1.15, 1.1, 1.0, 1.0, 1.05, 1.15, 1.35, 1.6, 1.8,
    1.75, 1.4, 0.95,
  ],
  dayWeights: [1.06, 1.08, 1.06, 1.04, 0.98, 0.8, 0.88],
};

/** Business software buyers: office hours, and little at weekends. */
export const BUSINESS_TRAFFIC: TrafficProfile = {
  hourWeights: [
    0.12, 0.08, 0.06, 0.05, 0.05, 0.08, 0.2, 0.55, 1.2, 1.7, 1.85, 1.8, 1.45, 1.6, 1.75, 1.65, 1.4, 1.0, 0.6, 0.45, 0.4, 0.35,
    0.25, 0.18,
  ],
  dayWeights: [1.2, 1.25, 1.22, 1.15, 0.95, 0.3, 0.28],
};

const HOURS_PER_WEEK = 168;
// 1970-01-01 was a Thursday: epoch hour 0 is hour 72 of a Monday-based week.
const EPOCH_HOUR_OF_WEEK = 72;

/** Hour of the week (0 = Monday 00:00) in UTC for a time in ms since the epoch. */
export function utcHourOfWeek(ms: number): number {
  return (((Math.floor(ms / HOUR_MS) + EPOCH_HOUR_OF_WEEK) % HOURS_PER_WEEK) + HOURS_PER_WEEK) % HOURS_PER_WEEK;
}

/**
 * Visitor arrivals as a non-homogeneous Poisson process whose rate follows
 * the traffic profile in each country's local time, sampled lazily by
 * thinning: O(1) memory whatever the run length.
 */
export class ArrivalProcess {
  /** Arrivals per ms for each UTC hour of the week. */
  private readonly ratePerMs: Float64Array;
  private readonly maxRatePerMs: number;
  /** Per UTC hour of the week, cumulative country weights (who is awake then). */
  private readonly countryCumulative: Float64Array[];
  private readonly countries: readonly Country[];

  constructor(options: { profile: TrafficProfile; countries: readonly Country[]; visitorsPerDay: number }) {
    const { profile, countries, visitorsPerDay } = options;
    this.countries = countries;
    const raw = new Float64Array(HOURS_PER_WEEK);
    this.countryCumulative = [];
    for (let h = 0; h < HOURS_PER_WEEK; h++) {
      const cumulative = new Float64Array(countries.length);
      let sum = 0;
      countries.forEach((country, i) => {
        const localHourOfWeek = (h * 60 + country.utcOffsetMinutes + HOURS_PER_WEEK * 60) / 60;
        const local = Math.floor(localHourOfWeek) % HOURS_PER_WEEK;
        const day = Math.floor(local / 24);
        sum += country.weight * (profile.dayWeights[day] ?? 1) * (profile.hourWeights[local % 24] ?? 1);
        cumulative[i] = sum;
      });
      raw[h] = sum;
      this.countryCumulative.push(cumulative);
    }
    // Normalise so that an average day of the week brings visitorsPerDay visitors.
    const meanPerHour = raw.reduce((a, b) => a + b, 0) / HOURS_PER_WEEK;
    const perMsScale = visitorsPerDay / 24 / meanPerHour / HOUR_MS;
    this.ratePerMs = raw.map((r) => r * perMsScale);
    this.maxRatePerMs = Math.max(...this.ratePerMs);
  }

  /** The next arrival strictly after `afterMs`, or Infinity when the rate is zero. */
  nextArrivalMs(afterMs: number, rng: Prng): number {
    if (!(this.maxRatePerMs > 0)) return Infinity;
    let t = afterMs;
    for (;;) {
      t += Math.max(1, Math.round(rng.exponential(1 / this.maxRatePerMs)));
      const rate = this.ratePerMs[utcHourOfWeek(t)] as number;
      if (rng.float() * this.maxRatePerMs < rate) return t;
    }
  }

  /** A country for a visitor arriving at `ms`, weighted by who is awake at that hour. */
  countryAt(ms: number, rng: Prng): Country {
    const cumulative = this.countryCumulative[utcHourOfWeek(ms)] as Float64Array;
    const target = rng.float() * (cumulative[cumulative.length - 1] as number);
    for (let i = 0; i < cumulative.length; i++) {
      if ((cumulative[i] as number) > target) return this.countries[i] as Country;
    }
    return this.countries[this.countries.length - 1] as Country;
  }
}
