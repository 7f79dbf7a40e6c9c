import type { IdentityOrder } from './identity.js';
import type { InputLimits } from './limits.js';
import type { Issue } from '../core/result.js';
import { describeTimeMs, isTimeInRange } from './civil-time.js';

/** What normalization needs besides the record: limits, identity order, salt, arrival time. */
export interface DecodeContext {
  limits: InputLimits;
  identity: IdentityOrder;
  /** Salt for email hashes; without one, emails are not kept at all. */
  emailSalt: string | undefined;
  /** When the record reached us (Kafka timestamp, or the clock for files). */
  receivedAtMs: number;
}

/**
 * The checks every event time must pass, whatever the source format. Range
 * first: a computed time (Segment's skew correction, an epoch column) can be
 * any number, and nothing after this may call toISOString on it unchecked.
 */
export function eventTimeIssue(
  timestampMs: number | undefined,
  receivedAtMs: number,
  limits: InputLimits,
  path: string,
): Issue | undefined {
  if (timestampMs === undefined) return { path, message: 'no usable event time' };
  if (!isTimeInRange(timestampMs)) return { path, message: `event time ${describeTimeMs(timestampMs)} is out of range` };
  if (!isTimeInRange(receivedAtMs)) return { path, message: `receipt time ${describeTimeMs(receivedAtMs)} is out of range` };
  if (timestampMs < limits.minTimestampMs) {
    return { path, message: `event time ${describeTimeMs(timestampMs)} is before ${describeTimeMs(limits.minTimestampMs)}` };
  }
  if (timestampMs - receivedAtMs > limits.maxFutureSkewMs) {
    return {
      path,
      message: `event time ${describeTimeMs(timestampMs)} is more than ${limits.maxFutureSkewMs} ms ahead of its receipt at ${describeTimeMs(receivedAtMs)}`,
    };
  }
  return undefined;
}
