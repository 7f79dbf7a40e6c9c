import type { IdentityOrder } from './identity.js';
import type { InputLimits } from './limits.js';
import type { Issue } from '../core/result.js';
import { describeTimeMs, isTimeInRange } from './civil-time.js';

/** What normalization needs besides the record: limits, identity order, salt, arrival time. */
export interface DecodeContext {
  limits: InputLimits;
  /** The sessions' key order; stitching settings are not read while decoding. */
  identity: Pick<IdentityOrder, 'site' | 'crm'>;
  /** Salt for email hashes; without one, emails are not kept at all. */
  emailSalt: string | undefined;
  /**
   * When the record reached the pipeline: the Kafka message timestamp, never
   * later than the consumer's clock (decodeRecords bounds it), or the clock for
   * files and stdin. Event times are bounded by it (statedTimesIssue).
   */
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

/**
 * The time checks of a record that states when an earlier system received it
 * (Segment's or a CRM envelope's `receivedAt`). The stated time is kept as the
 * event's receivedAt but trusted no further than the pipeline's own receipt
 * (ctx.receivedAtMs): the event time may lie at most maxFutureSkewMs ahead of
 * the earlier of the two, and a stated receipt more than maxFutureSkewMs after
 * the pipeline's is itself a reason. Before, an event dated 9999 with an
 * equally far receivedAt passed, moved the stream's watermark to 9999 and
 * closed every open session. The event time is checked first, so a time out
 * of range is reported as such.
 */
export function statedTimesIssue(options: {
  timestampMs: number | undefined;
  /** Where the event time came from, as the issue path. */
  timestampPath: string;
  statedReceivedAtMs: number | undefined;
  ctx: DecodeContext;
}): Issue | undefined {
  const { timestampMs, timestampPath, statedReceivedAtMs, ctx } = options;
  const receiptMs = ctx.receivedAtMs;
  const boundMs = statedReceivedAtMs === undefined ? receiptMs : Math.min(statedReceivedAtMs, receiptMs);
  const timeIssue = eventTimeIssue(timestampMs, boundMs, ctx.limits, timestampPath);
  if (timeIssue) return timeIssue;
  if (statedReceivedAtMs !== undefined && statedReceivedAtMs - receiptMs > ctx.limits.maxFutureSkewMs) {
    return {
      path: 'receivedAt',
      message: `receivedAt ${describeTimeMs(statedReceivedAtMs)} is more than ${ctx.limits.maxFutureSkewMs} ms ahead of the pipeline's receipt at ${describeTimeMs(receiptMs)}`,
    };
  }
  return undefined;
}
