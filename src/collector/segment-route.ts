import type { IncomingMessage, ServerResponse } from 'node:http';
import { isUtf8 } from 'node:buffer';
import type { RawRecord } from '../pipeline/compiled-pipeline.js';
import { MAX_BATCH_BYTES, MAX_EVENT_BYTES, messagesOfRequest, type CallType } from './segment-messages.js';
import { writeKeyOf } from './write-keys.js';
import { readRequestBody } from './request-body.js';
import { passOn, type RejectedEvent } from './pass-on.js';
import { replyJson } from './reply.js';
import type { CollectorContext } from './collector-context.js';

/**
 * One Segment-compatible call (`/v1/track` … `/v1/batch`): the body read
 * within Segment's limits, the write key checked, the messages stamped and
 * passed on; 200 `{"success": true}` once they are durable, 400 naming the
 * invalid events (dead-lettered, the others still accepted), 401 for a
 * missing or unknown write key.
 */
export async function handleSegmentCall(call: CallType | 'batch', request: IncomingMessage, response: ServerResponse, context: CollectorContext): Promise<void> {
  const path = call === 'batch' ? '/v1/batch' : `/v1/${call}`;
  const limit = call === 'batch' ? MAX_BATCH_BYTES : MAX_EVENT_BYTES;
  const read = await readRequestBody(request, limit);
  if (read.kind === 'problem') {
    context.metrics.refused.inc({ reason: read.problem.kind === 'too-large' ? 'too_large' : 'bad_encoding' });
    const message =
      read.problem.kind === 'too-large'
        ? `the body is over ${read.problem.limit / 1024} KB, ${call === 'batch' ? "a batch's limit (Segment's 500 KB): send smaller batches" : "a single call's limit (32 KB): send less in properties and traits"}`
        : read.problem.reason;
    replyJson(response, 400, { success: false, message });
    return;
  }
  const receivedAtMs = context.clock();
  const where = { path, request: context.requestId(), receivedAtMs };
  const text = read.bytes.toString('utf8');
  let body: unknown;
  let parseError: string | undefined;
  try {
    body = JSON.parse(text);
  } catch (error) {
    parseError = (error as Error).message;
  }
  if (!context.writeKeys.allows(writeKeyOf(request.headers, body))) {
    context.metrics.refused.inc({ reason: 'unauthorized' });
    replyJson(response, 401, { success: false, message: 'no write key, or one this collector does not know: send a configured key as HTTP Basic auth (the key as the user name) or as "writeKey" in the body' }, { 'www-authenticate': 'Basic realm="journeys"' });
    return;
  }
  let records: RawRecord[];
  if (parseError !== undefined) {
    // The body as one record: the pipeline dead-letters it as not JSON, with its bytes.
    records = [{ raw: text, origin: { kind: 'http', ...where }, receivedAtMs, ...(isUtf8(read.bytes) ? {} : { bytes: read.bytes }) }];
  } else {
    const messages = messagesOfRequest(call, body, where);
    records = messages.kind === 'ok' ? messages.records : [{ raw: text, origin: { kind: 'http', ...where }, receivedAtMs, error: messages.reason }];
  }
  const outcome = await passOn(records, context);
  if (outcome.rejected.length === 0) {
    replyJson(response, 200, { success: true });
    return;
  }
  replyJson(response, 400, { success: false, message: rejectionMessage(outcome.rejected, records.length), accepted: outcome.accepted, rejected: outcome.rejected });
}

function rejectionMessage(rejected: readonly RejectedEvent[], total: number): string {
  const first = rejected[0]!;
  const which = total === 1 ? 'the event is invalid' : `${rejected.length} of ${total} events are invalid (the others are accepted)`;
  return `${which} and kept as dead letters; first: ${first.reason}`;
}
