import { describe, expect, it } from 'vitest';
import { ndjsonBatches } from '../../src/sources/file-source.js';
import { describeOrigin } from '../../src/core/result.js';
import { expandBodies } from '../../src/sources/json-bodies.js';
import type { RawRecord } from '../../src/pipeline/compiled-pipeline.js';

/** The records of a file's text, as `journeys ingest` hands them to the decoder (read, then arrays and batches split) (docs/events.md, "Files: batches, arrays and pretty-printed JSON"). */
async function records(text: string, maxRecordBytes = 1_000_000): Promise<Array<{ at: string; raw: unknown; error?: string }>> {
  async function* input() {
    yield Buffer.from(text);
  }
  const out: RawRecord[] = [];
  for await (const batch of ndjsonBatches('f.ndjson', 3, { input: input(), maxRecordBytes })) out.push(...expandBodies(batch));
  return out.map((r) => ({ at: describeOrigin(r.origin), raw: r.error ? r.raw : safeParse(r.raw), ...(r.error ? { error: r.error } : {}) }));
}

function safeParse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

const a = { type: 'track', event: 'A', anonymousId: 'x' };
const b = { type: 'page', anonymousId: 'y' };

describe('NDJSON files: arrays, batch bodies and pretty-printed values', () => {
  it('reads one record per line, unchanged, as before', async () => {
    const text = `${JSON.stringify(a)}\n\n${JSON.stringify(b)}\n`;
    expect(await records(text)).toEqual([
      { at: 'f.ndjson:1', raw: a },
      { at: 'f.ndjson:3', raw: b },
    ]);
  });

  it('reads a JSON array line as its elements, each with its index', async () => {
    expect(await records(`${JSON.stringify([a, b, 7])}\n${JSON.stringify(a)}`)).toEqual([
      { at: 'f.ndjson:1#0', raw: a },
      { at: 'f.ndjson:1#1', raw: b },
      { at: 'f.ndjson:1#2', raw: 7 },
      { at: 'f.ndjson:2', raw: a },
    ]);
  });

  it("reads a Segment batch body as its messages, with the body's context and sentAt where a message has none", async () => {
    const body = {
      batch: [a, { ...b, context: { locale: 'de-DE' }, sentAt: '2026-11-02T11:00:01Z' }],
      context: { library: { name: 'analytics-node' }, locale: 'en-US' },
      sentAt: '2026-11-02T11:00:00Z',
      writeKey: 'k',
    };
    expect(await records(JSON.stringify(body))).toEqual([
      { at: 'f.ndjson:1#0', raw: { ...a, context: body.context, sentAt: body.sentAt } },
      { at: 'f.ndjson:1#1', raw: { ...b, context: { library: { name: 'analytics-node' }, locale: 'de-DE' }, sentAt: '2026-11-02T11:00:01Z' } },
    ]);
  });

  it('keeps a message that mentions "batch" (or has a batch property) as one record', async () => {
    const message = { ...a, properties: { batch: [1, 2], note: '"batch"' } };
    const withBatchField = { ...a, batch: [a] };
    expect(await records(`${JSON.stringify(message)}\n${JSON.stringify(withBatchField)}`)).toEqual([
      { at: 'f.ndjson:1', raw: message },
      { at: 'f.ndjson:2', raw: withBatchField },
    ]);
  });

  it('reads pretty-printed values (objects, and an array of objects) from the line they open on', async () => {
    const text = `${JSON.stringify(a, null, 2)}\n${JSON.stringify(b)}\n${JSON.stringify([b, { ...a, properties: { brace: '}]{' } }], null, 4)}\n`;
    expect(await records(text)).toEqual([
      { at: 'f.ndjson:1', raw: a },
      { at: 'f.ndjson:6', raw: b },
      { at: 'f.ndjson:7#0', raw: b },
      { at: 'f.ndjson:7#1', raw: { ...a, properties: { brace: '}]{' } } },
    ]);
  });

  it('a truncated one-line object stays one bad line: the valid lines after it are read', async () => {
    expect(await records(`{"type":"track","event":"x"\n${JSON.stringify(a)}\n[1,\n`)).toEqual([
      { at: 'f.ndjson:1', raw: '{"type":"track","event":"x"' },
      { at: 'f.ndjson:2', raw: a },
      { at: 'f.ndjson:3', raw: '[1,' },
    ]);
  });

  it('a pretty-printed value never closed is one record (not JSON) at the end; one over the record limit is dead-lettered with its head', async () => {
    expect(await records(`${JSON.stringify(a)}\n{\n  "type": "track",\n`)).toEqual([
      { at: 'f.ndjson:1', raw: a },
      { at: 'f.ndjson:2', raw: '{\n  "type": "track",' },
    ]);
    const big = `{\n${'  "k": "vvvvvvvvvv",\n'.repeat(10)}  "z": 1\n}\n${JSON.stringify(b)}\n`;
    const read = await records(big, 100);
    expect(read[0]).toMatchObject({ at: 'f.ndjson:1', error: expect.stringMatching(/JSON value spread over lines 1–\d+ is larger than 100 bytes/) });
    // The lines after the limit are read one by one again (each not JSON on its own): none is lost.
    expect(read.at(-1)).toEqual({ at: 'f.ndjson:14', raw: b });
  });
});

describe('a record cut down to a lone bracket', () => {
  it('is one bad line: the record after it, starting at the first column, is read on its own (as a Kafka message of the same bytes would be)', async () => {
    expect(await records(`{\n${JSON.stringify(a)}\n[\n${JSON.stringify(b)}\n`)).toEqual([
      { at: 'f.ndjson:1', raw: '{' },
      { at: 'f.ndjson:2', raw: a },
      { at: 'f.ndjson:3', raw: '[' },
      { at: 'f.ndjson:4', raw: b },
    ]);
  });
});
