import type { IdentityOrder } from './identity.js';
import type { InputLimits } from './limits.js';
import type { Issue } from '../core/result.js';

/** What normalization needs besides the record: limits, identity order, salt, arrival time. */
export interface DecodeContext {
  limits: InputLimits;
  identity: IdentityOrder;
  /** Salt for email hashes; without one, emails are not kept at all. */
  emailSalt: string | undefined;
  /** When the record reached us (Kafka timestamp, or the clock for files). */
  receivedAtMs: number;
}

/** The checks every event time must pass, whatever the source format. */
export function eventTimeIssue(
  timestampMs: number | undefined,
  receivedAtMs: number,
  limits: InputLimits,
  path: string,
): Issue | undefined {
  if (timestampMs === undefined) return { path, message: 'no usable event time' };
  if (timestampMs < limits.minTimestampMs) {
    return { path, message: `event time ${new Date(timestampMs).toISOString()} is before ${new Date(limits.minTimestampMs).toISOString()}` };
  }
  if (timestampMs - receivedAtMs > limits.maxFutureSkewMs) {
    return {
      path,
      message: `event time ${new Date(timestampMs).toISOString()} is more than ${limits.maxFutureSkewMs} ms ahead of its receipt at ${new Date(receivedAtMs).toISOString()}`,
    };
  }
  return undefined;
}
