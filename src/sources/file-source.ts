import { isUtf8 } from 'node:buffer';
import type { RawRecord } from '../pipeline/compiled-pipeline.js';
import type { Origin } from '../core/result.js';
import { DEFAULT_LIMITS } from '../events/limits.js';
import type { CsvMapping } from '../journey/csv-mapping.js';
import { inputChunks, openInput } from './input-bytes.js';
import { CsvRecordSplitter, overlongReason, type CsvRecord } from './csv-records.js';
import { jsonHint, missingColumnsMessage } from './csv-header.js';
import { InputFormatError } from './input-errors.js';
import { csvHeaderOf, csvRowFields, type CsvHeader } from './csv-row.js';
import { checkedLine, InvalidLines, type InvalidUtf8Line } from './utf8-lines.js';
import { SpreadJsonReader } from './spread-json-lines.js';

export type FileFormat = 'ndjson' | 'csv';

/** Guesses the format from the file name; `-` (stdin) and unknown endings are NDJSON. */
export function formatOf(path: string): FileFormat {
  return /\.csv(\.gz)?$/i.test(path) ? 'csv' : 'ndjson';
}

export function originOf(path: string, line: number): Origin {
  return path === '-' ? { kind: 'stdin', line } : { kind: 'file', file: path, line };
}

/** The bytes of an input, decompressed when it is .gz, with read errors that name it. */
export function inputBytes(path: string): AsyncIterable<Buffer | string> {
  return inputChunks(path, openInput(path));
}

const NEWLINE = 0x0a;
const RETURN = 0x0d;

/** Where a line's text ends: before a trailing CR (CRLF files). */
function lineEnd(bytes: Buffer, start: number, end: number): number {
  return end > start && bytes[end - 1] === RETURN ? end - 1 : end;
}

/** One line's text, without a trailing CR. */
function lineText(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('utf8', start, lineEnd(bytes, start, end));
}

/** One line's text, with its original bytes if they are not valid UTF-8. */
function checkedLineText(bytes: Buffer, start: number, end: number): string | InvalidUtf8Line {
  const stop = lineEnd(bytes, start, end);
  return checkedLine(bytes.toString('utf8', start, stop), bytes.subarray(start, stop));
}

/** A line over the record limit: only its first bytes are kept, and its size. */
export interface OverlongLine {
  head: string;
  bytes: number;
}

/** How much of an over-long line a dead letter keeps. */
const OVERLONG_HEAD_BYTES = 4096;

/** Collects the bytes of a line that spans chunks, and stops collecting once it passes the limit. */
class SpanningLine {
  private pieces: Buffer[] = [];
  private head: Buffer | undefined;
  bytes = 0;

  constructor(private readonly maxLineBytes: number) {}

  add(piece: Buffer): void {
    this.bytes += piece.length;
    if (this.head) return;
    this.pieces.push(piece);
    if (this.bytes > this.maxLineBytes) {
      // A copy: a view would keep the whole concatenation (up to the limit) alive.
      this.head = Buffer.from(Buffer.concat(this.pieces).subarray(0, OVERLONG_HEAD_BYTES));
      this.pieces = [];
    }
  }

  /** The whole line (concatenated once), or its head and size past the limit. */
  take(): string | OverlongLine | InvalidUtf8Line {
    const line = this.head ? { head: this.head.toString('utf8'), bytes: this.bytes } : checkedLineText(Buffer.concat(this.pieces), 0, this.bytes);
    this.pieces = [];
    this.head = undefined;
    this.bytes = 0;
    return line;
  }
}

/**
 * The lines of a byte stream (LF or CRLF), one array per chunk read, with
 * backpressure: the stream is read only as fast as lines are taken.
 * (readline's async iterator reads ahead and queues lines, which then outlive
 * young-generation collections.) Each line is decoded on its own, straight
 * from the chunk; a line that spans chunks is concatenated once at its end.
 * 0x0a never occurs inside a multi-byte UTF-8 character, so splitting bytes
 * is safe. Handing over a chunk's lines at once, not line by line, saves two
 * async-generator steps per line: reading the 1M-line benchmark file into
 * 100-record batches took 0.65 s line by line, 0.40 s this way.
 *
 * A line over `maxLineBytes` (CR included) comes as an OverlongLine: it is
 * not decoded, and past the limit not even kept, so a 50 MB line costs a
 * 4 KB head, not 50 MB copied again for every chunk.
 *
 * A line whose bytes are not valid UTF-8 comes as an InvalidUtf8Line (its
 * text with U+FFFD, and its bytes). One native pass over a chunk's complete
 * lines finds out whether any has such bytes; only then are they checked one
 * by one, so valid input costs that one pass per 256 KB chunk (~33 ms for
 * 1.15 GB, measured).
 */
