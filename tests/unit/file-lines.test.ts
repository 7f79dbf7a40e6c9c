import { describe, expect, it } from 'vitest';
import { lines } from '../../src/sources/file-source.js';

async function collect(chunks: Buffer[]): Promise<string[]> {
  async function* stream() {
    yield* chunks;
  }
  const out: string[] = [];
  for await (const line of lines(stream())) out.push(line);
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
