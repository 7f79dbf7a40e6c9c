/**
 * Calendar arithmetic shared by every time reader (ISO, CSV patterns, time
 * zones): integer days-from-civil instead of Date.UTC, which maps years 0–99
 * to 1900–1999 and silently rolls 30 February over to 2 March.
 */

export const DAY_MS = 86_400_000;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether year-month-day (month 1–12) is a real proleptic Gregorian date; NaN fields are not. */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (!(month >= 1 && month <= 12 && day >= 1)) return false;
  return day <= DAYS_IN_MONTH[month - 1]! || (month === 2 && day === 29 && isLeapYear(year));
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12), after Howard Hinnant's days_from_civil. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * The times every reader accepts: years 0000–9999, the four-digit years of
 * ISO 8601. Well inside JavaScript's Date range (±275,760 years), so a time
 * that passed this check can always be formatted with toISOString.
 */
export const MIN_TIME_MS = daysFromCivil(0, 1, 1) * DAY_MS;
export const MAX_TIME_MS = daysFromCivil(10_000, 1, 1) * DAY_MS - 1;

/** Whether `ms` is a finite time within years 0000–9999. */
export function isTimeInRange(ms: number): boolean {
  return ms >= MIN_TIME_MS && ms <= MAX_TIME_MS;
}

/** A time for a message: ISO when it can be formatted, else the bare number (never a RangeError). */
export function describeTimeMs(ms: number): string {
  return isTimeInRange(ms) ? new Date(ms).toISOString() : `${ms} ms since the epoch (outside years 0000–9999)`;
}

/** Wall-clock fields of a time, month 1–12. */
export interface CivilTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

/**
 * The fields read as UTC, or undefined unless they form a real date and time
 * of day (hour 0–23, no leap second). Every comparison fails for NaN, so a
 * non-digit anywhere gives undefined.
 */
export function civilToUtcMs(t: CivilTime): number | undefined {
  if (!(t.year >= 0 && t.year <= 9999 && isRealDate(t.year, t.month, t.day))) return undefined;
  if (!(t.hour >= 0 && t.hour <= 23 && t.minute >= 0 && t.minute <= 59 && t.second >= 0 && t.second <= 59 && t.ms >= 0 && t.ms <= 999)) {
    return undefined;
  }
  return daysFromCivil(t.year, t.month, t.day) * DAY_MS + ((t.hour * 60 + t.minute) * 60 + t.second) * 1000 + t.ms;
}
