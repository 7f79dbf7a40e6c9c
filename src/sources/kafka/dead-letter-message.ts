import type { KafkaMessage, Message } from 'kafkajs';
import { describeOrigin, type DeadLetter } from '../../core/result.js';

/**
 * Bytes a record may add to a v2 record batch besides its key, value and
 * header texts: the length, attributes, timestamp and offset deltas and the
 * key, value and header-count lengths are varints of at most 5 or 10 bytes.
 */
const RECORD_OVERHEAD_BYTES = 40;
/** The two length varints of one header. */
const HEADER_OVERHEAD_BYTES = 10;
/** Header texts are cut to these many bytes: enough to read, bounded so the value keeps the room. */
const MAX_REASON_BYTES = 1_000;
const MAX_ISSUES_BYTES = 4_000;
/** A longer key is cut: it only spreads the letters over the dead-letter topic's partitions. */
const MAX_KEY_BYTES = 1_024;
/** Names the original value length when the value was cut (the dead_letters table keeps the whole record). */
export const TRUNCATED_HEADER = 'journeys-truncated';

/** A dead letter as a Kafka message, and how many bytes it adds to a record batch at most. */
export interface SizedMessage {
  message: Message;
  bytes: number;
}

/** `bytes` cut to at most `max` bytes, never inside a UTF-8 character (binary values lose at most 3 more bytes). */
function cutUtf8(bytes: Buffer, max: number): Buffer {
  if (bytes.length <= max) return bytes;
  let end = max;
  // Continuation bytes are 10xxxxxx: step back to the start of the character that crosses the cut.
  for (let back = 0; back < 3 && end > 0 && (bytes[end]! & 0xc0) === 0x80; back++) end--;
  return bytes.subarray(0, end);
}

function headerText(text: string, maxBytes: number): string {
  return text.length * 3 <= maxBytes ? text : cutUtf8(Buffer.from(text), maxBytes).toString('utf8');
}

/**
 * The dead-letter message of `letter`: the original message's key and bytes
 * (for a record that came from Kafka; else, or for one element of a
 * message's array or batch body, the record's text), headers
 * naming reason, step, origin, pipeline and issues. A letter over
 * `maxBytes` has its value cut to fit, with a `journeys-truncated` header
 * giving the original value's length in bytes: one huge record must not
 * make the whole batch's letters unsendable.
 */
export function deadLetterMessage(
  letter: DeadLetter,
  original: KafkaMessage | undefined,
  options: { pipeline: string; maxBytes: number },
): SizedMessage {
  const headers: Record<string, string> = {
    'journeys-reason': headerText(letter.reason, MAX_REASON_BYTES),
    'journeys-step': letter.step,
    'journeys-origin': describeOrigin(letter.origin),
    'journeys-pipeline': options.pipeline,
    'journeys-issues': headerText(JSON.stringify(letter.issues), MAX_ISSUES_BYTES),
  };
  const key = original?.key ? cutUtf8(original.key, MAX_KEY_BYTES) : null;
  // An element of an array or batch body (origin index) is its own text: the rest of the message's events were read.
  const value = original?.value && letter.origin.index === undefined ? original.value : Buffer.from(letter.raw);
  let fixed = RECORD_OVERHEAD_BYTES + (key?.length ?? 0);
  for (const [name, text] of Object.entries(headers)) fixed += HEADER_OVERHEAD_BYTES + name.length + Buffer.byteLength(text);
  if (fixed + value.length <= options.maxBytes) return { message: { key, value, headers }, bytes: fixed + value.length };
  headers[TRUNCATED_HEADER] = String(value.length);
  fixed += HEADER_OVERHEAD_BYTES + TRUNCATED_HEADER.length + headers[TRUNCATED_HEADER].length;
  const cut = cutUtf8(value, Math.max(0, options.maxBytes - fixed));
  return { message: { key, value: cut, headers }, bytes: fixed + cut.length };
}

/** Consecutive runs of `items` whose bytes add up to at most `maxBytes` each (an item over it goes alone). */
export function splitByBytes<T extends { bytes: number }>(items: readonly T[], maxBytes: number): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (run.length > 0 && bytes + item.bytes > maxBytes) {
      runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(item);
    bytes += item.bytes;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
