import type { ClassifiedEvent } from '../journey/classify.js';
import type { DeadLetter } from '../core/result.js';
import type { Sessionizer } from '../sessions/sessionizer.js';
import { groupKeyOf, toSessionEvent } from '../sessions/session-event.js';
import type { DecodeContext } from '../events/decode-context.js';
import type { CompiledPipeline, RawRecord } from './compiled-pipeline.js';

export interface CoreStepResult {
  /** How many valid, new events were placed in open sessions (each was handed to `onAccepted`). */
  accepted: number;
  /** Valid events that may belong to already closed sessions: the store decides (duplicate or repair). */
  late: ClassifiedEvent[];
  deadLetters: DeadLetter[];
  duplicates: number;
}

/**
 * The pure core on one batch: decode + validate, classify, deduplicate and
 * sessionize. No I/O, no clock (the arrival time is in the context): the same
 * function serves the processor and the benchmark.
 */
export function runCoreStep(
  pipeline: CompiledPipeline,
  sessionizer: Sessionizer,
  records: readonly RawRecord[],
  ctx: DecodeContext,
  // Called at once for each accepted event, so the caller can encode its row
  // and let the event object die young (batches of retained events made GC
  // the costliest part of the core).
  onAccepted: (event: ClassifiedEvent) => void,
): CoreStepResult {
  const defaultReceivedAt = ctx.receivedAtMs;
  const batchIds = new Set<string>();
  const result: CoreStepResult = { accepted: 0, late: [], deadLetters: [], duplicates: 0 };
  for (const record of records) {
    ctx.receivedAtMs = record.receivedAtMs ?? defaultReceivedAt;
    const decoded = pipeline.decode(record, ctx);
    if (decoded.kind === 'dead') {
      result.deadLetters.push({ raw: record.raw, origin: record.origin, step: decoded.step, reason: decoded.reason, issues: decoded.issues, receivedAtMs: ctx.receivedAtMs });
      continue;
    }
    const classified = pipeline.classify(decoded.value);
    const event = classified.event;
    if (batchIds.has(event.eventId)) {
      result.duplicates++;
      continue;
    }
    batchIds.add(event.eventId);
    const groupKey = groupKeyOf(event.key, event.sourceSessionId, pipeline.useSourceSessionId);
    const outcome = sessionizer.add(event.key, groupKey, toSessionEvent(classified));
    if (outcome === 'accepted') {
      result.accepted++;
      onAccepted(classified);
    }
    else if (outcome === 'late') result.late.push(classified);
    else result.duplicates++;
  }
  ctx.receivedAtMs = defaultReceivedAt;
  return result;
}
