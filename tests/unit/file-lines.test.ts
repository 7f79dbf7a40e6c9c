import { describe, expect, it } from 'vitest';
import { lineChunks } from '../../src/sources/file-source.js';

async function collect(chunks: Buffer[]): Promise<string[]> {
  async function* stream() {
    yield* chunks;
  }
  const out: string[] = [];
  for await (const found of lineChunks(stream())) {
    expect(found.length).toBeGreaterThan(0);
    out.push(...found);
  }
  return out;
}

describe('lines of a byte stream', () => {
  const text = '{"a":"é€😀"}\r\n\n{"b":1}\nno newline at the end é';
  const expected = ['{"a":"é€😀"}', '', '{"b":1}', 'no newline at the end é'];

  it('gives the same lines however the bytes are cut into chunks (inside characters too)', async () => {
    const bytes = Buffer.from(text);
    expect(await collect([bytes])).toEqual(expected);
    for (let size = 1; size <= bytes.length; size++) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
      expect(await collect(chunks)).toEqual(expected);
    }
  });

  it('ends a last line without a newline, and gives nothing for empty input', async () => {
    expect(await collect([Buffer.from('x')])).toEqual(['x']);
    expect(await collect([Buffer.from('x\n')])).toEqual(['x']);
    expect(await collect([])).toEqual([]);
    expect(await collect([Buffer.alloc(0), Buffer.from('a\nb'), Buffer.alloc(0)])).toEqual(['a', 'b']);
  });
});

describe('NDJSON batches', () => {
  it('skips blank lines, keeps file:line origins and cuts batches of the given size', async () => {
    const { ndjsonBatches } = await import('../../src/sources/file-source.js');
    const { Readable } = await import('node:stream');
    const text = '{"n":1}\n\n{"n":2}\r\n   \n{"n":3}\n{"n":4}';
    const input = Readable.from([Buffer.from(text.slice(0, 9)), Buffer.from(text.slice(9))]);
    const got: Array<Array<[string, number]>> = [];
    for await (const batch of ndjsonBatches('events.ndjson', 3, input)) {
      got.push(batch.map((record) => [record.raw, record.origin.kind === 'file' ? record.origin.line : -1]));
    }
    expect(got).toEqual([
      [['{"n":1}', 1], ['{"n":2}', 3], ['{"n":3}', 5]],
      [['{"n":4}', 6]],
    ]);
  });
});
