import { createReadStream } from 'node:fs';
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
  // 256 KB reads: reading a 1.15 GB file took 0.77 s of CPU with the default
  // 64 KB, 0.33 s with 256 KB, 0.26 s with 1 MB; end to end +2% over the
  // default (1 MB gave no clear further gain and holds more memory per chunk).
  return path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 256 * 1024 });
}

const NEWLINE = 0x0a;
const RETURN = 0x0d;

/** One line's text, without a trailing CR (CRLF files). */
function lineText(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('utf8', start, end > start && bytes[end - 1] === RETURN ? end - 1 : end);
}

/**
 * The lines of a byte stream (LF or CRLF), read with backpressure: the stream
 * is read only as fast as lines are taken. (readline's async iterator reads
 * ahead and queues lines, which then outlive young-generation collections.)
 * Each line is decoded on its own, straight from the chunk; only a line that
 * spans chunks is copied. 0x0a never occurs inside a multi-byte UTF-8
 * character, so splitting bytes is safe.
 */
export async function* lines(input: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  let rest: Buffer | undefined;
  for await (const piece of input) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    let start = 0;
    let end = chunk.indexOf(NEWLINE);
    if (rest) {
      if (end === -1) {
        rest = Buffer.concat([rest, chunk]);
        continue;
      }
      const spanning = Buffer.concat([rest, chunk.subarray(0, end)]);
      yield lineText(spanning, 0, spanning.length);
      rest = undefined;
      start = end + 1;
      end = chunk.indexOf(NEWLINE, start);
    }
    for (; end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      yield lineText(chunk, start, end);
      start = end + 1;
    }
    if (start < chunk.length) rest = chunk.subarray(start);
  }
  if (rest) yield lineText(rest, 0, rest.length);
}

/** NDJSON records, one per non-blank line, with file:line origins. */
export async function* readNdjson(path: string, input: Readable = open(path)): AsyncGenerator<RawRecord> {
  let line = 0;
  for await (const text of lines(input)) {
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
