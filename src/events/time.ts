const HAS_ZONE = /(?:Z|[+-]\d\d:?\d\d)$/i;

/** The two-digit number at `at`, or NaN when either character is not a digit. */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - 48;
  const ones = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : NaN;
}

const DAY_MS = 86_400_000;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12), after Howard Hinnant's days_from_civil. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * The form nearly every producer sends, `2026-11-02T10:00:00.000Z`, read with
 * integer arithmetic: Date.parse is several times slower, and Date.UTC plus a
 * Date to reject day 31 of a 30-day month still took ~13% of the core (three
 * times per Segment message). Anything else, and any field out of range, falls
 * through to Date.parse, which decides.
 */
function parseCanonicalUtc(text: string): number | undefined {
  if (text.length !== 24 || text.charCodeAt(23) !== 90 /* Z */ || text.charCodeAt(10) !== 84 /* T */) return undefined;
  if (text[4] !== '-' || text[7] !== '-' || text[13] !== ':' || text[16] !== ':' || text[19] !== '.') return undefined;
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  const msDigit = text.charCodeAt(22) - 48;
  const ms = twoDigits(text, 20) * 10 + (msDigit >= 0 && msDigit <= 9 ? msDigit : NaN);
  // NaN (a non-digit) fails every comparison below.
  if (!(month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59 && ms >= 0 && year >= 0)) return undefined;
  if (day > DAYS_IN_MONTH[month - 1]! && !(month === 2 && day === 29 && isLeapYear(year))) return undefined;
  return daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

/**
 * Parses an ISO-8601 time to ms since the epoch. A time without a zone
 * designator is read as UTC: reading it in the machine's zone would make the
 * same input give different results on different machines.
 */
export function parseIsoMs(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const canonical = parseCanonicalUtc(text);
  if (canonical !== undefined) return canonical;
  const ms = Date.parse(HAS_ZONE.test(text) ? text : `${text}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

export interface SegmentTimes {
  timestamp?: string | undefined;
  originalTimestamp?: string | undefined;
  sentAt?: string | undefined;
  receivedAt?: string | undefined;
}

/**
 * Segment's clock-skew correction: when the device clock is wrong, both
 * originalTimestamp and sentAt carry the same error, so
 * receivedAt − (sentAt − originalTimestamp) is the true event time. Without all
 * three, `timestamp` (already corrected by Segment), then originalTimestamp.
 * Returns receivedAt too, parsed once.
 */
export function segmentTimesMs(times: SegmentTimes): { eventMs: number | undefined; receivedMs: number | undefined } {
  const original = parseIsoMs(times.originalTimestamp);
  const sent = parseIsoMs(times.sentAt);
  const received = parseIsoMs(times.receivedAt);
  if (original !== undefined && sent !== undefined && received !== undefined) {
    return { eventMs: received - (sent - original), receivedMs: received };
  }
  return { eventMs: parseIsoMs(times.timestamp) ?? original, receivedMs: received };
}
