import type { Issue } from '../core/result.js';
import type { DecodeContext } from '../events/decode-context.js';
import type { ClassifiedEvent } from '../journey/classify.js';
import { groupKeyOf, type EventMeta } from '../sessions/session-event.js';
import type { CompiledPipeline, RawRecord } from './compiled-pipeline.js';

/**
 * What the sequential part of the pipeline needs of a valid event: identity,
 * time, stage and the facts a session record is built from, next to the full
 * classified event (encoded into an `events` row only if it is written).
 */
export interface DecodedEvent {
  kind: 'event';
  eventId: string;
  key: string;
  groupKey: string;
  timestampMs: number;
  stageIndex: number;
  /** The stage whose `exclude` rules the event matches (0: none). */
  exclusionIndex: number;
  touchpoint: string;
  meta: EventMeta;
  classified: ClassifiedEvent;
}

export interface DecodeFailure {
  kind: 'dead';
  step: string;
  reason: string;
  issues: Issue[];
}

export type DecodedRecord = DecodedEvent | DecodeFailure;

/**
 * The per-record half of the core, independent of every other record:
 * decode + validate (zod) and classify. Pure.
 */
export function decodeRecords(pipeline: CompiledPipeline, records: readonly RawRecord[], ctx: DecodeContext): DecodedRecord[] {
  const defaultReceivedAt = ctx.receivedAtMs;
  const decoded: DecodedRecord[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    // A source's receipt time (a Kafka timestamp, which producers may set)
    // is trusted no further than this process's clock.
    ctx.receivedAtMs = record.receivedAtMs === undefined ? defaultReceivedAt : Math.min(record.receivedAtMs, defaultReceivedAt);
    const result = pipeline.decode(record, ctx);
    if (result.kind === 'dead') {
      decoded[i] = { kind: 'dead', step: result.step, reason: result.reason, issues: result.issues };
      continue;
    }
    const c = pipeline.classify(result.value);
    const e = c.event;
    decoded[i] = {
      kind: 'event',
      eventId: e.eventId,
      key: e.key,
      groupKey: groupKeyOf(e.key, e.sourceSessionId, pipeline.useSourceSessionId),
      timestampMs: e.timestampMs,
      stageIndex: c.stageIndex,
      exclusionIndex: c.exclusionIndex,
      touchpoint: c.touchpoint,
      meta: {
        channel: c.channel,
        campaign: e.campaign.name,
        device: c.device,
        browser: c.browser,
        os: c.os,
        country: e.country,
        segment: c.segment,
        sourceSessionId: e.sourceSessionId,
      },
      classified: c,
    };
  }
  ctx.receivedAtMs = defaultReceivedAt;
  return decoded;
}
