import { isUtf8 } from 'node:buffer';
import type { KafkaMessage } from 'kafkajs';
import type { RawRecord } from '../../pipeline/compiled-pipeline.js';
import type { Origin } from '../../core/result.js';
import type { CsvMessageReader } from '../csv-message.js';

/** Names the format of a message value; absent means JSON (a Segment message or a CRM envelope). */
export const FORMAT_HEADER = 'journeys-format';
/** The header line of the CSV file a `csv` message's row came from, as it was in the file. */
export const CSV_HEADER_HEADER = 'journeys-csv-header';
/**
 * Why the file reader could not frame the record (an over-long line, a CSV
 * row that is not valid CSV or has the wrong column count): the value is then
 * the text the file reader kept, and the record is dead-lettered with this
 * reason, as in a file ingest.
 */
export const READ_ERROR_HEADER = 'journeys-read-error';

function headerText(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/**
 * A Kafka message as a raw record, decoded as a file of its format would be:
 * JSON by default, a CSV row (named fields, or the error the file reader
 * gives) when the `journeys-format: csv` header says so. Bytes that are not
 * valid UTF-8 are decoded with U+FFFD and also kept (`bytes`), so a dead
 * letter carries the original; the check is one native pass per message.
 * `journeys produce` sets these headers (docs/kafka.md, "Formats").
 */
export function messageRecord(message: KafkaMessage, where: { topic: string; partition: number; csv: CsvMessageReader }): RawRecord {
  const origin: Origin = { kind: 'kafka', topic: where.topic, partition: where.partition, offset: message.offset };
  const receivedAtMs = Number(message.timestamp);
  const value = message.value;
  if (value === null) return { raw: '', origin, receivedAtMs, error: 'empty message (null value)' };
  // A copy: the value is a view of the whole fetched batch, which must not live on with a dead letter.
  const bytes = isUtf8(value) ? undefined : Buffer.from(value);
  const raw = value.toString('utf8');
  const readError = headerText(message, READ_ERROR_HEADER);
  if (readError !== undefined) return { raw, bytes, origin, receivedAtMs, error: readError };
  const format = message.headers?.[FORMAT_HEADER] === undefined ? 'json' : headerText(message, FORMAT_HEADER);
  if (format === 'json') return { raw, bytes, origin, receivedAtMs };
  if (format !== 'csv') return { raw, bytes, origin, receivedAtMs, error: `unknown ${FORMAT_HEADER} "${format}" (expected json or csv)` };
  const header = headerText(message, CSV_HEADER_HEADER);
  if (header === undefined) return { raw, bytes, origin, receivedAtMs, error: `a CSV message without the ${CSV_HEADER_HEADER} header naming its columns` };
  return { raw, bytes, origin, receivedAtMs, ...where.csv.read(header, raw) };
}
