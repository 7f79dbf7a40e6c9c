import { describe, expect, it } from 'vitest';
import { lineChunks, type OverlongLine } from '../../src/sources/file-source.js';
import type { InvalidUtf8Line } from '../../src/sources/utf8-lines.js';

async function collect(chunks: Buffer[], options: { maxLineBytes?: number } = {}): Promise<Array<string | OverlongLine | InvalidUtf8Line>> {
  async function* stream() {
    yield* chunks;
  }
  const out: Array<string | OverlongLine | InvalidUtf8Line> = [];
  for await (const found of lineChunks(stream(), options)) {
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
    for await (const batch of ndjsonBatches('events.ndjson', 3, { input })) {
      got.push(batch.map((record) => [record.raw, record.origin.kind === 'file' ? record.origin.line : -1]));
    }
    expect(got).toEqual([
      [['{"n":1}', 1], ['{"n":2}', 3], ['{"n":3}', 5]],
      [['{"n":4}', 6]],
    ]);
  });
});

describe('lines over the record limit', () => {
  it('keeps only the head and the size of a line over the limit, however it is cut into chunks', async () => {
    const long = 'é'.repeat(3000); // 6,000 bytes
    const bytes = Buffer.from(`short\n${long}\r\nafter\n${long}`);
    for (const size of [1, 7, 100, 5000, bytes.length]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
      const lines = await collect(chunks, { maxLineBytes: 5000 });
      expect(lines).toEqual(['short', { head: 'é'.repeat(2048), bytes: 6001 }, 'after', { head: 'é'.repeat(2048), bytes: 6000 }]);
    }
    expect(await collect([bytes], { maxLineBytes: 6001 })).toEqual(['short', long, 'after', long]);
  });

  it('reads a 50 MB line in 256 KB chunks as one dead letter with its head and size, and the lines after it', async () => {
    const { ndjsonBatches } = await import('../../src/sources/file-source.js');
    const chunk = Buffer.alloc(256 * 1024, 0x78); // 'x'
    async function* input() {
      yield Buffer.from('{"n":1}\n{"big":"');
      for (let i = 0; i < 200; i++) yield chunk; // 52,428,800 bytes, never held at once
      yield Buffer.from('"}\n{"n":3}\n');
    }
    const started = performance.now();
    const records = [];
    for await (const batch of ndjsonBatches('big.ndjson', 100, { input: input() })) records.push(...batch);
    // Before: the partial line was copied again for every chunk (40 s and 812 MB for this line).
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(records.map((r) => [r.origin, r.raw.length, r.error])).toEqual([
      [{ kind: 'file', file: 'big.ndjson', line: 1 }, 7, undefined],
      [
        { kind: 'file', file: 'big.ndjson', line: 2 },
        4096,
        'line of 52428810 bytes is over the 1000000-byte record limit (maxRecordBytes); raw keeps its first 4096 bytes',
      ],
      [{ kind: 'file', file: 'big.ndjson', line: 3 }, 7, undefined],
    ]);
    expect(records[1]!.raw.startsWith('{"big":"xxx')).toBe(true);
  });
});