export async function* lineChunks(
  input: AsyncIterable<Buffer | string>,
  { maxLineBytes = Infinity }: { maxLineBytes?: number } = {},
): AsyncGenerator<Array<string | OverlongLine | InvalidUtf8Line>> {
  const spanning = new SpanningLine(maxLineBytes);
  const lineAt = (chunk: Buffer, start: number, end: number, utf8: boolean): string | OverlongLine | InvalidUtf8Line =>
    end - start > maxLineBytes
      ? { head: chunk.toString('utf8', start, Math.min(end, start + OVERLONG_HEAD_BYTES)), bytes: end - start }
      : utf8 ? lineText(chunk, start, end) : checkedLineText(chunk, start, end);
  for await (const piece of input) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    const found: Array<string | OverlongLine | InvalidUtf8Line> = [];
    let start = 0;
    let end = chunk.indexOf(NEWLINE);
    if (spanning.bytes > 0) {
      if (end === -1) {
        spanning.add(chunk);
        continue;
      }
      spanning.add(chunk.subarray(0, end));
      found.push(spanning.take());
      start = end + 1;
      end = chunk.indexOf(NEWLINE, start);
    }
    const last = chunk.lastIndexOf(NEWLINE);
    const utf8 = last <= start || isUtf8(chunk.subarray(start, last));
    for (; end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      found.push(lineAt(chunk, start, end, utf8));
      start = end + 1;
    }
    if (start < chunk.length) spanning.add(chunk.subarray(start));
    if (found.length > 0) yield found;
  }
  if (spanning.bytes > 0) yield [spanning.take()];
}

/** Collects items into arrays of `size` (the last one may be shorter). */
class BatchCollector<T> {
  private batch: T[] = [];

  constructor(private readonly size: number) {}

  /** Adds an item; returns the batch it completed, if any. */
  add(item: T): T[] | undefined {
    this.batch.push(item);
    if (this.batch.length < this.size) return undefined;
    const full = this.batch;
    this.batch = [];
    return full;
  }

  /** The unfinished batch, if it holds anything. */
  rest(): T[] | undefined {
    return this.batch.length > 0 ? this.batch : undefined;
  }
}

/**
 * NDJSON records, one per non-blank line (a pretty-printed value spread over
 * lines is one: spread-json-lines.ts), with file:line origins, in batches
 * of `size`. A line over `maxRecordBytes` becomes a record with an error (its
 * head as raw text), dead-lettered without being parsed.
 */
export async function* ndjsonBatches(
  path: string,
  size: number,
  { input = inputBytes(path), maxRecordBytes = DEFAULT_LIMITS.maxRecordBytes }: { input?: AsyncIterable<Buffer | string>; maxRecordBytes?: number } = {},
): AsyncGenerator<RawRecord[]> {
  const collector = new BatchCollector<RawRecord>(size);
  const spread = new SpreadJsonReader((line) => originOf(path, line), maxRecordBytes);
  const records: RawRecord[] = [];
  let line = 0;
  for await (const texts of lineChunks(input, { maxLineBytes: maxRecordBytes })) {
    for (const text of texts) {
      line++;
      if (typeof text === 'string') {
        if (text.trim() !== '') spread.push(text, line, records);
      } else if ('original' in text) {
        // Not valid UTF-8: one record that keeps its bytes for the dead letter.
        spread.end(records);
        records.push({ raw: text.text, bytes: text.original, origin: originOf(path, line) });
      } else {
        spread.end(records);
        records.push({ raw: text.head, origin: originOf(path, line), error: overlongReason(text, maxRecordBytes) });
      }
    }
    for (const record of records) {
      const full = collector.add(record);
      if (full) yield full;
    }
    records.length = 0;
  }
  spread.end(records);
  for (const record of records) {
    const full = collector.add(record);
    if (full) yield full;
  }
  const rest = collector.rest();
  if (rest) yield rest;
}

export interface CsvReadOptions {
  delimiter: string;
  maxRecordBytes?: number;
  /** Checked against the header before the first row; without one any header is taken. */
  mapping?: CsvMapping | undefined;
  onWarning?: ((message: string) => void) | undefined;
  /** Told the header line as it is in the file (`journeys produce` sends it with every row). */
  onHeader?: ((line: string) => void) | undefined;
  input?: AsyncIterable<Buffer | string>;
}

