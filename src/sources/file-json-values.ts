import type { RawRecord } from '../pipeline/compiled-pipeline.js';
import type { Origin } from '../core/result.js';

/**
 * The events of an NDJSON file's lines, for files written by hand or by
 * tools other than a logger (docs/events.md, "Files: batches, arrays and
 * pretty-printed JSON"):
 * - a line holding a JSON array is its elements, one record each;
 * - a line holding a Segment batch body, `{"batch": [...]}` without a `type`,
 *   is its messages; the body's `context` fills what a message's own context
 *   lacks, and its `sentAt` a message without one (as Segment's HTTP API
 *   reads a batch);
 * - a value spread over lines (pretty-printed: a line that is only `{` or
 *   `[` opens it) is read up to the line where its brackets close, as one
 *   value from its first line.
 * An element keeps its place as the origin's index (`file:line#index`), so
 * its dead letter, if any, names it; its raw text is the element as JSON.
 * Everything else stays one line, one record, unparsed here (the decoder
 * parses it once). A line that opens a value only counts as such when it is
 * nothing but the bracket: a truncated one-line object must stay one bad
 * line, not swallow the valid lines after it.
 */

/** Where a record starts: its line, and its place in an array or batch on that line. */
type OriginAt = (line: number, index?: number) => Origin;

/** Bracket depth of JSON text, carried across lines (strings may hold brackets). */
class BracketDepth {
  depth = 0;
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A batch message with the body's context and sentAt where it has none of its own. */
function withBatchDefaults(message: unknown, body: Record<string, unknown>): unknown {
  if (!isObject(message)) return message;
  const out: Record<string, unknown> = { ...message };
  if (isObject(body['context'])) out['context'] = isObject(message['context']) ? { ...body['context'], ...message['context'] } : message['context'] ?? body['context'];
  if (typeof body['sentAt'] === 'string' && out['sentAt'] === undefined) out['sentAt'] = body['sentAt'];
  return out;
}

/** The elements a parsed value holds (an array's, a batch body's), or undefined for a single value. */
function elementsOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (isObject(value) && Array.isArray(value['batch']) && value['type'] === undefined) {
    return value['batch'].map((message) => withBatchDefaults(message, value));
  }
  return undefined;
}

/** Whether a line may hold several events, and is worth parsing here. */
function mayHoldSeveral(text: string): boolean {
  const first = text.trimStart().charCodeAt(0);
  return first === 0x5b || (first === 0x7b && text.includes('"batch"'));
}

export class JsonValueReader {
  private open: { line: number; texts: string[]; bytes: number; depth: BracketDepth } | undefined;

  constructor(
    private readonly originAt: OriginAt,
    private readonly maxRecordBytes: number,
  ) {}

  /** Reads one non-blank line (1-based `line`), adding the records it completes to `out`. */
  push(text: string, line: number, out: RawRecord[]): void {
    if (this.open) {
      const open = this.open;
      open.texts.push(text);
      open.bytes += Buffer.byteLength(text) + 1;
      if (open.bytes > this.maxRecordBytes) {
        this.open = undefined;
        const head = open.texts.join('\n').slice(0, 4096);
        out.push({ raw: head, origin: this.originAt(open.line), error: `a JSON value spread over lines ${open.line}–${line} is larger than ${this.maxRecordBytes} bytes` });
        return;
      }
      if (!open.depth.add(text)) return;
      this.open = undefined;
      this.complete(open.texts.join('\n'), open.line, out, true);
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
    this.complete(text, line, out, false);
  }

  /** The end of the input: a value still open is one record, which the decoder will find is not JSON. */
  end(out: RawRecord[]): void {
    if (!this.open) return;
    out.push({ raw: this.open.texts.join('\n'), origin: this.originAt(this.open.line) });
    this.open = undefined;
  }

  private complete(text: string, line: number, out: RawRecord[], spread: boolean): void {
    if (!spread && !mayHoldSeveral(text)) {
      out.push({ raw: text, origin: this.originAt(line) });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      out.push({ raw: text, origin: this.originAt(line) });
      return;
    }
    const elements = elementsOf(value);
    if (!elements) {
      out.push({ raw: spread ? JSON.stringify(value) : text, origin: this.originAt(line) });
      return;
    }
    elements.forEach((element, index) => out.push({ raw: JSON.stringify(element) ?? 'undefined', origin: this.originAt(line, index) }));
  }
}
