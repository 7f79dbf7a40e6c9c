import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { deadLetterMessage, splitByBytes, TRUNCATED_HEADER } from '../../src/sources/kafka/dead-letter-message.js';
import type { DeadLetter } from '../../src/core/result.js';

const letter = (raw: string, overrides: Partial<DeadLetter> = {}): DeadLetter => ({
  raw,
  origin: { kind: 'kafka', topic: 't', partition: 0, offset: '5' },
  step: 'decode-json',
  reason: 'not JSON',
  issues: [],
  receivedAtMs: 0,
  ...overrides,
});
const original = (value: string | Buffer, key: string | null = 'k'): KafkaMessage =>
  ({ key: key === null ? null : Buffer.from(key), value: Buffer.from(value), offset: '5', timestamp: '0', attributes: 0, headers: {} }) as KafkaMessage;

// Headers of the letters above: 40 (record) + 1 (key) + five headers, each 10 + name + value bytes.
const HEADER_BYTES = 10 + 15 + 8 + (10 + 13 + 11) + (10 + 15 + 5) + (10 + 17 + 1) + (10 + 15 + 2);
const FIXED = 40 + 1 + HEADER_BYTES;

describe('dead-letter messages', () => {
  it('carry the original key and bytes, and count their size', () => {
    const { message, bytes } = deadLetterMessage(letter('abc'), original('abc'), { pipeline: 'p', maxBytes: 65_536 });
    expect(message).toEqual({
      key: Buffer.from('k'),
      value: Buffer.from('abc'),
      headers: { 'journeys-reason': 'not JSON', 'journeys-step': 'decode-json', 'journeys-origin': 't/0@5', 'journeys-pipeline': 'p', 'journeys-issues': '[]' },
    });
    expect(bytes).toBe(FIXED + 3);
  });

  it.each([
    { name: 'fits exactly', value: 'a'.repeat(100), maxBytes: FIXED + 100, kept: 100 },
    { name: 'one byte over: cut, with the original length', value: 'a'.repeat(101), maxBytes: FIXED + 100, kept: 100 - (10 + TRUNCATED_HEADER.length + 3) },
    // 'é' is two bytes: a cut never splits it.
    { name: 'never inside a character', value: 'é'.repeat(200), maxBytes: FIXED + 10 + TRUNCATED_HEADER.length + 3 + 101, kept: 100 },
    { name: 'no room left for the value', value: 'a'.repeat(500), maxBytes: FIXED + 10 + TRUNCATED_HEADER.length + 3, kept: 0 },
  ])('a letter over the cap: $name', ({ value, maxBytes, kept }) => {
    const { message, bytes } = deadLetterMessage(letter(value), original(value), { pipeline: 'p', maxBytes });
    const cut = message.value as Buffer;
    expect(cut.length).toBe(kept);
    expect(Buffer.from(value).subarray(0, kept).equals(cut)).toBe(true);
    if (kept < Buffer.byteLength(value)) expect(message.headers![TRUNCATED_HEADER]).toBe(String(Buffer.byteLength(value)));
    expect(bytes).toBeLessThanOrEqual(maxBytes);
  });

  it('bound the reason and issues headers in bytes, and use the record text without an original message', () => {
    const issues = Array.from({ length: 500 }, (_, i) => ({ path: `properties.f${i}`, message: 'Expected string, received number' }));
    const { message } = deadLetterMessage(letter('x', { reason: '€'.repeat(2_000), issues, origin: { kind: 'file', file: 'a.ndjson', line: 3 } }), undefined, { pipeline: 'p', maxBytes: 65_536 });
    expect(Buffer.byteLength(message.headers!['journeys-reason'] as string)).toBe(999); // 333 × 3 bytes
    expect(Buffer.byteLength(message.headers!['journeys-issues'] as string)).toBe(4_000);
    expect(message).toMatchObject({ key: null, value: Buffer.from('x'), headers: { 'journeys-origin': 'a.ndjson:3' } });
  });
});

describe('splitting by bytes', () => {
  const items = (...sizes: number[]) => sizes.map((bytes, i) => ({ bytes, i }));
  it.each([
    { sizes: [], max: 10, runs: [] },
    { sizes: [4, 4, 4], max: 10, runs: [[0, 1], [2]] },
    { sizes: [5, 5, 5, 5], max: 10, runs: [[0, 1], [2, 3]] },
    { sizes: [3, 20, 3], max: 10, runs: [[0], [1], [2]] },
  ])('$sizes under $max', ({ sizes, max, runs }) => {
    expect(splitByBytes(items(...sizes), max).map((run) => run.map((item) => item.i))).toEqual(runs);
  });
});
