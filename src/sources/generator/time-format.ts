/**
 * Fast UTC time formatting. Date#toISOString allocates a Date per call; the
 * generator formats several times per event, so the date part is cached per
 * day and the clock part is assembled from lookup tables.
 */
export const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

// Bounded: a run spans a few days, late events reach back a few hours.
const datePrefixes = new Map<number, string>();

function datePart(dayNumber: number): string {
  let prefix = datePrefixes.get(dayNumber);
  if (prefix === undefined) {
    if (datePrefixes.size > 4096) datePrefixes.clear();
    prefix = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
    datePrefixes.set(dayNumber, prefix);
  }
  return prefix;
}

function clockPart(msOfDay: number, separator: string): string {
  const h = Math.floor(msOfDay / HOUR_MS);
  const m = Math.floor((msOfDay % HOUR_MS) / MINUTE_MS);
  const s = Math.floor((msOfDay % MINUTE_MS) / SECOND_MS);
  return `${separator}${PAD2[h]}:${PAD2[m]}:${PAD2[s]}`;
}

/** `2026-11-02T10:00:00.000Z` for ms since the epoch (integer ms, years 1970–9999). */
export function formatIsoMs(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  const msOfDay = ms - day * DAY_MS;
  return `${datePart(day)}${clockPart(msOfDay, 'T')}.${PAD3[msOfDay % SECOND_MS]}Z`;
}

/** The REES46 dump layout: `2019-10-01 00:00:00 UTC` (whole seconds). */
export function formatRees46Time(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  return `${datePart(day)}${clockPart(ms - day * DAY_MS, ' ')} UTC`;
}
