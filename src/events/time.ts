import { civilToUtcMs, DAY_MS, daysFromCivil, isRealDate, isTimeInRange } from './civil-time.js';

/** The two-digit number at `at`, or NaN when either character is not a digit. */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - 48;
  const ones = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : NaN;
}

/**
 * The form nearly every producer sends, `2026-11-02T10:00:00.000Z`, read with
 * integer arithmetic: Date.parse is several times slower, and Date.UTC plus a
 * Date to reject day 31 of a 30-day month still took ~13% of the core (three
 * times per Segment message). Anything else, and any field out of range, goes
 * to the general reader below, which decides.
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
  if (!(hour <= 23 && minute <= 59 && second <= 59 && ms >= 0 && year >= 0 && isRealDate(year, month, day))) return undefined;
  return daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

/**
 * Everything parseIsoMs accepts (docs/events.md, "Times"): a date, optionally
 * a time (T, t or a space between) with optional seconds and fraction, and,
 * with a time, an optional zone. Nothing is guessed: Date.parse, which this
 * replaced, read `01-02-2018` as 2 January and `2026-02-30` as 2 March.
 */
const ISO_TIME =
  /^(\d{4})-(\d\d)-(\d\d)(?:[Tt ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d\d):?(\d\d))?)?$/;

function parseGeneralIso(text: string): number | undefined {
  const m = ISO_TIME.exec(text);
  if (!m) return undefined;
  // Digits past milliseconds are dropped, as Date.parse did.
  const fraction = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  const local = civilToUtcMs({
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    ms: fraction,
  });
  if (local === undefined) return undefined;
  if (m[9] === undefined) return local;
  const offsetHours = Number(m[10]);
  const offsetMinutes = Number(m[11]);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const ms = local - (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return isTimeInRange(ms) ? ms : undefined;
}

/**
 * Parses a strict ISO-8601 / RFC 3339 time to ms since the epoch; undefined
 * for anything else, for dates that do not exist (30 February, hour 24, a leap
 * second) and for years outside 0000–9999. A time without a zone designator is
 * read as UTC: reading it in the machine's zone would make the same input give
 * different results on different machines.
 */
export function parseIsoMs(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  return parseCanonicalUtc(text) ?? parseGeneralIso(text);
}

export interface SegmentTimes {
  timestamp?: string | undefined;
  originalTimestamp?: string | undefined;
  sentAt?: string | undefined;
  receivedAt?: string | undefined;
}

/** Where the event time came from, as the issue path of a dead letter. */
export const SKEW_CORRECTED = 'receivedAt − (sentAt − originalTimestamp)';

/**
 * Segment's clock-skew correction: when the device clock is wrong, both
 * originalTimestamp and sentAt carry the same error, so
 * receivedAt − (sentAt − originalTimestamp) is the true event time. Without all
 * three, `timestamp` (already corrected by Segment), then originalTimestamp.
 * Returns receivedAt too, parsed once, and which field(s) the event time came
 * from. The corrected time can lie outside years 0000–9999 although each part
 * is inside: eventTimeIssue rejects it with that reason.
 */
export function segmentTimesMs(times: SegmentTimes): { eventMs: number | undefined; receivedMs: number | undefined; eventFrom: string } {
  const original = parseIsoMs(times.originalTimestamp);
  const sent = parseIsoMs(times.sentAt);
  const received = parseIsoMs(times.receivedAt);
  if (original !== undefined && sent !== undefined && received !== undefined) {
    return { eventMs: received - (sent - original), receivedMs: received, eventFrom: SKEW_CORRECTED };
  }
  const timestamp = parseIsoMs(times.timestamp);
  if (timestamp !== undefined) return { eventMs: timestamp, receivedMs: received, eventFrom: 'timestamp' };
  return { eventMs: original, receivedMs: received, eventFrom: original === undefined ? 'timestamp' : 'originalTimestamp' };
}
