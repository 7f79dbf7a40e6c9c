import { segmentTimesMs } from '../../events/time.js';

/**
 * A generated NDJSON line as a client with a right clock would send it to the
 * collector: a Segment message keeps only `timestamp`, set to its event time
 * (originalTimestamp, sentAt and receivedAt dropped). The collector stamps
 * receivedAt itself; with the generator's sentAt still there it would correct
 * the "device clock" against the wall clock and move every event. A CRM
 * envelope loses its receivedAt for the same reason (its time is occurredAt).
 * Lines that are not JSON objects are left as they are.
 */
export function withEventTimeOnly(line: string): string {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return line;
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return line;
  const { originalTimestamp, sentAt, receivedAt, ...rest } = message as Record<string, unknown>;
  if (rest['source'] === 'crm') return JSON.stringify(rest);
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const { eventMs } = segmentTimesMs({ timestamp: text(rest['timestamp']), originalTimestamp: text(originalTimestamp), sentAt: text(sentAt), receivedAt: text(receivedAt) });
  // No usable time: the line stays as it was, a dead letter either way.
  if (eventMs === undefined) return line;
  return JSON.stringify({ ...rest, timestamp: new Date(eventMs).toISOString() });
}
