import type { OverlongLine } from './file-source.js';

/** One CSV record: its values, or why it is not a record; raw is its text, line its first line. */
export type CsvRecord = { line: number; raw: string; values: string[] } | { line: number; raw: string; error: string };

const QUOTE = 0x22;

/** Parse state of a record whose quoted field runs on past the end of a line. */
interface OpenRecord {
  line: number;
  lines: string[];
  bytes: number;
  values: string[];
  field: string;
}

type Scan = { kind: 'done' } | { kind: 'open' } | { kind: 'bad'; reason: string };

/**
 * Splits physical lines into RFC 4180 records: `"` quotes a field (`""` is a
 * quote inside it) and a quoted field may span lines. Unlike csv-parse, a
 * malformed record never takes the rest of the file with it (csv-parse's
 * skip_records_with_error loses the records after the error, and an unclosed
 * quote swallows everything to the end of the file):
 * - a quote inside an unquoted field (`ab"c`) or text after a closing quote
 *   (`"ab"c`) makes the record bad;
 * - a quoted field still open at the end of the input or past
 *   `maxRecordBytes` marks only the line where it opened as bad; the lines
 *   after it are read again as records of their own;
 * - a line over the limit (read only as its head) is a bad record.
 * Blank lines outside quotes are skipped; CRLF inside a quoted field is read as LF.
 */
export class CsvRecordSplitter {
  private open: OpenRecord | undefined;

  constructor(private readonly options: { delimiter: string; maxRecordBytes: number }) {}

  /** Feeds the next physical line (1-based number); completed or bad records are appended to `out`. */
  push(text: string | OverlongLine, line: number, out: CsvRecord[]): void {
    // Lines handed back by a bad open record are read again, next line on top.
    const stack: Array<[string | OverlongLine, number]> = [[text, line]];
    for (let next = stack.pop(); next; next = stack.pop()) {
      const replay = this.feed(next[0], next[1], out);
      if (replay) for (let i = replay.length - 1; i >= 0; i--) stack.push(replay[i]!);
    }
  }

  /** Ends the input: a record still open is handled like one that ran over the limit. */
  end(out: CsvRecord[]): void {
    while (this.open) {
      const replay = this.fail(out, `not valid CSV: the quoted field opened on line ${this.open.line} is not closed before the end of the input`);
      for (const [text, line] of replay) this.push(text, line, out);
    }
  }

  /** One line; returns the lines to read again when an open record turned out bad. */
  private feed(text: string | OverlongLine, line: number, out: CsvRecord[]): Array<[string | OverlongLine, number]> | undefined {
    if (typeof text !== 'string') {
      if (this.open) {
        // The open record's other lines come first, then this line again (now outside quotes).
        const reason = `not valid CSV: the quoted field opened on line ${this.open.line} runs into line ${line}, which is over the record limit`;
        return [...this.fail(out, reason), [text, line]];
      }
      out.push({ line, raw: text.head, error: overlongReason(text, this.options.maxRecordBytes) });
      return undefined;
    }
    const open = this.open;
    if (open) {
      open.lines.push(text);
      open.bytes += Buffer.byteLength(text) + 1;
      const scan = this.scan(open, text, { continued: true });
      if (scan.kind === 'done') {
        this.open = undefined;
        out.push({ line: open.line, raw: open.lines.join('\n'), values: open.values });
        return undefined;
      }
      if (scan.kind === 'bad') return this.fail(out, `not valid CSV: the quoted field opened on line ${open.line} is not closed properly (line ${line}: ${scan.reason})`);
      if (open.bytes > this.options.maxRecordBytes) {
        return this.fail(out, `not valid CSV: the quoted field opened on line ${open.line} is still open after ${this.options.maxRecordBytes} bytes`);
      }
      return undefined;
    }
    if (text === '') return undefined;
    if (text.indexOf('"') === -1) {
      // Nearly every line: no quotes, so a native split does it.
      out.push({ line, raw: text, values: text.split(this.options.delimiter) });
      return undefined;
    }
    const record: OpenRecord = { line, lines: [text], bytes: Buffer.byteLength(text), values: [], field: '' };
    const scan = this.scan(record, text, { continued: false });
    if (scan.kind === 'done') out.push({ line, raw: text, values: record.values });
    else if (scan.kind === 'bad') out.push({ line, raw: text, error: `not valid CSV: ${scan.reason}` });
    else this.open = record;
    return undefined;
  }

  /**
   * Marks the open record's first line as bad and hands back its other lines
   * to be read again: the quote that opened it was most likely a stray one.
   */
  private fail(out: CsvRecord[], reason: string): Array<[string, number]> {
    const open = this.open!;
    this.open = undefined;
    out.push({ line: open.line, raw: open.lines[0]!, error: reason });
    return open.lines.slice(1).map((text, i): [string, number] => [text, open.line + 1 + i]);
  }

  /** Scans one line into the record; `continued` when the line continues a quoted field. */
  private scan(record: OpenRecord, text: string, { continued }: { continued: boolean }): Scan {
    const { delimiter } = this.options;
    let at = 0;
    let quoted = continued;
    if (continued) record.field += '\n';
    for (;;) {
      if (quoted) {
        const quote = text.indexOf('"', at);
        if (quote === -1) {
          record.field += text.slice(at);
          return { kind: 'open' };
        }
        record.field += text.slice(at, quote);
        if (text.charCodeAt(quote + 1) === QUOTE) {
          record.field += '"';
          at = quote + 2;
          continue;
        }
        record.values.push(record.field);
        record.field = '';
        quoted = false;
        at = quote + 1;
        if (at === text.length) return { kind: 'done' };
        if (text[at] !== delimiter) return { kind: 'bad', reason: `text after the closing quote of field ${record.values.length}` };
        at++;
      } else if (text.charCodeAt(at) === QUOTE) {
        quoted = true;
        at++;
      } else {
        const next = text.indexOf(delimiter, at);
        const value = text.slice(at, next === -1 ? text.length : next);
        if (value.indexOf('"') !== -1) return { kind: 'bad', reason: `a quote inside unquoted field ${record.values.length + 1}` };
        record.values.push(value);
        if (next === -1) return { kind: 'done' };
        at = next + 1;
      }
    }
  }
}

/** The reason given for a line over the record limit. */
export function overlongReason(line: OverlongLine, maxRecordBytes: number): string {
  return `line of ${line.bytes} bytes is over the ${maxRecordBytes}-byte record limit (maxRecordBytes); raw keeps its first ${Buffer.byteLength(line.head)} bytes`;
}
