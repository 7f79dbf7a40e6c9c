import { isUtf8 } from 'node:buffer';

/**
 * A line whose bytes are not valid UTF-8: `text` has U+FFFD for each invalid
 * sequence (what Buffer#toString gives), `original` keeps the bytes (without
 * a trailing CR), so a dead letter can carry them.
 */
export interface InvalidUtf8Line {
  text: string;
  original: Buffer;
}

/** The line's text when its bytes are UTF-8, else the text with a copy of the bytes (the chunk must not live on with it). */
export function checkedLine(text: string, bytes: Buffer): string | InvalidUtf8Line {
  return isUtf8(bytes) ? text : { text, original: Buffer.from(bytes) };
}

/**
 * The original bytes of lines that were not valid UTF-8, by line number,
 * until the CSV record holding them is read (a record may span lines, and
 * lines of a bad record are read again, so they are kept until a record
 * starting after them comes out).
 */
export class InvalidLines {
  private readonly byLine = new Map<number, Buffer>();

  get size(): number {
    return this.byLine.size;
  }

  add(line: number, original: Buffer): void {
    this.byLine.set(line, original);
  }

  /**
   * The original bytes of the record that starts on `line` with text `raw`
   * (its lines joined by LF), or undefined when all its lines were UTF-8.
   * Lines before the record are forgotten: records come out in line order.
   */
  bytesOf(line: number, raw: string): Buffer | undefined {
    for (const kept of this.byLine.keys()) if (kept < line) this.byLine.delete(kept);
    const lines = raw.split('\n');
    if (!lines.some((_, i) => this.byLine.has(line + i))) return undefined;
    const pieces = lines.map((text, i) => this.byLine.get(line + i) ?? Buffer.from(text));
    return Buffer.concat(pieces.flatMap((piece, i) => (i === 0 ? [piece] : [Buffer.from('\n'), piece])));
  }
}
