import { describe, expect, it } from 'vitest';
import { lineChunks, ndjsonBatches, readCsv } from '../../src/sources/file-source.js';
import type { RawRecord } from '../../src/pipeline/compiled-pipeline.js';

const E9 = Buffer.from([0xe9]); // é in Latin-1: not UTF-8
const bytes = (...parts: Array<string | Buffer>) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));

async function* cut(input: Buffer, size: number) {
  for (let at = 0; at < input.length; at += size) yield input.subarray(at, at + size);
}

describe('lines with bytes that are not UTF-8', () => {
  const input = bytes('caf', E9, '\r\n', 'é ok\n', '\n', 'x', E9, 'y');
  const expected = [
    { text: 'caf\uFFFD', original: bytes('caf', E9) },
    'é ok',
    '',
    { text: 'x\uFFFDy', original: bytes('x', E9, 'y') },
  ];

  it('come with their text (U+FFFD) and original bytes, however the input is cut into chunks; valid lines stay plain text', async () => {
    for (let size = 1; size <= input.length; size++) {
      const lines = [];
      for await (const found of lineChunks(cut(input, size))) lines.push(...found);
      expect(lines).toEqual(expected);
    }
  });

  it('NDJSON: the record keeps the bytes of its line, a valid line none', async () => {
    const records: RawRecord[] = [];
    for await (const batch of ndjsonBatches('a.ndjson', 10, { input: cut(bytes('{"a":"caf', E9, '"}\n{"b":"é"}\n'), 5) })) records.push(...batch);
    expect(records.map((r) => [r.raw, r.bytes])).toEqual([
      ['{"a":"caf\uFFFD"}', bytes('{"a":"caf', E9, '"}')],
      ['{"b":"é"}', undefined],
    ]);
  });

  it('CSV: a row keeps the bytes of its lines (a quoted field over two lines too), valid rows none', async () => {
    const file = bytes('a,b\n', 'caf', E9, ',1\n', 'ok,2\n', '"x\n', 'y', E9, '",3\n', 'bad', E9, '\n');
    for (const size of [1, 3, 1000]) {
      const records: RawRecord[] = [];
      for await (const record of readCsv('a.csv', { delimiter: ',', input: cut(file, size) })) records.push(record);
      expect(records.map((r) => [r.raw, r.bytes, r.error !== undefined])).toEqual([
        ['caf\uFFFD,1', bytes('caf', E9, ',1'), false],
        ['ok,2', undefined, false],
        ['"x\ny\uFFFD",3', bytes('"x\ny', E9, '",3'), false],
        ['bad\uFFFD', bytes('bad', E9), true],
      ]);
      expect(records[0]!.fields).toEqual({ a: 'caf\uFFFD', b: '1' });
    }
  });
});
