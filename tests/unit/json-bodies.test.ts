import { describe, expect, it } from 'vitest';
import { expandBodies } from '../../src/sources/json-bodies.js';
import { describeOrigin, type Origin } from '../../src/core/result.js';
import type { RawRecord } from '../../src/pipeline/compiled-pipeline.js';

const a = { type: 'track', event: 'A', anonymousId: 'x' };
const b = { type: 'page', anonymousId: 'y' };
const kafka = (offset: string): Origin => ({ kind: 'kafka', topic: 'events', partition: 0, offset });
const line = (n: number): Origin => ({ kind: 'file', file: 'f.ndjson', line: n });

/** What the decoder will be handed: each record's origin and its text parsed back (or as is, when not JSON). */
function read(records: readonly RawRecord[]) {
  return records.map((r) => {
    let raw: unknown = r.raw;
    try {
      raw = JSON.parse(r.raw);
    } catch {
      // left as text: the decoder dead-letters it
    }
    return { at: describeOrigin(r.origin), raw, ...(r.receivedAtMs === undefined ? {} : { receivedAtMs: r.receivedAtMs }) };
  });
}

describe('arrays and batch bodies are their events, for every source (docs/events.md)', () => {
  it('leaves one-event records alone: the same array, nothing parsed', () => {
    const records: RawRecord[] = [
      { raw: JSON.stringify(a), origin: line(1) },
      { raw: 'not json', origin: line(2) },
      { raw: JSON.stringify({ ...a, properties: { note: '"batch"' } }), origin: line(3) },
    ];
    expect(expandBodies(records)).toBe(records);
  });

  it('reads a JSON array as its elements, each with its index, in place', () => {
    const records: RawRecord[] = [
      { raw: JSON.stringify(a), origin: line(1) },
      { raw: `  ${JSON.stringify([a, b, 7])}`, origin: line(2) },
      { raw: JSON.stringify(b), origin: line(3) },
    ];
    expect(read(expandBodies(records))).toEqual([
      { at: 'f.ndjson:1', raw: a },
      { at: 'f.ndjson:2#0', raw: a },
      { at: 'f.ndjson:2#1', raw: b },
      { at: 'f.ndjson:2#2', raw: 7 },
      { at: 'f.ndjson:3', raw: b },
    ]);
    // Compact JSON of the element: the same text (and content-hash id) as the event on a line of its own.
    expect(expandBodies(records)[1]!.raw).toBe(JSON.stringify(a));
  });

  it("reads a Segment batch body from Kafka as its messages, with the body's context and sentAt where a message has none, and the message's receipt time", () => {
    const body = {
      batch: [a, { ...b, context: { locale: 'de-DE' }, sentAt: '2026-11-02T11:00:01Z' }],
      context: { library: { name: 'analytics-node' }, locale: 'en-US' },
      sentAt: '2026-11-02T11:00:00Z',
      writeKey: 'k',
    };
    expect(read(expandBodies([{ raw: JSON.stringify(body), origin: kafka('17'), receivedAtMs: 5 }]))).toEqual([
      { at: 'events/0@17#0', raw: { ...a, context: body.context, sentAt: body.sentAt }, receivedAtMs: 5 },
      { at: 'events/0@17#1', raw: { ...b, context: { library: { name: 'analytics-node' }, locale: 'de-DE' }, sentAt: '2026-11-02T11:00:01Z' }, receivedAtMs: 5 },
    ]);
  });

  it('keeps as one event a message with a batch property and a type, an empty object, and text that is not JSON', () => {
    const withBatchField = { ...a, batch: [a] };
    const records: RawRecord[] = [
      { raw: JSON.stringify(withBatchField), origin: line(1) },
      { raw: '[1,', origin: line(2) },
      { raw: '{"batch": [1', origin: line(3) },
    ];
    expect(expandBodies(records)).toBe(records);
  });

  it('an empty array or batch holds no event; records with a framing error, CSV fields or invalid UTF-8 are never split', () => {
    const records: RawRecord[] = [
      { raw: '[]', origin: line(1) },
      { raw: '{"batch":[]}', origin: line(2) },
      { raw: '[1]', origin: line(3), error: 'line too long' },
      { raw: '[1]', origin: line(4), fields: { a: '1' } },
      { raw: '[1]', origin: line(5), bytes: new Uint8Array([0x5b, 0x31, 0x5d, 0xff]) },
    ];
    expect(expandBodies(records).map((r) => describeOrigin(r.origin))).toEqual(['f.ndjson:3', 'f.ndjson:4', 'f.ndjson:5']);
  });
});
