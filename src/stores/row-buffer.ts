/**
 * Row lines encoded to UTF-8 as they are made, outside the JS heap, until a
 * large insert takes them. Kept as strings, every row waiting for its
 * 100k-row insert survived two young-generation collections and was copied
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

  /** Appends one row line (no newline in it: rows escape theirs). */
  push(line: string): void {
    // A UTF-16 unit takes at most 3 UTF-8 bytes; plus the newline.
    const needed = this.used + line.length * 3 + 1;
    if (needed > this.bytes.length) this.grow(needed);
    this.used += this.bytes.write(line, this.used, 'utf8');
    this.bytes[this.used++] = 0x0a;
    this.rows++;
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
