import type { IHeaders, Message } from 'kafkajs';
import type { RawRecord } from '../../pipeline/compiled-pipeline.js';
import { CSV_HEADER_HEADER, FORMAT_HEADER, READ_ERROR_HEADER } from './message-record.js';

/**
 * A record read from a file as the Kafka message `journeys produce` sends:
 * its original bytes as the value, and headers that let the consumer decode
 * it as the file reader did (messageRecord is the inverse): a CSV row
 * carries `journeys-format: csv` and its file's header line; a record the
 * file reader could not frame carries the reader's reason.
 */
export function recordMessage(record: RawRecord, options: { key: string | null; csvHeaderLine: string | undefined }): Message {
  let headers: IHeaders | undefined;
  if (options.csvHeaderLine !== undefined) headers = { [FORMAT_HEADER]: 'csv', [CSV_HEADER_HEADER]: options.csvHeaderLine };
  if (record.error !== undefined) headers = { ...headers, [READ_ERROR_HEADER]: record.error };
  const value = record.bytes ? Buffer.from(record.bytes.buffer, record.bytes.byteOffset, record.bytes.byteLength) : record.raw;
  return headers ? { key: options.key, value, headers } : { key: options.key, value };
}
