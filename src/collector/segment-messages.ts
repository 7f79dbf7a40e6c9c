import type { RawRecord } from '../pipeline/compiled-pipeline.js';
import { eventsOfBody } from '../sources/json-bodies.js';
import { isPlainObject } from '../core/plain-object.js';
import { stableId } from '../core/hash.js';

/** Segment's HTTP API limits: 32 KB per call or per event in a batch, 500 KB per batch. */
export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

/** The calls of Segment's HTTP API (and RudderStack's, the same paths); each path implies its message type. */
export const CALL_TYPES = ['track', 'page', 'screen', 'identify', 'alias', 'group'] as const;
export type CallType = (typeof CALL_TYPES)[number];

export type RequestMessages = { kind: 'ok'; records: RawRecord[] } | { kind: 'rejected'; reason: string };

/**
 * The messages of one collector request as records the pipeline reads
 * (docs/collector.md):
 * - `/v1/<type>`: the body is one message of that type (the path says the
 *   type, as in Segment's API);
 * - `/v1/batch`: `{"batch": [...]}` (or a JSON array), each message
 *   completed with the body's context and sentAt (json-bodies.ts).
 * Every message is stamped as Segment stamps it: `receivedAt` is the
 * collector's clock (it corrects a device's clock with sentAt; a
 * `timestamp` sent with `sentAt` is the device's time, so it becomes
 * `originalTimestamp` and the event time is corrected from it; a message
 * with no time at all gets `timestamp` = receivedAt), a missing
 * `messageId` becomes the content id of the message as sent (so a retried
 * request is a duplicate, not a second event), and the write key is taken
 * out. A message over 32 KB stays a record with the reason, so it is
 * dead-lettered with its bytes rather than dropped.
 */
export function messagesOfRequest(call: CallType | 'batch', body: unknown, where: { path: string; request: string; receivedAtMs: number }): RequestMessages {
  let messages: unknown[];
  if (call === 'batch') {
    const events = eventsOfBody(body);
    if (!events) return { kind: 'rejected', reason: 'a batch body is {"batch": [ …messages ]} (or a JSON array of messages)' };
    messages = events;
  } else {
    if (!isPlainObject(body)) return { kind: 'rejected', reason: `a /v1/${call} body is one JSON object (a ${call} message)` };
    messages = [{ ...body, type: call }];
  }
  const receivedAt = new Date(where.receivedAtMs).toISOString();
  const records = messages.map((message, i): RawRecord => {
    const origin = { kind: 'http' as const, path: where.path, request: where.request, ...(call === 'batch' ? { index: i } : {}) };
    const record = { raw: stamped(message, receivedAt), origin, receivedAtMs: where.receivedAtMs };
    const bytes = Buffer.byteLength(record.raw, 'utf8');
    if (bytes > MAX_EVENT_BYTES) return { ...record, error: `the message is ${bytes.toLocaleString('en-US')} bytes; the collector takes at most 32 KB per event (Segment's limit)` };
    return record;
  });
  return { kind: 'ok', records };
}

/** A message as the text the pipeline reads: receivedAt stamped, a messageId when it had none, no write key. */
function stamped(message: unknown, receivedAt: string): string {
  if (!isPlainObject(message)) return JSON.stringify(message) ?? 'null';
  const { writeKey: _writeKey, receivedAt: _sent, ...rest } = message;
  const out: Record<string, unknown> = rest;
  if (typeof out['messageId'] !== 'string' || out['messageId'] === '') out['messageId'] = stableId('content', JSON.stringify(rest));
  // The SDKs send the device's time as `timestamp` with `sentAt`: Segment's API keeps it as
  // originalTimestamp and corrects the device clock with receivedAt (events/time.ts).
  if (out['originalTimestamp'] === undefined && typeof out['timestamp'] === 'string' && typeof out['sentAt'] === 'string') {
    out['originalTimestamp'] = out['timestamp'];
    delete out['timestamp'];
  }
  // Segment's API: a message with no time at all happened when it was received.
  if (out['timestamp'] === undefined && out['originalTimestamp'] === undefined) out['timestamp'] = receivedAt;
  out['receivedAt'] = receivedAt;
  return JSON.stringify(out);
}
