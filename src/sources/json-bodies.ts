import type { RawRecord } from '../pipeline/compiled-pipeline.js';
import { isPlainObject } from '../core/plain-object.js';

/**
 * Records whose text holds several events, read as those events
 * (docs/events.md, "Batches, arrays and pretty-printed JSON"):
 * - a JSON array is its elements, one record each;
 * - a Segment batch body, `{"batch": [...]}` without a `type`, is its
 *   messages; the body's `context` fills what a message's own context
 *   lacks, and its `sentAt` a message without one (as Segment's HTTP API
 *   reads a batch).
 * Applied to every source's records in one place (the processor), so a file
 * line, a Kafka message value and a collector request body of the same bytes
 * give the same events. An element keeps its place as the origin's index
 * (`file:line#2`, `topic/0@17#2`); its raw text is the element as compact
 * JSON, so its dead letter shows it and its content-hash id is the one of
 * the same event written on a line of its own.
 */

/** A batch message with the body's context and sentAt where it has none of its own. */
function withBatchDefaults(message: unknown, body: Record<string, unknown>): unknown {
  if (!isPlainObject(message)) return message;
  const out: Record<string, unknown> = { ...message };
  const context = body['context'];
  if (isPlainObject(context)) out['context'] = isPlainObject(message['context']) ? { ...context, ...message['context'] } : (message['context'] ?? context);
  if (typeof body['sentAt'] === 'string' && out['sentAt'] === undefined) out['sentAt'] = body['sentAt'];
  return out;
}

/** The events a parsed value holds (an array's, a batch body's), or undefined for a single event. */
export function eventsOfBody(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (isPlainObject(value) && Array.isArray(value['batch']) && value['type'] === undefined) {
    return value['batch'].map((message) => withBatchDefaults(message, value));
  }
  return undefined;
}

/**
 * Whether a record's text may hold several events, and is worth parsing
 * here: every other record is parsed once, by the decoder. A first
 * character test, then a search for the batch key only in objects.
 */
function mayHoldSeveral(record: RawRecord): boolean {
  if (record.error !== undefined || record.fields !== undefined || record.bytes !== undefined) return false;
  const raw = record.raw;
  let i = 0;
  while (i < raw.length && (raw.charCodeAt(i) === 0x20 || raw.charCodeAt(i) === 0x09 || raw.charCodeAt(i) === 0x0a || raw.charCodeAt(i) === 0x0d)) i++;
  const first = raw.charCodeAt(i);
  return first === 0x5b || (first === 0x7b && raw.includes('"batch"'));
}

/** The records of one that holds several events, or undefined when it holds one (or is not JSON: the decoder says why). */
function split(record: RawRecord): RawRecord[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(record.raw);
  } catch {
    return undefined;
  }
  const events = eventsOfBody(value);
  if (!events) return undefined;
  return events.map((event, index) => ({
    raw: JSON.stringify(event) ?? 'undefined',
    origin: { ...record.origin, index },
    ...(record.receivedAtMs === undefined ? {} : { receivedAtMs: record.receivedAtMs }),
  }));
}

/** The records with every array or batch body replaced by its events, in order; the same array when there is none. */
export function expandBodies(records: readonly RawRecord[]): readonly RawRecord[] {
  let out: RawRecord[] | undefined;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const events = mayHoldSeveral(record) ? split(record) : undefined;
    if (events) {
      out ??= records.slice(0, i);
      for (const event of events) out.push(event);
    } else if (out) out.push(record);
  }
  return out ?? records;
}