/**
 * CSV rows as named fields (header row first), each with its raw text and the
 * line it starts on. The header is checked against the mapping before any row
 * is read: a missing required column throws an InputFormatError naming it and
 * the file, a missing optional one is reported to onWarning and read as
 * empty. A row that is not valid CSV (csv-records.ts), is over the record
 * limit or has a column count other than the header's becomes a record with
 * an error, dead-lettered rather than misread; the rows after it are read as
 * usual. Fields have no prototype, so a `__proto__` column is kept.
 */
export async function* readCsv(path: string, options: CsvReadOptions): AsyncGenerator<RawRecord> {
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_LIMITS.maxRecordBytes;
  const name = path === '-' ? 'stdin' : path;
  const splitter = new CsvRecordSplitter({ delimiter: options.delimiter, maxRecordBytes });
  let header: CsvHeader | undefined;
  const invalid = new InvalidLines();
  const toRawRecord = (record: CsvRecord): RawRecord | undefined => {
    const origin = originOf(path, record.line);
    if (!header) {
      if ('error' in record) throw new InputFormatError(`${name}:${record.line}: cannot read the CSV header: ${record.error}.${jsonHint(record.raw)}`);
      const read = csvHeaderOf(record.values, options.mapping);
      if (read.missingRequired.length > 0) {
        throw new InputFormatError(missingColumnsMessage(name, read.header.names, read.missingRequired, { headerRaw: record.raw }));
      }
      header = read.header;
      for (const column of header.missingOptional) {
        options.onWarning?.(`${name}: the CSV header has no column ${column}; it is optional in the csv mapping and read as empty`);
      }
      options.onHeader?.(record.raw);
      return undefined;
    }
    // Shared with the Kafka consumer (csv-message.ts): a replayed file reads the same.
    const read: RawRecord = { raw: record.raw, origin, ...csvRowFields(record, header) };
    if (invalid.size > 0) read.bytes = invalid.bytesOf(record.line, record.raw);
    return read;
  };
  const records: CsvRecord[] = [];
  let line = 0;
  for await (const lines of lineChunks(options.input ?? inputBytes(path), { maxLineBytes: maxRecordBytes })) {
    for (const text of lines) {
      line++;
      if (typeof text !== 'string' && 'original' in text) {
        invalid.add(line, text.original);
        splitter.push(text.text, line, records);
      } else {
        splitter.push(text, line, records);
      }
    }
    for (const record of records) {
      const raw = toRawRecord(record);
      if (raw) yield raw;
    }
    records.length = 0;
  }
  splitter.end(records);
  for (const record of records) {
    const raw = toRawRecord(record);
    if (raw) yield raw;
  }
}

/**
 * Reads a CSV file's header only and checks it against the mapping (throws
 * like readCsv), so a run over several files can refuse a bad one before
 * anything is written.
 */
export async function checkCsvHeader(path: string, options: Omit<CsvReadOptions, 'onWarning' | 'input'>): Promise<void> {
  // The first row, if any, comes only after the header passed.
  for await (const row of readCsv(path, options)) {
    void row;
    break;
  }
}

/** Groups a record stream into batches of at most `size`. */
export async function* batches<T>(records: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  const collector = new BatchCollector<T>(size);
  for await (const record of records) {
    const full = collector.add(record);
    if (full) yield full;
  }
  const rest = collector.rest();
  if (rest) yield rest;
}

export interface InputBatchOptions {
  format: FileFormat;
  delimiter: string;
  size: number;
  /** Records (lines, CSV rows) over this many bytes are dead-lettered unread; default limits.maxRecordBytes. */
  maxRecordBytes?: number;
  /** The CSV mapping whose columns the header must have (checked before the first row); none: any header. */
  csv?: CsvMapping | undefined;
  /** Told about optional CSV columns a file lacks. */
  onWarning?: ((message: string) => void) | undefined;
  /** Told a CSV file's header line as it is in the file. */
  onCsvHeader?: ((line: string) => void) | undefined;
}

/** An input's records in batches of `size`: NDJSON read chunk by chunk, CSV rows (header first) grouped. */
export function inputBatches(path: string, options: InputBatchOptions): AsyncIterable<RawRecord[]> {
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_LIMITS.maxRecordBytes;
  if (options.format === 'ndjson') return ndjsonBatches(path, options.size, { maxRecordBytes });
  const rows = readCsv(path, { delimiter: options.delimiter, maxRecordBytes, mapping: options.csv, onWarning: options.onWarning, onHeader: options.onCsvHeader });
  return batches(rows, options.size);
}
