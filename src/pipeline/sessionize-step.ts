import type { DeadLetter } from '../core/result.js';
import type { Sessionizer } from '../sessions/sessionizer.js';
import { toSessionEvent } from '../sessions/session-event.js';
import type { RawRecord } from './compiled-pipeline.js';
import type { DecodedEvent, DecodedRecord } from './decode-records.js';

/** The ids a sessionize step checks and records (a Set will do). */
export interface SeenIds {
  has(eventId: string): boolean;
  add(eventId: string): unknown;
}

export interface SessionizeResult {
  /** Valid, new events placed in open sessions. */
  accepted: DecodedEvent[];
  /** Valid events that may belong to already closed sessions: the store decides (duplicate or repair). */
  late: DecodedEvent[];
  deadLetters: DeadLetter[];
  duplicates: number;
}

/**
 * The sequential half of the core on one batch: deduplicate and sessionize
 * the decoded records, in input order. Pure: no I/O, no clock.
 */
export function sessionizeDecoded(
  sessionizer: Sessionizer,
  records: readonly RawRecord[],
  decoded: readonly DecodedRecord[],
  receivedAtMs: number,
  /** Event ids seen earlier (in the same batch, or the caller's window): a second copy is a duplicate. */
  batchIds: SeenIds = new Set<string>(),
): SessionizeResult {
  const result: SessionizeResult = { accepted: [], late: [], deadLetters: [], duplicates: 0 };
  for (let i = 0; i < decoded.length; i++) {
    const item = decoded[i]!;
    if (item.kind === 'dead') {
      const record = records[i]!;
      result.deadLetters.push({
        raw: record.raw,
        bytes: record.bytes,
        origin: record.origin,
        step: item.step,
        reason: item.reason,
        issues: item.issues,
        receivedAtMs: record.receivedAtMs ?? receivedAtMs,
      });
      continue;
    }
    if (batchIds.has(item.eventId)) {
      result.duplicates++;
      continue;
    }
    batchIds.add(item.eventId);
    const outcome = sessionizer.add(item.key, item.groupKey, toSessionEvent(item));
    if (outcome === 'accepted') result.accepted.push(item);
    else if (outcome === 'late') result.late.push(item);
    else result.duplicates++;
  }
  return result;
}
