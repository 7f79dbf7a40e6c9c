const HAS_ZONE = /(?:Z|[+-]\d\d:?\d\d)$/i;

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  return value;
}

/**
 * The form nearly every producer sends, `2026-11-02T10:00:00.000Z`, read
 * without Date.parse (which is several times slower and ran three times per
 * Segment message). Anything else falls through to Date.parse.
 */
function parseCanonicalUtc(text: string): number | undefined {
  if (text.length !== 24 || text.charCodeAt(23) !== 90 /* Z */ || text.charCodeAt(10) !== 84 /* T */) return undefined;
  if (text[4] !== '-' || text[7] !== '-' || text[13] !== ':' || text[16] !== ':' || text[19] !== '.') return undefined;
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const ms = Date.UTC(digits(text, 0, 4), month - 1, day, hour, minute, second, digits(text, 20, 3));
  // Date.UTC rolls over out-of-range fields (month 13, day 32); Date.parse rejects them, and so must we.
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59)) return undefined;
  return Number.isFinite(ms) && new Date(ms).getUTCDate() === day ? ms : undefined;
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
