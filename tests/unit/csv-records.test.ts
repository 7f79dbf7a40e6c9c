import { describe, expect, it } from 'vitest';
import { CsvRecordSplitter, type CsvRecord } from '../../src/sources/csv-records.js';
import type { OverlongLine } from '../../src/sources/file-source.js';

function split(lines: Array<string | OverlongLine>, { maxRecordBytes = 1000 } = {}): CsvRecord[] {
  const splitter = new CsvRecordSplitter({ delimiter: ',', maxRecordBytes });
  const out: CsvRecord[] = [];
  lines.forEach((line, i) => splitter.push(line, i + 1, out));
  splitter.end(out);
  return out;
}

/** [line, values] for records, [line, raw, reason] for bad ones. */
const brief = (records: CsvRecord[]) => records.map((r) => ('error' in r ? [r.line, r.raw, r.error] : [r.line, r.values]));

describe('CSV records', () => {
  it('reads RFC 4180 quoting: delimiters, doubled quotes and line breaks inside quotes, empty fields', () => {
    expect(brief(split(['a,b,c', '"x,1","say ""hi""",', '"multi', 'line",2,""', '', 'plain,,end']))).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['x,1', 'say "hi"', '']],
      [3, ['multi\nline', '2', '']],
      [6, ['plain', '', 'end']],
    ]);
    const [multi] = split(['"multi', 'line",2']);
    expect(multi).toMatchObject({ line: 1, raw: '"multi\nline",2' });
  });

  it.each([
    { name: 'a quote inside an unquoted field', line: '1,ab"c,3', reason: 'not valid CSV: a quote inside unquoted field 2' },
    { name: 'text after a closing quote', line: '1,"ab"c,3', reason: 'not valid CSV: text after the closing quote of field 2' },
    { name: 'a space after a closing quote', line: '"a" ,x,y', reason: 'not valid CSV: text after the closing quote of field 1' },
  ])('dead-letters $name and reads the next rows', ({ line, reason }) => {
    expect(brief(split(['h1,h2,h3', line, 'x,y,z']))).toEqual([
      [1, ['h1', 'h2', 'h3']],
      [2, line, reason],
      [3, ['x', 'y', 'z']],
    ]);
  });

  it('an unclosed quote costs its own line only: the lines it swallowed are read again', () => {
    expect(brief(split(['h1,h2', '4,"unclosed', '5,ok', '6,ok']))).toEqual([
      [1, ['h1', 'h2']],
      [2, '4,"unclosed', 'not valid CSV: the quoted field opened on line 2 is not closed before the end of the input'],
      [3, ['5', 'ok']],
      [4, ['6', 'ok']],
    ]);
  });

  it('a stray opening quote that a later line seems to close badly costs its own line only', () => {
    expect(brief(split(['1,"a', '2,b"x', '3,c']))).toEqual([
      [1, '1,"a', 'not valid CSV: the quoted field opened on line 1 is not closed properly (line 2: text after the closing quote of field 2)'],
      [2, '2,b"x', 'not valid CSV: a quote inside unquoted field 2'],
      [3, ['3', 'c']],
    ]);
  });

  it('a quoted field still open past the record limit is given up, and the lines after it read again', () => {
    const filler = Array.from({ length: 30 }, (_, i) => `${i},filler`);
    const records = split(['1,"never closed', ...filler], { maxRecordBytes: 100 });
    expect(records[0]).toEqual({ line: 1, raw: '1,"never closed', error: 'not valid CSV: the quoted field opened on line 1 is still open after 100 bytes' });
    expect(records.slice(1).map((r) => ('values' in r ? r.values[0] : r.error))).toEqual(filler.map((_, i) => String(i)));
  });

  it('a line over the limit is a bad record; inside an open quote it ends the quote too', () => {
    const long: OverlongLine = { head: 'xxxx', bytes: 5000 };
    expect(brief(split(['a,b', long, 'c,d']))).toEqual([
      [1, ['a', 'b']],
      [2, 'xxxx', 'line of 5000 bytes is over the 1000-byte record limit (maxRecordBytes); raw keeps its first 4 bytes'],
      [3, ['c', 'd']],
    ]);
    expect(brief(split(['1,"open', '2,two', long, '3,three']))).toEqual([
      [1, '1,"open', 'not valid CSV: the quoted field opened on line 1 runs into line 3, which is over the record limit'],
      [2, ['2', 'two']],
      [3, 'xxxx', 'line of 5000 bytes is over the 1000-byte record limit (maxRecordBytes); raw keeps its first 4 bytes'],
      [4, ['3', 'three']],
    ]);
  });

  it('splits on the declared delimiter', () => {
    const splitter = new CsvRecordSplitter({ delimiter: ';', maxRecordBytes: 1000 });
    const out: CsvRecord[] = [];
    splitter.push('a;"b;c";d,e', 1, out);
    expect(out).toEqual([{ line: 1, raw: 'a;"b;c";d,e', values: ['a', 'b;c', 'd,e'] }]);
  });
});
