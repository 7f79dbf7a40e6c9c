import type { Issue } from '../core/result.js';
import type { DecodeContext } from '../events/decode-context.js';
import { eventRowLine } from '../stores/rows.js';
import { groupKeyOf, type EventMeta } from '../sessions/session-event.js';
import type { CompiledPipeline, RawRecord } from './compiled-pipeline.js';

/**
 * What the sequential part of the pipeline needs of a valid event: identity,
 * time, stage, the facts a session record is built from, and the event's
 * encoded `events` row. Plain data, so it crosses a worker boundary cheaply.
 */
export interface DecodedEvent {
  kind: 'event';
  eventId: string;
  key: string;
  groupKey: string;
  timestampMs: number;
  stageIndex: number;
  touchpoint: string;
  meta: EventMeta;
  row: string;
}

export interface DecodeFailure {
  kind: 'dead';
  step: string;
  reason: string;
  issues: Issue[];
}

export type DecodedRecord = DecodedEvent | DecodeFailure;

/**
 * The parallel half of the core, record by record and independent of every
 * other record: decode + validate (zod), classify, encode the events row.
 * Pure: runs the same in the main thread or in a decode worker.
 */
export function decodeRecords(pipeline: CompiledPipeline, records: readonly RawRecord[], ctx: DecodeContext): DecodedRecord[] {
  const defaultReceivedAt = ctx.receivedAtMs;
  const decoded: DecodedRecord[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    ctx.receivedAtMs = record.receivedAtMs ?? defaultReceivedAt;
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
      row: eventRowLine(pipeline.name, pipeline.stageNames, c),
    };
  }
  ctx.receivedAtMs = defaultReceivedAt;
  return decoded;
}
