import { describe, expect, it } from 'vitest';
import { MAX_ROWS_PER_LINE, RowBuffer } from '../../src/stores/row-buffer.js';

/** The rows a JSONCompactEachRow reader finds: arrays separated by commas or newlines. */
function readRows(bytes: Buffer): unknown[][] {
  const text = bytes.toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .flatMap((line) => JSON.parse(`[${line}]`) as unknown[][]);
}

describe('RowBuffer', () => {
  it('encodes rows as UTF-8 JSON arrays, a chunk per newline-terminated line, growing as needed', () => {
    const rows = new RowBuffer(8);
    const first = [['a', 1, null], ['é€😀', 2, { nested: ['x\ny'] }]];
    const second = [[`${'x'.repeat(100)}`, 3, null]];
    rows.pushRows(first);
    rows.pushRows([]);
    rows.pushRows(second);
    expect(rows.rowCount).toBe(3);
    const taken = rows.take();
    expect(taken.toString('utf8').split('\n')).toHaveLength(3); // two lines and the end
    expect(readRows(taken)).toEqual([...first, ...second]);
    expect(rows.rowCount).toBe(0);
    expect(rows.take().length).toBe(0);
  });

  it(`cuts a large hand-over into lines of at most ${MAX_ROWS_PER_LINE} rows`, () => {
    const rows = new RowBuffer();
    const many = Array.from({ length: MAX_ROWS_PER_LINE * 2 + 3 }, (_, i) => [i]);
    rows.pushRows(many);
    const taken = rows.take();
    expect(taken.toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(`[${line}]`).length)).toEqual([MAX_ROWS_PER_LINE, MAX_ROWS_PER_LINE, 3]);
    expect(readRows(taken)).toEqual(many);
  });

  it('reuses a recycled buffer without disturbing rows taken since', () => {
    const rows = new RowBuffer(1024);
    rows.pushRows([['first']]);
    const first = rows.take();
    rows.pushRows([['second']]);
    rows.recycle(first);
    const second = rows.take();
    // The next rows go into `first`'s memory; `second` is untouched.
    rows.pushRows([['third']]);
    const third = rows.take();
    expect(third.buffer).toBe(first.buffer);
    expect(second.buffer).not.toBe(first.buffer);
    expect(readRows(second)).toEqual([['second']]);
    expect(readRows(third)).toEqual([['third']]);
  });
});
