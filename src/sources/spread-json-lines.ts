import type { RawRecord } from '../pipeline/compiled-pipeline.js';
import type { Origin } from '../core/result.js';

/**
 * An NDJSON file's lines as records, with pretty-printed (multi-line) JSON
 * values read whole (docs/events.md, "Batches, arrays and pretty-printed
 * JSON"): a line that is only `{` or `[` opens a value, read up to the line
 * where its brackets close, as one record from its first line, re-written
 * as compact JSON (so its content-hash id is the one of the same value on
 * one line). Every other line is one record, unparsed here (the decoder
 * parses it once; arrays and batch bodies are split by json-bodies.ts for
 * every source alike). Only a line that is nothing but the bracket opens a
 * value, and only indented lines and closing brackets continue it: a
 * truncated record (even one cut down to its `{`) must stay one bad line,
 * not swallow the valid lines after it.
 */

/** Bracket depth of JSON text, carried across lines (strings may hold brackets). */
class BracketDepth {
  private depth = 0;
  private inString = false;
  private escaped = false;

  /** Adds a line; returns true when the value opened so far is closed. */
  add(text: string): boolean {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
      } else if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) this.depth++;
      else if (c === 0x7d || c === 0x5d) this.depth--;
    }
    return this.depth <= 0;
  }
}

export class SpreadJsonReader {
  private open: { line: number; texts: string[]; bytes: number; depth: BracketDepth } | undefined;

  constructor(
    private readonly originAt: (line: number) => Origin,
    private readonly maxRecordBytes: number,
  ) {}

  /** Reads one non-blank line (1-based `line`), adding the record it completes, if any, to `out`. */
  push(text: string, line: number, out: RawRecord[]): void {
    if (this.open && !continuesValue(text)) this.end(out);
    const open = this.open;
    if (open) {
      open.texts.push(text);
      open.bytes += Buffer.byteLength(text) + 1;
      if (open.bytes > this.maxRecordBytes) {
        // Its head is the dead letter; the lines after the limit are read one by one again, each a record of its own.
        this.open = undefined;
        out.push({ raw: open.texts.join('\n').slice(0, 4096), origin: this.originAt(open.line), error: `a JSON value spread over lines ${open.line}–${line} is larger than ${this.maxRecordBytes} bytes` });
        return;
      }
      if (!open.depth.add(text)) return;
      this.open = undefined;
      out.push({ raw: compact(open.texts.join('\n')), origin: this.originAt(open.line) });
      return;
    }
    // Only a short line can be a lone bracket: the long lines of events are not trimmed again.
    const trimmed = text.length < 16 ? text.trim() : '';
    if (trimmed === '{' || trimmed === '[') {
      const depth = new BracketDepth();
      depth.add(text);
      this.open = { line, texts: [text], bytes: Buffer.byteLength(text) + 1, depth };
      return;
    }
    out.push({ raw: text, origin: this.originAt(line) });
  }

  /** Ends the value open, if any, before a record that is not a line of text (bad UTF-8, over-long) or the end of input: it is one record, which the decoder will find is not JSON. */
  end(out: RawRecord[]): void {
    if (!this.open) return;
    out.push({ raw: this.open.texts.join('\n'), origin: this.originAt(this.open.line) });
    this.open = undefined;
  }
}

/**
 * Whether a line can be inside a value spread over lines: indented, as every
 * pretty-printer writes the inside of a value, or the closing bracket. A line
 * that starts at its first column with anything else is a record of its
 * own, and the value opened before it was a broken line (a `{` alone, say:
 * a truncated record), not the start of a pretty-printed one.
 */
function continuesValue(text: string): boolean {
  const first = text.charCodeAt(0);
  return first === 0x20 || first === 0x09 || first === 0x7d || first === 0x5d;
}

/** A spread value as one line of JSON, or its text as it was when it is not JSON (the decoder says why). */
function compact(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}
