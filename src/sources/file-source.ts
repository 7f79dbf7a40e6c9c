import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import type { RawRecord } from '../pipeline/compiled-pipeline.js';
import type { Origin } from '../core/result.js';

export type FileFormat = 'ndjson' | 'csv';

/** Guesses the format from the file name; `-` (stdin) and unknown endings are NDJSON. */
export function formatOf(path: string): FileFormat {
  return /\.csv(\.gz)?$/i.test(path) ? 'csv' : 'ndjson';
}

function originOf(path: string, line: number): Origin {
  return path === '-' ? { kind: 'stdin', line } : { kind: 'file', file: path, line };
}

function open(path: string): Readable {
  return path === '-' ? process.stdin : createReadStream(path);
}

/** NDJSON records, one per non-blank line, with file:line origins. */
export async function* readNdjson(path: string, input: Readable = open(path)): AsyncGenerator<RawRecord> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    yield { raw: text, origin: originOf(path, line) };
  }
}

/**
 * CSV rows as named fields (header row first). A row whose column count
 * differs from the header becomes a record with an error, so it is
 * dead-lettered rather than silently misread.
 */
export async function* readCsv(path: string, options: { delimiter: string }, input: Readable = open(path)): AsyncGenerator<RawRecord> {
  const parser = input.pipe(
    parse({ delimiter: options.delimiter, raw: true, info: true, relax_column_count: true, skip_empty_lines: true, bom: true }),
  );
  let header: string[] | undefined;
  for await (const item of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
    const raw = item.raw.replace(/\r?\n$/, '');
    if (!header) {
      header = item.record.map((name) => name.trim());
      continue;
    }
    const origin = originOf(path, item.info.lines);
    if (item.record.length !== header.length) {
      yield { raw, origin, error: `expected ${header.length} columns (${header.join(',')}), got ${item.record.length}` };
      continue;
    }
    const fields: Record<string, string> = {};
    header.forEach((name, i) => (fields[name] = item.record[i]!));
    yield { raw, origin, fields };
  }
}

/** Groups a record stream into batches of at most `size`. */
export async function* batches<T>(records: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const record of records) {
    batch.push(record);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
