import { describe, expect, it } from 'vitest';
import { RowBuffer } from '../../src/stores/row-buffer.js';

describe('RowBuffer', () => {
  it('encodes rows as newline-terminated UTF-8, growing as needed', () => {
    const rows = new RowBuffer(8);
    const lines = ['["a"]', '["é€😀"]', `["${'x'.repeat(100)}"]`];
    for (const line of lines) rows.push(line);
    expect(rows.rowCount).toBe(3);
    const taken = rows.take();
    expect(taken.toString('utf8')).toBe(`${lines.join('\n')}\n`);
    expect(rows.rowCount).toBe(0);
    expect(rows.take().length).toBe(0);
  });

  it('reuses a recycled buffer without disturbing rows taken since', () => {
    const rows = new RowBuffer(1024);
    rows.push('["first"]');
    const first = rows.take();
    rows.push('["second"]');
    rows.recycle(first);
    const second = rows.take();
    // The next rows go into `first`'s memory; `second` is untouched.
    rows.push('["third"]');
    const third = rows.take();
    expect(third.buffer).toBe(first.buffer);
    expect(second.buffer).not.toBe(first.buffer);
    expect(second.toString()).toBe('["second"]\n');
    expect(third.toString()).toBe('["third"]\n');
  });
});
