const NEWLINE = 0x0a;

/**
 * Splits a newline-terminated payload (one row per line, UTF-8) into parts of
 * at most `maxRows` rows, each still newline-terminated. Lines are never
 * split: rows escape their newlines, and a 0x0a byte never occurs inside a
 * multi-byte UTF-8 character, so that byte only ends a row. Parts share the
 * payload's memory.
 */
export function* chunkLines(payload: Uint8Array, maxRows: number): Generator<Uint8Array> {
  if (maxRows < 1) throw new Error('maxRows must be at least 1');
  let start = 0;
  while (start < payload.length) {
    let end = start;
    for (let rows = 0; rows < maxRows && end < payload.length; rows++) {
      const next = payload.indexOf(NEWLINE, end);
      end = next === -1 ? payload.length : next + 1;
    }
    const part = payload.subarray(start, end);
    yield part[part.length - 1] === NEWLINE ? part : Buffer.concat([part, Buffer.from([NEWLINE])]);
    start = end;
  }
}
