import type { CompiledPipeline, RawRecord } from '../pipeline/compiled-pipeline.js';
import { DEFAULT_LIMITS } from '../events/limits.js';
import { partitionKeyOf } from '../sources/kafka/partition-key.js';
import type { EventSink, OutgoingRecord } from './event-sink.js';
import type { CollectorMetrics } from './collector-metrics.js';

/** An event of a request that the pipeline will dead-letter, as the 400 answer names it. */
export interface RejectedEvent {
  /** Its place in the request (0 for a single call). */
  index: number;
  step: string;
  reason: string;
}

/**
 * Decodes a request's records as the pipeline will (for their partition
 * keys, and to tell the client which are invalid), then hands all of them
 * to the sink — the invalid ones too, which the consumer or the store's
 * processor dead-letters with their bytes, reason and origin: nothing the
 * collector read is lost. Resolves once the sink made them durable.
 */
export async function passOn(
  records: readonly RawRecord[],
  where: { pipeline: CompiledPipeline; sink: EventSink; metrics: CollectorMetrics; emailSalt: string | undefined },
): Promise<{ accepted: number; rejected: RejectedEvent[] }> {
  const { pipeline } = where;
  const rejected: RejectedEvent[] = [];
  const outgoing: OutgoingRecord[] = records.map((record, i) => {
    const ctx = { limits: DEFAULT_LIMITS, identity: pipeline.definition.identity, emailSalt: where.emailSalt, receivedAtMs: record.receivedAtMs ?? Date.now() };
    const decoded = pipeline.decode(record, ctx);
    if (decoded.kind === 'ok') return { record, key: partitionKeyOf(decoded.value, pipeline.definition.identity) };
    rejected.push({ index: record.origin.index ?? i, step: decoded.step, reason: decoded.reason });
    return { record, key: null };
  });
  await where.sink.accept(outgoing);
  where.metrics.events.inc({ outcome: 'accepted' }, records.length - rejected.length);
  where.metrics.events.inc({ outcome: 'invalid' }, rejected.length);
  for (const r of rejected) where.metrics.deadLetters.inc({ step: r.step });
  return { accepted: records.length - rejected.length, rejected };
}
