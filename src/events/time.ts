const HAS_ZONE = /(?:Z|[+-]\d\d:?\d\d)$/i;

/**
 * Parses an ISO-8601 time to ms since the epoch. A time without a zone
 * designator is read as UTC: reading it in the machine's zone would make the
 * same input give different results on different machines.
 */
export function parseIsoMs(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
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
 */
export function correctedEventTimeMs(times: SegmentTimes): number | undefined {
  const original = parseIsoMs(times.originalTimestamp);
  const sent = parseIsoMs(times.sentAt);
  const received = parseIsoMs(times.receivedAt);
  if (original !== undefined && sent !== undefined && received !== undefined) {
    return received - (sent - original);
  }
  return parseIsoMs(times.timestamp) ?? original;
}
