/**
 * Rows per line at most: bounds the text one JSON.stringify builds (a
 * checkpoint can hand over every open session at once), and the rows in a
 * line, which the server store's insert parts count by lines.
 */
export const MAX_ROWS_PER_LINE = 1_000;

/**
 * Rows encoded to UTF-8 (JSONCompactEachRow) as they are made, outside the JS
 * heap, until a large insert takes them. Kept as strings, every row waiting
 * for its 100k-row insert survived two young-generation collections and was copied
 * into the old generation, and then joined and encoded once more: measured
 * on the benchmark, that was most of the garbage collector's work.
 */
export class RowBuffer {
  private bytes: Buffer;
  private used = 0;
  private rows = 0;
  /** A buffer handed out earlier and given back: reused, because fresh memory costs a page fault per 4 KB (measured ~3× the write itself). */
  private spare: Buffer | undefined;

  constructor(private nextCapacity = 64 * 1024) {
    this.bytes = Buffer.allocUnsafeSlow(nextCapacity);
  }

  get rowCount(): number {
    return this.rows;
  }

  /**
   * Appends rows (arrays of column values) as lines of JSONCompactEachRow,
   * `[a,b],[c,d]`, up to MAX_ROWS_PER_LINE rows each. ClickHouse reads a comma
   * between rows as it reads a newline, and one JSON.stringify of a chunk's
   * rows, written at once, is cheaper than a string per row: each of those is
   * a tree of pieces that V8 flattens before encoding (measured: ~0.65 µs a
   * row in isolation, ~0.2 µs an event end to end). No newline occurs inside
   * a line: JSON escapes it.
   */
  pushRows(rows: readonly unknown[][]): void {
    if (rows.length <= MAX_ROWS_PER_LINE) this.pushLine(rows);
    else for (let from = 0; from < rows.length; from += MAX_ROWS_PER_LINE) this.pushLine(rows.slice(from, from + MAX_ROWS_PER_LINE));
  }

  private pushLine(rows: readonly unknown[][]): void {
    if (rows.length === 0) return;
    const text = JSON.stringify(rows);
    // A UTF-16 unit takes at most 3 UTF-8 bytes.
    const needed = this.used + text.length * 3;
    if (needed > this.bytes.length) this.grow(needed);
    const start = this.used;
    this.used += this.bytes.write(text, start, 'utf8');
    // The outer brackets become a space before the first row and the newline after the last.
    this.bytes[start] = 0x20;
    this.bytes[this.used - 1] = 0x0a;
    this.rows += rows.length;
  }

  /**
   * Hands over the rows written so far (newline-terminated) and starts an
   * empty buffer sized like the one handed over, so a steady stream stops
   * growing buffers after its first insert. The caller owns the bytes.
   */
  take(): Buffer {
    const taken = this.bytes.subarray(0, this.used);
    this.nextCapacity = Math.max(this.nextCapacity, this.used + (this.used >> 3));
    const spare = this.spare;
    this.spare = undefined;
    this.bytes = spare && spare.length >= this.nextCapacity ? spare : Buffer.allocUnsafeSlow(this.nextCapacity);
    this.used = 0;
    this.rows = 0;
    return taken;
  }

  /** Gives back bytes from `take` once nothing reads them any more (the insert settled). */
  recycle(taken: Buffer): void {
    // Every buffer here owns its whole ArrayBuffer (allocUnsafeSlow: never the shared pool), so the full capacity comes back.
    const whole = Buffer.from(taken.buffer, taken.byteOffset, taken.buffer.byteLength - taken.byteOffset);
    if (!this.spare || whole.length > this.spare.length) this.spare = whole;
  }

  private grow(needed: number): void {
    const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.bytes.length * 2));
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
  }
}
