/**
 * Splits a newline-terminated payload (one row per line) into parts of at
 * most `maxRows` rows, each still newline-terminated. Lines are never split:
 * rows are JSON arrays with escaped newlines, so `\n` only ends a row.
 */
export function* chunkLines(payload: string, maxRows: number): Generator<string> {
  if (maxRows < 1) throw new Error('maxRows must be at least 1');
  let start = 0;
  while (start < payload.length) {
    let end = start;
    for (let rows = 0; rows < maxRows && end < payload.length; rows++) {
      const next = payload.indexOf('\n', end);
      end = next === -1 ? payload.length : next + 1;
    }
    const part = payload.slice(start, end);
    yield part.endsWith('\n') ? part : `${part}\n`;
    start = end;
  }
}
