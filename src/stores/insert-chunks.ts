const NEWLINE = 0x0a;

/**
 * Splits a newline-terminated payload (UTF-8 lines, each holding one or more
 * JSONCompactEachRow rows) into parts of at most `maxLines` lines, each still
 * newline-terminated. Lines are never split: rows escape their newlines, and
 * a 0x0a byte never occurs inside a multi-byte UTF-8 character, so that byte
 * only ends a line. Parts share the payload's memory.
 */
export function* chunkLines(payload: Uint8Array, maxLines: number): Generator<Uint8Array> {
  if (maxLines < 1) throw new Error('maxLines must be at least 1');
  let start = 0;
  while (start < payload.length) {
    let end = start;
    for (let lines = 0; lines < maxLines && end < payload.length; lines++) {
      const next = payload.indexOf(NEWLINE, end);
      end = next === -1 ? payload.length : next + 1;
    }
    const part = payload.subarray(start, end);
    yield part[part.length - 1] === NEWLINE ? part : Buffer.concat([part, Buffer.from([NEWLINE])]);
    start = end;
  }
}
